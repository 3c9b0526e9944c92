"""Filters any search command takes: `speaker:NAME meeting:ID date:2021-03 lang:fr page:2`.

They are taken out of the argument before the words are searched, resolved against the store
(a speaker or meeting named loosely is resolved as `!speaker` and `!context` resolve them, and
an ambiguous name is a question back, never a guess), and become the narrowing the archive's
searches take (a mask of turns in memory, SQL conditions in PostgreSQL).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from bot.commands.base import UserError
from bot.commands.lookup import resolve_meeting, resolve_speaker
from parser.index.archive import Archive, Narrowing, NothingFits, Within
from parser.index.speakers import Speaker
from parser.models import Meeting

_FILTER = re.compile(
    r"(?<!\S)(speaker|meeting|date|lang|language|page|p):"
    r"(?:\"([^\"]*)\"|“([^”]*)”|«\s*([^»]*?)\s*»|(\S*))",
    re.IGNORECASE,
)
_NAME_WORDS = re.compile(r"(?<!\S)(speaker:)(?![\"“«])(\S+)((?:\s+(?!\w+:)[^\s\"“«]+){1,3})", re.IGNORECASE)
NAME_FIT = 90.0  # a name of several words, unquoted, is taken when it names a speaker this well
DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")  # 2021, 2021-03, 2021-03-22
DATE_HELP = "write 2021, 2021-03, 2021-03-22 or a range such as 2021-01..2021-06"


@dataclass
class Filters:
    """What the turns searched must be: said by, in, when, in which language; and which page."""

    speakers: list[Speaker] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    dates: list[tuple[dt.date, dt.date, str]] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    page: int = 1

    @property
    def active(self) -> bool:
        return bool(self.speakers or self.meetings or self.dates or self.languages)

    def describe(self) -> str:
        """The filters as a reply says them: `LEÓN SANCHEZ, 2021-03, in fr`."""
        parts = [s.name for s in self.speakers]
        parts += [m.id for m in self.meetings]
        parts += [text for _, _, text in self.dates]
        parts += [f"in {code}" for code in self.languages]
        return ", ".join(parts)

    def within(self, store: Archive) -> Within | None:
        """What the archive's searches are narrowed to (None: every turn seen); a filter that keeps nothing is an error."""
        narrowing = Narrowing(
            speakers=tuple(self.speakers),
            meetings=tuple(m.id for m in self.meetings),
            dates=tuple((a, b) for a, b, _ in self.dates),
            languages=tuple(self.languages),
        )
        try:
            return store.narrow(narrowing)
        except NothingFits:
            raise UserError(f"No turn fits the filters ({self.describe()}).") from None


def _day_range(text: str) -> tuple[dt.date, dt.date]:
    """`2021` → the year, `2021-03` → the month, `2021-03-22` → the day, as first and last day."""
    found = DATE.match(text.strip())
    if not found:
        raise ValueError(text)
    year, month, day = int(found[1]), found[2], found[3]
    if day:
        one = dt.date(year, int(month), int(day))
        return one, one
    if month:
        last = calendar.monthrange(year, int(month))[1]
        return dt.date(year, int(month), 1), dt.date(year, int(month), last)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def parse_date(text: str) -> tuple[dt.date, dt.date]:
    """A date or a range of dates (`2021-01..2021-06`, open at either end) as first and last day."""
    try:
        if ".." in text:
            start, _, end = text.partition("..")
            first = _day_range(start)[0] if start.strip() else dt.date.min
            last = _day_range(end)[1] if end.strip() else dt.date.max
        else:
            first, last = _day_range(text)
    except ValueError:
        raise UserError(f"“{text}” is not a date: {DATE_HELP}.") from None
    if first > last:
        raise UserError(f"“{text}” ends before it starts.")
    return first, last


def page_number(value: str, token: str) -> int:
    """The page `page:N` asks for (`token` is what was typed, for the message)."""
    if not (value.isascii() and value.isdigit()) or int(value) < 1:  # '²'.isdigit(), but int('²') fails
        raise UserError(f"“{token}” is not a page: write `page:2`, for example.")
    return int(value)


def _join_names(store: Archive, argument: str) -> str:
    """`speaker:Goran Marby` written as `speaker:Goran_Marby` when the words after the colon name a
    speaker better with the next words than without (at most three more words)."""

    def join(m: re.Match[str]) -> str:
        first, more = m[2], m[3].split()
        best, taken = _fit(store, first), 0
        for k in range(1, len(more) + 1):
            score = _fit(store, " ".join([first, *more[:k]]))
            if score >= NAME_FIT and score >= best:
                best, taken = score, k
        name = "_".join([first, *more[:taken]])
        return " ".join([m[1] + name, *more[taken:]])

    return _NAME_WORDS.sub(join, argument)


def _fit(store: Archive, name: str) -> float:
    matches = store.speakers.resolve(name.replace("_", " "), limit=1)
    return matches[0].score if matches else 0.0


def parse_filters(store: Archive, argument: str, prefix: str = "!") -> tuple[str, Filters]:
    """The words to search for, and the filters taken out of `argument` and resolved."""
    filters = Filters()

    def take(m: re.Match[str]) -> str:
        key = m[1].lower()
        value = next((g for g in m.groups()[1:] if g is not None), "").strip()
        if not value:
            raise UserError(f"`{key}:` needs a value, e.g. `{key}:{_EXAMPLES[key]}`.")
        if key == "speaker":
            filters.speakers.append(resolve_speaker(store, value.replace("_", " ")))
        elif key == "meeting":
            filters.meetings.append(resolve_meeting(store, value, prefix))
        elif key == "date":
            first, last = parse_date(value)
            filters.dates.append((first, last, value))
        elif key in ("lang", "language"):
            code = value.lower()
            languages = {(m.language or "").lower() for m in store.meetings.values() if m.language}
            if code not in languages:
                known = ", ".join(sorted(languages)) or "none is known"
                raise UserError(f"No meeting is in “{value}”. Languages of the loaded meetings: {known}.")
            filters.languages.append(code)
        else:
            filters.page = page_number(value, m[0])
        return " "

    rest = _FILTER.sub(take, _join_names(store, argument))
    return " ".join(rest.split()), filters


_EXAMPLES = {
    "speaker": "León",
    "meeting": "icann70",
    "date": "2021-03",
    "lang": "fr",
    "language": "fr",
    "page": "2",
    "p": "2",
}
