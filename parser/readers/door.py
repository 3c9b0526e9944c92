"""Values checked at the door: what every reader's record must be before it joins the others.

Text is made valid Unicode, times finite and in order, pages positive, and the record within
its limits. What can be mended is mended with a note (the load report shows it); a record over a
limit is refused in one line. Readers stay simple; nothing past here has to doubt a value.
"""

from __future__ import annotations

import math
from pathlib import Path

from parser.models import Record, Turn
from parser.readers import limits
from parser.readers.decode import valid_unicode


def _bad_time(turn: Turn) -> str | None:
    """Why this turn's times cannot be shown, or None when they are fine (or absent)."""
    for name in ("start", "end"):
        value = getattr(turn, name)
        if value is not None and (not math.isfinite(value) or value < 0):
            return f"turn {turn.index} has {name} {value}"
    if turn.start is not None and turn.end is not None and turn.end < turn.start:
        return f"turn {turn.index} ends ({turn.end}) before it starts ({turn.start})"
    return None


def admit(record: Record, path: Path | str) -> tuple[Record, list[str]]:
    """The record as the rest of the program may trust it, and notes on what was mended.

    Raises `RecordError` for a record over one of `limits.current()`.
    """
    limits.check("turns", len(record.turns), path)
    for turn in record.turns:
        limits.check("turn_chars", len(turn.text), path, f"turn {turn.index}")
    notes: list[str] = []
    replaced = 0
    meeting_fields = {}
    for name in ("id", "title", "source", "url", "language", "format"):
        value = getattr(record.meeting, name)
        if isinstance(value, str):
            clean, n = valid_unicode(value)
            if n:
                meeting_fields[name] = clean
                replaced += n
    bad_time = next((why for turn in record.turns if (why := _bad_time(turn))), None)
    bad_page = next((t for t in record.turns if t.page is not None and t.page < 1), None)
    turns = []
    for turn in record.turns:
        changes: dict[str, object] = {}
        for name in ("meeting_id", "speaker", "text"):
            clean, n = valid_unicode(getattr(turn, name))
            if n:
                changes[name] = clean
                replaced += n
        if bad_time is not None and (turn.start is not None or turn.end is not None):
            changes["start"] = changes["end"] = None
        if bad_page is not None and turn.page is not None:
            changes["page"] = None
        turns.append(turn.model_copy(update=changes) if changes else turn)
    if replaced:
        notes.append(f"{replaced} invalid character{'s' if replaced != 1 else ''} (lone surrogates) shown as �")
    if bad_time is not None:
        notes.append(f"times dropped, the words kept: {bad_time}")
    if bad_page is not None:
        notes.append(f"page numbers dropped, the words kept: turn {bad_page.index} is on page {bad_page.page}")
    if not notes:
        return record, notes
    meeting = record.meeting.model_copy(update=meeting_fields) if meeting_fields else record.meeting
    return Record(meeting=meeting, turns=turns), notes
