"""Cues to turns, shared by the timed formats (WebVTT, SubRip, JSON): who says each cue, and runs.

Timed blocks are parsed here by hand: webvtt-py drops a cue with a bad timestamp without a word,
keeps only a cue's first voice and leaves entities escaped; the `srt` library takes `00:00:0x`
as a zero end time. A reader must say where a file is broken.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from parser.models import RecordError, Turn
from parser.readers import labels, limits, markup
from parser.readers.segments import segment

UNKNOWN_SPEAKER = "Unknown speaker"


@dataclass(frozen=True, slots=True)
class Cue:
    """One timed block of a subtitle file, its payload still as written (tags, entities, line breaks)."""

    start: float
    end: float
    payload: str


# ---------------------------------------------------------------- cue text


_VOICE = re.compile(r"<v(?:\.[^\s<>]{0,64})?[ \t]++([^<>\n]{0,200})>")  # bounded: linear on any payload
# Markup (<c.yellow>, <i>, </v>, <font ...>) and karaoke timestamps (<00:00:01.000>); a bare `<` in prose stays.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.]*>")
_ASS_TAG = re.compile(r"\{\\[^{}]*\}")  # SubRip's {\an8} positioning


def clean(text: str) -> str:
    """The words of a cue: tags stripped, entities unescaped, wrapped lines joined with single spaces."""
    text = html.unescape(_ASS_TAG.sub("", _TAG.sub("", text)))
    return markup.clean(" ".join(text.replace("\u00a0", " ").split()))


def _voices(payload: str) -> list[tuple[str | None, str]]:
    """Split a payload at its `<v Name>` tags: (voice or None for untagged text, its text cleaned)."""
    pieces: list[tuple[str | None, str]] = []
    voice: str | None = None
    pos = 0
    for m in _VOICE.finditer(payload):
        pieces.append((voice, payload[pos : m.start()]))
        voice = clean(m[1]) or None
        pos = m.end()
    pieces.append((voice, payload[pos:]))
    # Text before the first tag only counts if it has words; a tag with no words still names who speaks next.
    cleaned = [(v, clean(t)) for v, t in pieces]
    return [(v, t) for v, t in cleaned if v is not None or t]


# ---------------------------------------------------------------- `Name:` labels

_LABEL = re.compile(r"^(?P<name>[^\W\d_][^:]{0,49}?)[ \u00a0]?:\s+(?P<rest>\S.*)$", re.DOTALL)
_SENTENCE_PUNCT = re.compile(r"[?!;…\"“”«»]")


def split_label(text: str) -> tuple[str, str] | None:
    """`Name: words` → (name, words) when the part before the colon reads as a name, not as prose.

    A name is short, has no sentence punctuation, starts with no prose word, and is capitalised
    throughout if capitalised at all ("Justin Florentine (Besu)", "Marius van der Wijden", "stokes").
    """
    m = _LABEL.match(text)
    if not m:
        return None
    name = m["name"].strip()
    if len(name) == 1:
        return name, m["rest"].strip()  # "Q:", "A:", "I:" — interview roles
    if _SENTENCE_PUNCT.search(name) or not labels.personal(name):
        return None
    return name, m["rest"].strip()


# ---------------------------------------------------------------- cues to turns


@dataclass(slots=True)
class _Run:
    speaker: str
    texts: list[str]
    start: float | None
    end: float | None


def join_turns(pieces: Iterable[tuple[str, str, float | None, float | None]], meeting_id: str) -> list[Turn]:
    """(speaker, text, start, end) pieces in record order → turns: one speaker's consecutive pieces are one turn."""
    runs: list[_Run] = []
    for speaker, text, start, end in pieces:
        if not text:
            continue
        if runs and runs[-1].speaker == speaker:
            runs[-1].texts.append(text)
            runs[-1].end = end
        else:
            runs.append(_Run(speaker, [text], start, end))
    return [
        Turn.trusted(meeting_id, i, run.speaker, " ".join(run.texts), start=run.start, end=run.end) for i, run in enumerate(runs)
    ]


def numbered(pieces: Iterable[tuple[str, str, float | None, float | None]], meeting_id: str) -> list[Turn]:
    """Pieces as turns, one each, numbered in record order."""
    return [
        Turn.trusted(meeting_id, i, speaker, text, start=start, end=end) for i, (speaker, text, start, end) in enumerate(pieces)
    ]


def cues_to_turns(cues: list[Cue], meeting_id: str, host: str | None = None) -> list[Turn]:
    """Who says each cue: its voice tag, else its `Name:` label, else whoever spoke last, else nobody known.

    A lowercase label ("stokes:") is only believed when the file keeps using it or labels most of
    its cues, since a wrapped line can start with "follows: ..." too. Captions that name nobody
    are cut into segments of the talk, said by the record's stated host or by "Unknown speaker".
    """
    pieces: list[tuple[Cue, str | None, str, tuple[str, str] | None]] = []
    for cue in cues:
        for voice, text in _voices(cue.payload):
            pieces.append((cue, voice, text, None if voice else split_label(text)))
    untagged = sum(1 for _, voice, _, _ in pieces if voice is None)
    labels_found = Counter(label[0] for _, _, _, label in pieces if label)
    dense = untagged > 0 and labels_found.total() * 2 >= untagged

    def believed(name: str) -> bool:
        return name != name.lower() or dense or labels_found[name] >= 2

    speaker: str | None = None
    out: list[tuple[str, str, float | None, float | None]] = []
    for cue, voice, text, label in pieces:
        if voice:
            speaker = voice
        elif label and believed(label[0]):
            speaker, text = label
        elif speaker is None:
            speaker = UNKNOWN_SPEAKER
        out.append((speaker, text, cue.start, cue.end))
    if all(who == UNKNOWN_SPEAKER for who, _, _, _ in out):
        nobody = host or UNKNOWN_SPEAKER
        return numbered(segment((nobody, text, start, end) for _, text, start, end in out), meeting_id)
    return join_turns(out, meeting_id)


# ---------------------------------------------------------------- timed blocks (WebVTT and SubRip)

_TIMING = re.compile(r"^\s*(?P<start>\S+?)\s*-->\s*(?P<end>\S+)(?:\s+(?P<settings>.*))?$")
_TIMESTAMP = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d+)$")
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
_CUT_TIMING = re.compile(r"^\s*\d+:\d+[:.,]")  # a timing line with its arrow cut off


def parse_timestamp(raw: str, hours: bool = False) -> float | None:
    """`00:04:01.680`, `04:01.680`, Teams' `0:0:3.5` or SubRip's `00:00:02,400` → seconds; None if not one.

    Both formats require the fraction, so a timestamp cut short (`00:1`) is not taken for one;
    with `hours`, as SubRip always writes them, `00:00,000` is not either.
    """
    m = _TIMESTAMP.match(raw)
    if not m or (hours and m[1] is None):
        return None
    hh, mm, ss, fraction = m.groups()
    if int(mm) >= 60 or int(ss) >= 60:
        return None
    total = int(hh or 0) * 3600 + int(mm) * 60 + int(ss) + float(f"0.{fraction}")
    return round(total, 3)


def iter_lines(text: str) -> Iterator[str]:
    """The lines of a record one at a time (no BOM, any line ends), as `str.split("\\n")` would give them.

    Lazily, so that a reader that stops early (a record over a limit) never holds the file as a list of lines.
    """
    if "\r" in text:  # the loader's text has `\n` only; a record read directly may not
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    pos = 0
    while text.startswith("\ufeff", pos):
        pos += 1
    while (end := text.find("\n", pos)) >= 0:
        yield text[pos:end]
        pos = end + 1
    yield text[pos:]


def blocks(lines: Iterable[str], path: Path) -> Iterator[tuple[int, list[str]]]:
    """Blocks of non-blank lines with the 0-based number of their first line; a second timing line starts a block.

    A block is at most one cue, so one far longer than a turn may be is refused as it grows, not once held.
    """
    block: list[str] = []
    first = size = 0
    most_chars = 2 * limits.current().turn_chars  # slack: tags, ids and timing lines count here, not in a turn
    for number, line in enumerate(lines):
        if not line.strip():
            if block:
                yield first, block
            block = []
            continue
        if block and "-->" in line and any("-->" in earlier for earlier in block):
            yield first, block  # a cue with no blank line before the next (the spec's reading)
            block = []
        if not block:
            first, size = number, 0
        block.append(line)
        size += len(line) + 1
        if size > most_chars:
            raise limits.over("turn_chars", size, path, f"line {first + 1}")
    if block:
        yield first, block


def parse_cues(timed_blocks: Iterable[tuple[int, list[str]]], path: Path, hours: bool = False) -> list[Cue]:
    """Cues from blocks of (optional id, timing line, text); a `RecordError` names the cue and line that is broken.

    A block with no timing line is more text of the cue before (a blank line inside its text),
    unless it looks like a cue whose timing line is missing or cut off.
    """
    cues: list[Cue] = []
    more: list[str] = []  # lines that continue the last cue, joined once it is done (not once per block)
    most_turns, most_chars = limits.current().turns, 2 * limits.current().turn_chars  # slack for tags, as in `blocks`
    size = 0  # characters in the last cue's text so far
    for first, block in timed_blocks:
        number = len(cues) + 1
        timed = 0 if "-->" in block[0] else 1
        if timed >= len(block) or "-->" not in block[timed]:
            if not cues or _CUE_NUMBER.match(block[0]) or any(_CUT_TIMING.match(line) for line in block[:2]):
                at = first + (2 if _CUE_NUMBER.match(block[0]) and len(block) > 1 else 1)  # where the timing should be
                raise RecordError(path, f"cue {number}: no 'start --> end' timing line", f"line {at}")
            more.extend(block)
            size += sum(len(line) + 1 for line in block)
            if size > most_chars:  # the cue's text, blank lines and all, is more than one turn may hold
                raise limits.over("turn_chars", size, path, f"line {first + 1}")
            continue
        line = block[timed].strip()
        timing = _TIMING.match(line)
        start = parse_timestamp(timing["start"], hours) if timing else None
        end = parse_timestamp(timing["end"], hours) if timing else None
        if start is None or end is None:
            raise RecordError(path, f"cue {number}: bad timestamp in {line!r}", f"line {first + timed + 1}")
        if end < start:
            raise RecordError(path, f"cue {number}: ends before it starts ({line!r})", f"line {first + timed + 1}")
        _continue(cues, more)
        cues.append(Cue(start=start, end=end, payload="\n".join(block[timed + 1 :])))
        size = len(cues[-1].payload)
        if len(cues) > most_turns:  # refused while it is small: each cue may be a turn
            raise limits.over("turns", len(cues), path, f"line {first + 1}")
    _continue(cues, more)
    return cues


def _continue(cues: list[Cue], more: list[str]) -> None:
    """The last cue with the lines of text that followed it after a blank line, if any."""
    if more:
        cues[-1] = replace(cues[-1], payload="\n".join([cues[-1].payload, *more]))
        more.clear()
