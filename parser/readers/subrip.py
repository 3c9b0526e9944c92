"""SubRip (.srt) records: numbered cues, comma milliseconds, `Name:` on the first cue of a turn.

Not read with the `srt` library: even strict, it takes `00:00:0x` as a zero end time, reads a cue
with a broken timing line as more text of the cue before, and `00:00:02,4` as 2.004 s. The block
parsing and who-speaks rules are `parser/readers/cues.py`'s, with hours required in timestamps.
"""

from __future__ import annotations

import re
from pathlib import Path

from parser.models import Record, RecordError
from parser.readers.cues import blocks, cues_to_turns, iter_lines, parse_cues
from parser.readers.metadata import make_meeting
from parser.readers.naming import meeting_id

NAME = "srt"

_CUT = re.compile(r"^\d{1,2}:\d{1,2}:\d{1,2}[,.]\d")  # a timing line with its arrow cut off
_TIMING = re.compile(r"^\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}\s*-->\s*\d+:\d{1,2}:\d{1,2}[,.]\d{1,3}")


def read_text(text: str, path: Path) -> Record:
    """Read a SubRip record; a broken file is a `RecordError` that says which cue and line."""
    cues = parse_cues(blocks(iter_lines(text), path), path, hours=True)
    if not cues:
        raise RecordError(path, "no cues found (expected lines like '00:00:01,000 --> 00:00:04,000')")
    turns = cues_to_turns(cues, meeting_id(path))
    if not turns:
        raise RecordError(path, "the cues hold no words")
    return Record(meeting=make_meeting(path, NAME, turns), turns=turns)


def sniff(text: str) -> bool:
    """A cue number and then a timing line (`hh:mm:ss,mmm --> hh:mm:ss,mmm`) open the file, or the timing alone.

    After a cue number, a timing line that is broken (`00:00:0x,000 --> …`, arrow cut off) still
    makes the file SubRip, so that reading it says where it breaks.
    """
    lines = [line.strip() for line in text.lstrip("\ufeff")[:2000].splitlines()[:6] if line.strip()]
    if len(lines) >= 2 and lines[0].isdigit() and (("-->" in lines[1] and lines[1][:1].isdigit()) or _CUT.match(lines[1])):
        return True
    return bool(lines) and bool(_TIMING.match(lines[0]))
