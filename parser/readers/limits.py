"""How much one record may hold, so a hostile file is refused before it costs minutes or gigabytes.

The limits are settings (`config/settings.py`); the loader sets them for the records it reads
(`reading_with`), and readers check them as they go (`check`), so a record over a limit is refused
while it is still small in memory. Each refusal names the limit and the setting that raises it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from parser.models import RecordError

if TYPE_CHECKING:
    from config.settings import Settings

MB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """The most one record file may hold; the defaults are far above any real meeting's."""

    file_bytes: int = 100 * MB  # a day-long ICANN PDF is ~3 MB, its text ~1 MB
    unpacked_bytes: int = 200 * MB  # what a DOCX's zip or a PDF's streams may unpack to
    turns: int = 50_000  # a ten-hour meeting has a few thousand
    turn_chars: int = 500_000  # ~80,000 words: hours of captions with no speaker changes


def limits_of(settings: Settings) -> Limits:
    """The record limits the settings give the readers."""
    return Limits(settings.max_file_bytes, settings.max_unpacked_bytes, settings.max_turns, settings.max_turn_chars)


SETTING = {  # what each limit is called where a user sets it
    "file_bytes": "VERBATIM_MAX_FILE_BYTES",
    "unpacked_bytes": "VERBATIM_MAX_UNPACKED_BYTES",
    "turns": "VERBATIM_MAX_TURNS",
    "turn_chars": "VERBATIM_MAX_TURN_CHARS",
}
_WHAT = {
    "file_bytes": "bytes in one file",
    "unpacked_bytes": "bytes unpacked from one file",
    "turns": "turns in one record",
    "turn_chars": "characters in one turn",
}

_current: contextvars.ContextVar[Limits] = contextvars.ContextVar("record_limits", default=Limits())  # noqa: B039


def current() -> Limits:
    """The limits of the records being read now (the defaults unless a loader set others)."""
    return _current.get()


@contextlib.contextmanager
def reading_with(limits: Limits | None) -> Iterator[None]:
    """Read records with these limits inside the block (`None`: the defaults)."""
    token = _current.set(limits or Limits())
    try:
        yield
    finally:
        _current.reset(token)


def over(name: str, found: int, path: Path | str, where: str | None = None) -> RecordError:
    """The one-line refusal of a record over limit `name`: what, how much, and the setting to change."""
    limit = getattr(current(), name)
    setting = SETTING[name]
    return RecordError(path, f"too large: more than {limit:,} {_WHAT[name]} ({found:,}; the limit is {setting})", where)


def check(name: str, found: int, path: Path | str, where: str | None = None) -> None:
    """Refuse the record when `found` passes limit `name`."""
    if found > getattr(current(), name):
        raise over(name, found, path, where)
