"""Meeting metadata every reader shares: an id from the file name, a date from it when the record has none."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from parser.models import Meeting, Turn
from parser.readers.dates import find_date
from parser.readers.language import guess_language

_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def date_from_name(path: Path) -> dt.date | None:
    """`2026-02-05_174.vtt` → 2026-02-05; None when the name holds no real date."""
    m = _DATE_IN_NAME.search(path.stem)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def title_from_name(path: Path) -> str:
    """A readable title from the file name when the record states none: `acde-230` → `acde 230`."""
    return re.sub(r"[_]+", " ", path.stem).strip() or path.name


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
    """The meeting of a record: what the record says, else what its file name says; never invented."""
    return Meeting(
        id=path.stem,
        title=title or title_from_name(path),
        date=date or date_from_name(path),
        language=language or guess_language([t.text for t in turns]),
        source=str(path),
        url=url,
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
