"""Text transcripts with a time on every line (`00:01:02 words`, `[0:05] words`) or on a line of its own.

YouTube's "show transcript" copied out, and many podcast pages, look like this. With `Name:` after
the time, turns are the speakers'; without, the talk is cut into segments (`segments.py`), said by
the host the header names (`Host: …`) or by "Unknown speaker". Nobody is invented.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path

from parser.models import Record, RecordError
from parser.readers import limits
from parser.readers.cues import UNKNOWN_SPEAKER, iter_lines, join_turns, numbered, split_label
from parser.readers.markup import clean, seconds
from parser.readers.metadata import make_meeting, title_and_date
from parser.readers.naming import meeting_id
from parser.readers.segments import segment

NAME = "timed-text"

_HEAD = 24  # a time is at the start of a line: the pattern sees no more than this
_TIMED = re.compile(r"^[\[(]?(?P<time>\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?)[\])]?(?:[ \t]+|[ \t]*[-–—][ \t]*|$)")
_HOST = re.compile(r"^(?:host|speaker|presenter|narrator)\s*:\s*(?P<name>\S.{0,79})$", re.IGNORECASE)


def _timed(line: str) -> tuple[float, str] | None:
    """(seconds, the words after the time) of a line that opens with a time."""
    m = _TIMED.match(line[:_HEAD])
    if not m:
        return None
    at = seconds(m["time"])
    return (at, line[m.end() :].strip()) if at is not None else None


def read_text(text: str, path: Path) -> Record:
    """Read a text transcript of timed lines; a `RecordError` when no timed line has words."""
    header: list[str] = []
    lines: list[tuple[float, list[str]]] = []
    most_turns, most_chars = limits.current().turns, 2 * limits.current().turn_chars  # slack: `clean` may shorten words
    size = 0  # characters of the last timed line's words so far
    for number, raw in enumerate(iter_lines(text), 1):
        line = raw.strip()
        found = _timed(line)
        if found:
            lines.append((found[0], [found[1]] if found[1] else []))
            size = len(found[1])
            if len(lines) > most_turns:  # refused while it is small: each timed line may be a turn
                raise limits.over("turns", len(lines), path, f"line {number}")
        elif line and lines:
            lines[-1][1].append(line)
            size += len(line) + 1
            if size > most_chars:  # the words of one timed line are part of one turn
                raise limits.over("turn_chars", size, path, f"line {number}")
        elif line:
            header.append(line)
    pieces = [(at, clean(" ".join(words))) for at, words in lines]
    pieces = [(at, words) for at, words in pieces if words]
    if not pieces:
        raise RecordError(path, "no timed lines with words found (expected lines like '00:01:02 words')")
    host = next((m["name"].strip() for line in header if (m := _HOST.match(line))), None)
    labelled = [split_label(words) for _, words in pieces]
    names = Counter(label[0] for label in labelled if label)
    ends = [*(at for at, _ in pieces[1:]), None]
    if names.total() * 2 >= len(pieces):
        out = []
        speaker = UNKNOWN_SPEAKER
        for (at, text), label, end in zip(pieces, labelled, ends, strict=True):
            if label:
                speaker, text = label
            out.append((speaker, text, at, end))
        turns = join_turns(out, meeting_id(path))
    else:
        nobody = host or UNKNOWN_SPEAKER
        turns = numbered(
            segment((nobody, words, at, end) for (at, words), end in zip(pieces, ends, strict=True)), meeting_id(path)
        )
    title, date = title_and_date([line for line in header if not _HOST.match(line)])
    return Record(meeting=make_meeting(path, NAME, turns, title=title, date=date), turns=turns)


MAX_MEDIAN_GAP = 120.0  # seconds: talk is timed every few seconds or so


def sniff(text: str) -> bool:
    """Most of the opening lines open with a time (or are one), several, a few seconds apart."""
    lines = [line.strip() for line in text.lstrip("\ufeff")[:50_000].split("\n")[:300] if line.strip()]
    times = [found[0] for line in lines if (found := _timed(line))]
    if len(times) < 5 or len(times) * 2 < len(lines):
        return False
    stamps = [m["time"] for line in lines if (m := _TIMED.match(line[:_HEAD]))]
    clock = [s for s in stamps if s.count(":") == 1 and s.endswith(("0", "5"))]
    if len(clock) * 5 >= len(stamps) * 4:
        return False  # `09:00`, `09:30`, `10:15`: the clock times of an agenda, not m:ss into a talk
    gaps = sorted(b - a for a, b in itertools.pairwise(times))
    return gaps[len(gaps) // 2] <= MAX_MEDIAN_GAP
