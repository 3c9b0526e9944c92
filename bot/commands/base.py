"""What every command shares: the request it is given and how it is registered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bot.replies import HitOut, Reply
from parser.index.search import Hit
from parser.index.store import TurnStore

MAX_ARGUMENT = 500


@dataclass(frozen=True)
class Request:
    """One command as typed: its name, its argument, and the store it is asked of."""

    store: TurnStore
    command: str
    argument: str
    prefix: str = "!"


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


def hit_out(store: TurnStore, hit: Hit, prefix: str = "!") -> HitOut:
    """A search hit as the reply shows it: the words, who, which meeting, where."""
    turn = store.turns[hit.turn_id]
    meeting = store.meetings[turn.meeting_id]
    return HitOut(
        speaker=turn.speaker,
        resolved_speaker=store.turn_speaker[hit.turn_id].name,
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
        url=meeting.url,
        context=context_command(meeting.id, turn.index, prefix),
    )
