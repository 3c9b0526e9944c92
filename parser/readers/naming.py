"""What a meeting is called when the record does not say: its sidecar file, its folder, its file name.

Call exports are folders such as `acdt/2026-08-17_092/` holding `transcript.vtt`,
`transcript_corrected.vtt` and `chat.txt`: the file names say nothing, the folder says which
call it was and when. A sidecar `NAME.meta.toml` beside `NAME.ext` (title, date, url, language)
says what neither can.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import tomllib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.toml"
# File names that say what a file is, not which meeting: `transcript`, `transcript_corrected`, `chat`…
_GENERIC = re.compile(
    r"(?:audio_|closed_|meeting_saved_)?(?P<kind>transcript(?:ion)?|captions?|subtitles?|chat|recording)"
    r"(?:[_\- .]?(?:corrected|edited|final|clean|cleaned|fixed|raw|auto|v\d+))?",
    re.IGNORECASE,
)
_PREFERRED = re.compile(r"corrected|edited|final|clean|fixed", re.IGNORECASE)
_DATED_FOLDER = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:[_\- ]+(?P<rest>.+))?")
_DATE_IN_NAME = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_ON_DISK: ContextVar[bool] = ContextVar("records_on_disk", default=True)


@contextlib.contextmanager
def not_on_disk() -> Iterator[None]:
    """While reading bytes that came from elsewhere (the chat): no file beside their name is theirs."""
    token = _ON_DISK.set(False)
    try:
        yield
    finally:
        _ON_DISK.reset(token)


def generic(path: Path) -> bool:
    """Whether the file name only says what kind of file it is."""
    return _GENERIC.fullmatch(path.stem) is not None


def is_chat_name(path: Path) -> bool:
    m = _GENERIC.fullmatch(path.stem)
    return m is not None and m["kind"].lower() == "chat"


def preferred(path: Path) -> bool:
    """A corrected or edited copy: kept over the raw one when both hold the same meeting."""
    return _PREFERRED.search(path.stem) is not None


def meeting_id(path: Path) -> str:
    """The id a meeting is asked by: the file name, or its folder's name when the file name is generic."""
    if generic(path) and path.parent.name:
        return f"{path.parent.name}-chat" if is_chat_name(path) else path.parent.name
    return path.stem


def _date(text: str) -> dt.date | None:
    m = _DATE_IN_NAME.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def folder_title_and_date(path: Path) -> tuple[str | None, dt.date | None]:
    """`acdt/2026-08-17_092/transcript.vtt` → ("acdt 2026-08-17 (092)", 2026-08-17).

    A dated folder gives the date; the folder gives the title only when the file name is generic.
    """
    folder = path.parent
    m = _DATED_FOLDER.fullmatch(folder.name)
    date = _date(m["date"]) if m else None
    if not generic(path) or not folder.name:
        return None, date
    if m and date:
        series = folder.parent.name
        title = " ".join(filter(None, [series, date.isoformat()])) + (f" ({m['rest']})" if m["rest"] else "")
    else:
        title = re.sub(r"[_]+", " ", folder.name).strip()
    return (f"{title} — chat" if is_chat_name(path) else title), date


def name_title_and_date(path: Path) -> tuple[str, dt.date | None]:
    """A readable title and the date from the file name: `acde_230` → `acde 230`; `2026-02-05_174` → its date."""
    return re.sub(r"[_]+", " ", path.stem).strip() or path.name, _date(path.stem)


@dataclass(frozen=True)
class Sidecar:
    """What a `NAME.meta.toml` beside a record says about it."""

    title: str | None = None
    date: dt.date | None = None
    url: str | None = None
    language: str | None = None


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def read_sidecar(path: Path) -> Sidecar:
    """The sidecar of the record at `path`; an unreadable one is logged in one line and ignored."""
    if not _ON_DISK.get():
        return Sidecar()
    side = sidecar_path(path)
    try:
        data = tomllib.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Sidecar()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        log.warning("%s: ignored, not a readable TOML file (%s)", side, err)
        return Sidecar()

    def text(key: str) -> str | None:
        value = data.get(key)
        return " ".join(value.split())[:300] or None if isinstance(value, str) else None

    raw_date = data.get("date")
    date = raw_date if isinstance(raw_date, dt.date) and not isinstance(raw_date, dt.datetime) else None
    if isinstance(raw_date, dt.datetime):
        date = raw_date.date()
    elif isinstance(raw_date, str):
        date = _date(raw_date)
    url = text("url")
    if url and not url.lower().startswith(("https://", "http://")):
        log.warning("%s: url ignored, not an http(s) link", side)
        url = None
    language = text("language")
    return Sidecar(title=text("title"), date=date, url=url, language=language.lower()[:2] if language else None)
