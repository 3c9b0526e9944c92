"""`!meetings [WORDS | DATE] [page:N]`: which records are loaded, newest first, so people can browse them."""

from __future__ import annotations

import datetime as dt
import math
import re

from bot.commands.base import Command, Request, UserError, plural
from bot.commands.filters import DATE, page_number
from bot.commands.lookup import words_fit
from bot.replies import MeetingOut, MeetingsReply
from parser.index.archive import Archive
from parser.models import Meeting
from parser.text import fold

PER_PAGE = 10
MAX_LONE_PAGE_DIGITS = 3
_NUMBERS = re.compile(r"([0-9]+)")
_PAGE = re.compile(r"^(?:page|p):(\S*)$", re.IGNORECASE)


def split_page(argument: str) -> tuple[str, int]:
    """The filter and the 1-based page asked for: a `page:N` token, or a lone small number (`2`)."""
    page = 1
    kept: list[str] = []
    for token in argument.split():
        found = _PAGE.match(token)
        if found:
            page = page_number(found[1], token)
        else:
            kept.append(token)
    if len(kept) == 1 and kept[0].isascii() and kept[0].isdigit() and len(kept[0]) <= MAX_LONE_PAGE_DIGITS:
        if int(kept[0]) < 1:
            raise UserError("Pages start at 1.")
        return "", int(kept[0])
    return " ".join(kept), page


def date_prefix(token: str) -> str | None:
    """`2021`, `2021-3` or `2021-03-22` as an ISO prefix to match dates against; None if not a date."""
    found = DATE.match(token)
    if not found:
        return None
    year, month, day = found[1], found[2], found[3]
    try:
        dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise UserError(f"“{token}” is not a date: write 2021, 2021-03 or 2021-03-22.") from None
    parts = [year, *(f"{int(p):02d}" for p in (month, day) if p)]
    return "-".join(parts)


def matches(meeting: Meeting, dates: list[str], words: list[str]) -> bool:
    """Whether the meeting is on every date asked and has every word starting a word of its title or id."""
    if dates and (meeting.date is None or not all(meeting.date.isoformat().startswith(d) for d in dates)):
        return False
    return words_fit(words, meeting)


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """A sort key that reads numbers as numbers: `covid 2` before `covid 10`."""
    parts = (part.strip() for part in _NUMBERS.split(fold(text)))
    return tuple((0, int(part)) if part.isascii() and part.isdigit() else (1, part) for part in parts if part)


def newest_first(meetings: list[Meeting]) -> list[Meeting]:
    """Newest first, undated last, then by title and id (numbers as numbers), so the order never changes between pages."""
    return sorted(
        meetings, key=lambda m: (m.date is None, -(m.date.toordinal() if m.date else 0), natural(m.title), natural(m.id), m.id)
    )


def meeting_out(store: Archive, meeting: Meeting) -> MeetingOut:
    """A meeting with what people browse by: when, which language, how long, who spoke."""
    figures = store.meeting_figures(meeting.id)
    return MeetingOut(
        id=meeting.id,
        title=meeting.title,
        date=meeting.date,
        language=meeting.language,
        turn_count=figures.turns,
        words=figures.words,
        speakers=figures.speakers,
        url=meeting.url,
    )


async def meetings(request: Request) -> MeetingsReply:
    """One page of the meetings that fit the filter, with how to get the next."""
    store = request.store
    wanted, page = split_page(request.argument)
    dates: list[str] = []
    words: list[str] = []
    for token in wanted.split():
        iso = date_prefix(token)
        if iso:
            dates.append(iso)
        else:
            words.extend(fold(token).split())
    found = newest_first([m for m in store.meetings.values() if matches(m, dates, words)])
    if not found:
        every = plural(len(store.meetings), "meeting")
        error = f"No meeting matches “{wanted}”. `{request.prefix}meetings` lists all {every}."
        return MeetingsReply(command="meetings", query=request.argument, filter=wanted, error=error)
    pages = math.ceil(len(found) / PER_PAGE)
    if page > pages:
        raise UserError(f"There {'is only 1 page' if pages == 1 else f'are only {pages} pages'} of meetings.")
    shown = found[(page - 1) * PER_PAGE : page * PER_PAGE]
    which = f" matching “{wanted}”" if wanted else " loaded"
    paging = f", page {page} of {pages}" if pages > 1 else ""
    following = f"{request.prefix}meetings {wanted + ' ' if wanted else ''}page:{page + 1}" if page < pages else None
    return MeetingsReply(
        command="meetings",
        query=request.argument,
        filter=wanted,
        summary=f"{plural(len(found), 'meeting')}{which}, newest first{paging}",
        meetings=[meeting_out(store, m) for m in shown],
        total=len(found),
        page=page,
        pages=pages,
        per_page=PER_PAGE,
        next=following,
    )


COMMAND = Command(
    name="meetings",
    usage="meetings [WORDS|DATE] [page:N]",
    summary="The loaded meetings, newest first; filter by title words or a date (2021, 2021-03); `page:2` or a lone 2 pages on.",
    handler=meetings,
    example="meetings 2021",
    needs_argument=False,
)
