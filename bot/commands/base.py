"""What every command shares: the request it is given and how it is registered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.replies import HitOut, Reply
from parser.index.archive import Archive
from parser.index.search import Hit

if TYPE_CHECKING:
    from bot.library import Library

MAX_ARGUMENT = 500
_YOUTUBE = frozenset({"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"})
_MEDIA = (".mp3", ".mp4", ".m4a", ".m4v", ".webm", ".ogg", ".oga", ".opus", ".wav", ".mov", ".aac", ".flac")


@dataclass(frozen=True)
class Place:
    """Where a command was asked, and by whom: what a chat platform tells (the console has none)."""

    guild_id: int | None
    channel_id: int
    user_id: int
    manage_guild: bool = False  # the person may manage the server (Discord's Manage Server)
    role_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Upload:
    """A file that came with the command, as received."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Request:
    """One command as typed: its name, its argument, the records it is asked of, and where it was asked."""

    store: Archive  # what the server asking sees, in memory or in PostgreSQL
    command: str
    argument: str
    prefix: str = "!"
    library: Library | None = None  # only where records can be added: a bot in a server
    place: Place | None = None
    files: tuple[Upload, ...] = ()


Handler = Callable[[Request], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    """A command of the chat language; `usage` and `summary` feed `!help` and slash descriptions."""

    name: str
    usage: str
    summary: str
    handler: Handler
    example: str = ""
    needs_argument: bool = True
    heavy: bool = False  # seconds on a large store: run in its own lane, one at a time per person


class UserError(Exception):
    """A mistake of the person asking; its message is shown to them as it is."""


def plural(n: int, noun: str) -> str:
    """`1 turn`, `2 turns`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def context_command(meeting_id: str, turn_index: int, prefix: str = "!") -> str:
    """The exact command that shows the turns around one turn, so every hit can say how to ask."""
    return f"{prefix}context {meeting_id} {turn_index}"


def hit_out(store: Archive, hit: Hit, prefix: str = "!") -> HitOut:
    """A search hit as the reply shows it: the words, who, which meeting, where."""
    turn = store.turn(hit.turn_id)
    meeting = store.meetings[turn.meeting_id]
    return HitOut(
        speaker=turn.speaker,
        resolved_speaker=store.speaker_name(hit.turn_id),
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        date=meeting.date,
        turn_index=turn.index,
        text=turn.text,
        score=round(hit.score, 1),
        page=turn.page,
        start=turn.start,
        end=turn.end,
        span=hit.span,
        url=timed_url(meeting.url, turn.start),
        chat=meeting.chat or turn.chat,
        context=context_command(meeting.id, turn.index, prefix),
    )


def timed_url(url: str | None, start: float | None) -> str | None:
    """The record's link, opening at `start` where the host accepts it: YouTube's `t=`, a media file's `#t=`."""
    if not url or start is None:
        return url
    parts = urlsplit(url)
    seconds = int(start)
    if (parts.hostname or "").lower() in _YOUTUBE:
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "t"]
        query.append(("t", f"{seconds}s"))
        return urlunsplit(parts._replace(query=urlencode(query)))
    if parts.path.lower().endswith(_MEDIA):
        return urlunsplit(parts._replace(fragment=f"t={seconds}"))
    return url
