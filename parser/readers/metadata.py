"""Meeting metadata every reader shares: what the record says first, then `naming` (sidecar, folder, file name)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from parser.models import Meeting, Turn
from parser.readers.dates import find_date
from parser.readers.language import guess_language
from parser.readers.naming import folder_title_and_date, meeting_id, name_title_and_date, read_sidecar


def make_meeting(
    path: Path,
    fmt: str,
    turns: list[Turn],
    title: str | None = None,
    date: dt.date | None = None,
    language: str | None = None,
    url: str | None = None,
    chat: bool = False,
) -> Meeting:
    """The meeting of a record: what the record says, else its sidecar, its folder, its file name; never invented."""
    side = read_sidecar(path)
    folder_title, folder_date = folder_title_and_date(path)
    name_title, name_date = name_title_and_date(path)
    return Meeting(
        id=meeting_id(path),
        title=title or side.title or folder_title or name_title,
        date=date or side.date or folder_date or name_date,
        language=language or side.language or guess_language([t.text for t in turns]),
        source=str(path),
        url=url or side.url,
        format=fmt,
        chat=chat,
    )


def title_and_date(header: list[str]) -> tuple[str | None, dt.date | None]:
    """A record's title and date from the lines before its first turn: the first line holding no date
    is the title (Markdown `#` and `*` stripped); the first that holds one gives the date."""
    title = ""
    date = None
    for line in header:
        clean = line.strip().strip("#* ").strip()
        if not clean:
            continue
        found = find_date(clean)
        if found and date is None:
            date = found
            if title:
                continue
        if not title and not found:
            title = clean
    return title or None, date
