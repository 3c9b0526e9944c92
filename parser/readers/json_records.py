"""JSON records: QMSum meetings and podcast-namespace transcripts (`{"version", "segments"}`).

QMSum's `{disfmarker}`, `{vocalsound}`… markers are annotations, not words: they are taken out
(`parser/readers/markup.py`), and entries left with no words are dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from parser.models import Record, RecordError
from parser.readers import limits, markup
from parser.readers.cues import UNKNOWN_SPEAKER, join_turns
from parser.readers.metadata import make_meeting
from parser.readers.naming import meeting_id

NAME = "json"


class _Entry(BaseModel):
    """One QMSum utterance."""

    speaker: str
    content: str


class _QMSum(BaseModel):
    """A QMSum meeting; its queries and topics are summaries about the meeting, not part of the record."""

    meeting_transcripts: list[_Entry]


class _Segment(BaseModel):
    """One podcast-namespace segment: a speaker is optional and then continues from the segment before."""

    model_config = ConfigDict(populate_by_name=True)

    speaker: str | None = None
    start: float = Field(alias="startTime")
    end: float = Field(alias="endTime")
    body: str


class _PodcastTranscript(BaseModel):
    version: str | None = None
    segments: list[_Segment]


def _where(error: ErrorDetails) -> str:
    """`('segments', 3, 'startTime')` → `segments[3].startTime`: where in the JSON a field is wrong."""
    out = ""
    for part in error["loc"]:
        out += f"[{part}]" if isinstance(part, int) else f".{part}" if out else str(part)
    return out


def _validate(model: type[BaseModel], data: dict[str, Any], path: Path, kind: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise RecordError(path, f"not a valid {kind}: {first['msg'].lower()}", _where(first)) from None


def _qmsum(data: dict[str, Any], path: Path) -> Record:
    meeting = _validate(_QMSum, data, path, "QMSum meeting")
    texts = ((e.speaker.strip() or UNKNOWN_SPEAKER, markup.clean(e.content)) for e in meeting.meeting_transcripts)
    pieces = ((speaker, text, None, None) for speaker, text in texts if markup.has_words(text))
    turns = join_turns(pieces, meeting_id(path))
    if not turns:
        raise RecordError(path, "the meeting has no words", "meeting_transcripts")
    return Record(meeting=make_meeting(path, NAME, turns), turns=turns)


def _podcast(data: dict[str, Any], path: Path) -> Record:
    transcript = _validate(_PodcastTranscript, data, path, "podcast transcript")
    speaker = UNKNOWN_SPEAKER
    pieces = []
    for segment in transcript.segments:
        speaker = (segment.speaker or "").strip() or speaker
        pieces.append((speaker, markup.clean(" ".join(segment.body.split())), round(segment.start, 3), round(segment.end, 3)))
    turns = join_turns(pieces, meeting_id(path))
    if not turns:
        raise RecordError(path, "the transcript has no words", "segments")
    return Record(meeting=make_meeting(path, NAME, turns), turns=turns)


def read_text(text: str, path: Path) -> Record:
    """Read a JSON record; a broken file is a `RecordError` that says where in the JSON."""
    # Each entry becomes a few Python objects once parsed: count them in the text first.
    limits.check("turns", max(text.count('"content"'), text.count('"body"')), path)
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as err:
        raise RecordError(path, f"not valid JSON: {err.msg}", f"line {err.lineno}, column {err.colno}") from None
    except (RecursionError, ValueError) as err:  # nested too deep, or a number too long to read
        raise RecordError(path, f"not a JSON record this bot can read ({type(err).__name__})") from None
    for key, read in (("meeting_transcripts", _qmsum), ("segments", _podcast)):
        if isinstance(data, dict) and key in data:
            if isinstance(data[key], list):  # refused before a model is made of each entry
                limits.check("turns", len(data[key]), path, key)
            return read(data, path)
    raise RecordError(path, "JSON, but not a meeting record (expected 'meeting_transcripts' or 'segments')")


def sniff(text: str) -> bool:
    """A JSON object with QMSum's transcript list, or podcast segments with spoken `body` text."""
    if not text.lstrip("\ufeff \t\r\n").startswith("{"):
        return False
    return '"meeting_transcripts"' in text or ('"segments"' in text and '"body"' in text)
