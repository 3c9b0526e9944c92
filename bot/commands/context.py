"""`!context MEETING TURN [N]`: the turns around a hit, so a quote can be read in its conversation."""

from __future__ import annotations

import re

from bot.commands.base import Command, Request, UserError, hit_out
from bot.commands.lookup import is_meeting_id, resolve_meeting
from bot.replies import ContextReply
from parser.index.archive import Archive
from parser.index.search import Hit
from parser.models import Meeting

AROUND = 2
MAX_AROUND = 10
_INTEGER = re.compile(r"^[+-]?\d+$")


def parse(store: Archive, argument: str, prefix: str) -> tuple[str, int, int | None]:
    """(meeting as typed, turn, N) from `MEETING TURN [N]`; MEETING may be left out when one meeting is loaded.

    A meeting id may itself end in a number (`acd 139`), so a trailing pair of numbers is read as
    TURN N unless the words before the last number are exactly a meeting id.
    """
    tokens = argument.split()
    trailing = 0
    while trailing < min(2, len(tokens)) and _INTEGER.match(tokens[-1 - trailing]):
        trailing += 1
    if trailing == 0:
        raise UserError(f"Which turn? Write `{prefix}context MEETING TURN`, with TURN the turn number a hit shows.")
    last = int(tokens[-1])
    if trailing == 1:
        return " ".join(tokens[:-1]), last, None
    before_last = " ".join(tokens[:-1])
    before_pair = " ".join(tokens[:-2])
    if before_pair and is_meeting_id(store, before_last) and not is_meeting_id(store, before_pair):
        return before_last, last, None
    if not before_pair and (len(store.meetings) > 1 or is_meeting_id(store, tokens[0])):
        return tokens[0], last, None
    return before_pair, int(tokens[-2]), last


def position(store: Archive, meeting: Meeting, turn_index: int) -> int:
    """Where turn `turn_index` stands among the meeting's turns; a one-line error if it has none."""
    at = store.position(meeting.id, turn_index)
    if at is not None:
        return at
    size = store.meeting_size(meeting.id)
    if not size:
        raise UserError(f"{meeting.id} has no turns.")
    (first_id,), (last_id,) = store.meeting_turns(meeting.id, 0, 1), store.meeting_turns(meeting.id, size - 1)
    first, last = store.turn(first_id).index, store.turn(last_id).index
    raise UserError(f"There is no turn {turn_index} in {meeting.id}: its turns are numbered {first} to {last}.")


async def context(request: Request) -> ContextReply:
    """The asked turn with its neighbours, cut at the record's ends."""
    store = request.store
    typed, turn_index, around = parse(store, request.argument, request.prefix)
    if typed:
        meeting = resolve_meeting(store, typed, request.prefix)
    elif len(store.meetings) == 1:
        meeting = next(iter(store.meetings.values()))
    else:
        raise UserError(f"Which meeting? Write `{request.prefix}context MEETING TURN`; `{request.prefix}meetings` lists them.")
    if around is not None and around < 0:
        raise UserError(f"N is how many turns to show either side: 0 to {MAX_AROUND}.")
    wanted = AROUND if around is None else around
    shown_around = min(wanted, MAX_AROUND)
    size = store.meeting_size(meeting.id)
    at = position(store, meeting, turn_index)
    lo, hi = max(0, at - shown_around), min(size, at + shown_around + 1)
    hits = [hit_out(store, Hit(t, 100.0), request.prefix) for t in store.meeting_turns(meeting.id, lo, hi)]
    where = "the first turn" if at == 0 else "the last turn" if at == size - 1 else f"turn {turn_index}"
    capped = f" (at most {MAX_AROUND} either side)" if wanted > MAX_AROUND else ""
    date = f" ({meeting.date.isoformat()})" if meeting.date else ""
    return ContextReply(
        command="context",
        query=request.argument,
        summary=f"Around {where} of {size} in {meeting.title}{date}{capped}",
        hits=hits,
        total=len(hits),
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        turn_index=turn_index,
        focus=at - lo,
        meeting_turns=size,
    )


COMMAND = Command(
    name="context",
    usage="context MEETING TURN [N]",
    summary=f"The turns around a turn (N either side, default {AROUND}, at most {MAX_AROUND}); every hit says its own.",
    handler=context,
    example="context icann70-lacralo-roundtable-fr 21",
)
