"""Otter.ai exports: a `Name  m:ss` header line (plain, `**bold**` or `[bracketed]`) then the words.

Otter starts a new block at every pause, so consecutive blocks of one speaker are one turn;
a turn lasts until the next turn starts. The `Transcribed by https://otter.ai` footer is
nobody's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError, Turn
from parser.readers import limits, markup
from parser.readers.metadata import make_meeting, title_and_date
from parser.readers.naming import meeting_id
from parser.text import fold

NAME = "otter"

_NAME = r"[^\W\d_][\w.'’()\-]*(?: [\w.'’()\-]+){0,5}"
_STAMP = r"\d{1,3}(?::\d{2}){1,2}"
# `Name  0:00` (Otter writes two spaces), `**Name**  0:00`, `**Name** [0:00]`, `Name [1:02:03]`.
_HEADER = re.compile(
    rf"^(?:\*\*\s*(?P<bold>{_NAME})\s*\*\*[ \t\u00a0]+|(?P<plain>{_NAME})(?:[ \t\u00a0]{{2,}}|\t|[ \t\u00a0]*(?=\[)))"
    rf"(?:\[\s*(?P<stamp>{_STAMP})\s*\]|(?P<bare>{_STAMP}))\s*$"
)
_MAX_HEADER = 160  # a name and a time: longer lines are words, and the pattern never sees them
# `Transcribed by https://otter.ai`, also as a link: `<https://otter.ai>`, `[otter.ai](https://otter.ai)`.
_FOOTER = re.compile(r"^\W*transcribed by\b.{0,100}?otter\.ai\W*$", re.IGNORECASE)


def _seconds(stamp: str) -> float | None:
    """`1:02` → 62.0, `1:02:03` → 3723.0; None when a part is out of range (not a stamp)."""
    parts = [int(p) for p in stamp.split(":")]
    if any(p >= 60 for p in parts[1:]):
        return None
    total = 0
    for part in parts:
        total = total * 60 + part
    return float(total)


def header(line: str) -> tuple[str, float] | None:
    """The speaker and start (seconds) of an Otter block header line, if `line` is one."""
    line = line.strip()
    if len(line) > _MAX_HEADER or (not line[:1].isalpha() and not line.startswith("**")):
        return None
    m = _HEADER.match(line)
    if not m:
        return None
    seconds = _seconds(m["stamp"] or m["bare"])
    if seconds is None:
        return None
    return (m["bold"] or m["plain"]).strip(), seconds


@dataclass
class _Turn:
    speaker: str
    start: float
    paragraphs: list[str] = field(default_factory=list)


def _blocks(text: str) -> tuple[list[str], list[_Turn]]:
    """The lines before the first header, and one `_Turn` per header with its paragraphs."""
    preamble: list[str] = []
    blocks: list[_Turn] = []
    lines: list[str] = []

    def flush() -> None:
        nonlocal lines
        if lines and blocks:
            blocks[-1].paragraphs.append(" ".join(lines))
        lines = []

    for raw in text.split("\n"):
        line = raw.strip().replace("\u00a0", " ")
        found = header(line)
        if found:
            flush()
            blocks.append(_Turn(speaker=found[0], start=found[1]))
        elif not line or (len(line) <= _MAX_HEADER and _FOOTER.match(line)):
            flush()
        elif blocks:
            lines.append(line)
        else:
            preamble.append(line)
    flush()
    return preamble, blocks


def _merge(blocks: list[_Turn]) -> list[_Turn]:
    """Consecutive blocks of one speaker (case and accents aside) are one turn; empty blocks go."""
    turns: list[_Turn] = []
    for block in blocks:
        if not block.paragraphs:
            continue
        if turns and fold(turns[-1].speaker) == fold(block.speaker):
            turns[-1].paragraphs.extend(block.paragraphs)
        else:
            turns.append(block)
    return turns


def read_text(text: str, path: Path) -> Record:
    """Read an Otter.ai export; a `RecordError` when no block has a speaker and words."""
    preamble, blocks = _blocks(text)
    turns = _merge(blocks)
    if not turns:
        raise RecordError(path, "no Otter speaker blocks with words found (expected 'Name  0:00' header lines)")
    limits.check("turns", len(turns), path)  # before a model is made of each
    the_id = meeting_id(path)
    made: list[Turn] = []
    for i, t in enumerate(turns):
        following = turns[i + 1].start if i + 1 < len(turns) else None
        end = following if following is not None and following >= t.start else None
        made.append(
            Turn(
                meeting_id=the_id,
                index=i,
                speaker=t.speaker,
                text="\n".join(filter(None, map(markup.clean, t.paragraphs))),
                start=t.start,
                end=end,
            )
        )
    title, date = title_and_date(preamble)
    return Record(meeting=make_meeting(path, NAME, made, title=title, date=date), turns=made)


def sniff(text: str) -> bool:
    """Otter header lines make up a good share of the opening lines: an Otter export."""
    headers = content = 0
    for line in text[:100_000].split("\n")[:400]:
        if not line.strip():
            continue
        content += 1
        if header(line):
            headers += 1
    return headers >= 2 and headers * 4 >= content
