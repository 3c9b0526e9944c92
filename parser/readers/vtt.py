"""WebVTT records: Zoom's `Name: words` cues, `<v Name>` voice tags, Teams' short timestamps.

The cue parsing and who-speaks rules are in `parser/readers/cues.py`, shared with SubRip and JSON; this
module knows the WebVTT header, NOTE metadata and STYLE/REGION blocks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from parser.models import Record, RecordError
from parser.readers.cues import blocks, cues_to_turns, iter_lines, parse_cues
from parser.readers.metadata import find_date, make_meeting
from parser.readers.naming import meeting_id

NAME = "vtt"


# ---------------------------------------------------------------- WebVTT files

_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_META = re.compile(r"^\s*(?P<key>[A-Za-z][A-Za-z ]{0,20}?)\s*[:=]\s*(?P<value>\S.*)$")
_TITLE_KEYS = frozenset({"title", "meeting", "meeting title", "topic", "subject"})
_DATE_KEYS = frozenset({"date", "meeting date", "recorded", "recorded on", "recording date"})
_URL_KEYS = frozenset({"url", "link", "source", "video", "recording"})
_HOST_KEYS = frozenset({"host", "speaker", "presenter", "narrator"})
_LANGUAGE = re.compile(r"^([A-Za-z]{2})(?:[-_][A-Za-z0-9]+)?$")


@dataclass
class _Meta:
    title: str | None = None
    date: dt.date | None = None
    loose_date: dt.date | None = None
    language: str | None = None
    host: str | None = None
    url: str | None = None

    def read(self, lines: Iterable[str]) -> None:
        """Metadata a header or NOTE states: `Title: …`, `Date: …`, `Language: en`, or a bare date."""
        for line in lines:
            m = _META.match(line)
            key = m["key"].strip().lower() if m else ""
            if m and key in _TITLE_KEYS and self.title is None:
                self.title = m["value"].strip()
            elif m and key in _DATE_KEYS and self.date is None:
                self.date = find_date(m["value"])
            elif m and key in _URL_KEYS and self.url is None and m["value"].strip().startswith(("https://", "http://")):
                self.url = m["value"].strip().split()[0]
            elif m and key in _HOST_KEYS and self.host is None:
                self.host = " ".join(m["value"].split())[:80] or None
            elif m and key in ("language", "lang") and self.language is None:
                lang = _LANGUAGE.match(m["value"].strip())
                self.language = lang[1].lower() if lang else None
            elif self.loose_date is None:
                self.loose_date = find_date(line)


def _cue_blocks(lines: Iterable[str], meta: _Meta, path: Path) -> Iterator[tuple[int, list[str]]]:
    """The blocks that hold cues; the header, NOTE, STYLE and REGION blocks go to `meta` or nowhere."""
    for first, block in blocks(lines, path):
        if first == 0:  # WEBVTT, then `Kind:`/`Language:` lines; a cue may follow with no blank line
            timed = next((i for i, line in enumerate(block) if "-->" in line), len(block))
            meta.read(block[1:timed])
            first, block = first + timed, block[timed:]
            if not block:
                continue
        head = block[0].strip()
        if head == "NOTE" or head.startswith(("NOTE ", "NOTE\t")):
            meta.read([head[4:], *block[1:]])
        elif not (head in ("STYLE", "REGION") or head.startswith(("STYLE ", "REGION "))):
            yield first, block


def read_text(text: str, path: Path) -> Record:
    """Read a WebVTT record; a broken file is a `RecordError` that says which cue and line."""
    lines = iter_lines(text)
    head = next((line for line in lines if line.strip()), "")  # lines are counted from this one
    if not _HEADER.match(head.strip()):
        raise RecordError(path, "not a WebVTT file: the first line must be WEBVTT", "line 1")
    meta = _Meta()
    cues = parse_cues(_cue_blocks(itertools.chain([head], lines), meta, path), path)
    if not cues:
        raise RecordError(path, "no cues found (expected lines like '00:00:01.000 --> 00:00:04.000')")
    turns = cues_to_turns(cues, meeting_id(path), host=meta.host)
    if not turns:
        raise RecordError(path, "the cues hold no words")
    meeting = make_meeting(
        path, NAME, turns, title=meta.title, date=meta.date or meta.loose_date, language=meta.language, url=meta.url
    )
    return Record(meeting=meeting, turns=turns)


def sniff(text: str) -> bool:
    """A WebVTT file says so on its first line."""
    head = text.lstrip("\ufeff \t\r\n")[:7]
    return head.startswith("WEBVTT") and (len(head) == 6 or head[6] in " \t\r\n")
