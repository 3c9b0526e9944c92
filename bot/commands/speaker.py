"""`!speaker NAME`: who that is, as the records print it, and how much they said."""

from __future__ import annotations

import numpy as np

from bot.commands.base import Command, Request, hit_out, plural
from bot.commands.lookup import SpeakerLookupError, resolve_speaker
from bot.replies import SpeakerReply
from parser.index.columns import IdList
from parser.index.search import Hit
from parser.index.tally import meeting_numbers, words_of

FIRST_TURNS = 3


async def speaker(request: Request) -> SpeakerReply:
    store = request.store
    try:
        person = resolve_speaker(store, request.argument)
    except SpeakerLookupError as err:
        return SpeakerReply(command="speaker", query=request.argument, error=str(err), candidates=err.candidates)
    turn_ids = person.turn_ids
    ids = np.asarray(turn_ids.array if isinstance(turn_ids, IdList) else list(turn_ids), dtype=np.int64)
    words = words_of(store, ids)  # the store's own counts, as !stats and !meetings count
    meetings = [store.columns.meeting_ids[m] for m in meeting_numbers(store, ids)]
    return SpeakerReply(
        command="speaker",
        query=request.argument,
        speaker=person.name,
        labels=[label for label, _ in person.labels.most_common()],
        turn_count=len(turn_ids),
        words=words,
        meetings=meetings,
        summary=f"{person.name}: {plural(len(turn_ids), 'turn')}, {plural(words, 'word')}, in {plural(len(meetings), 'meeting')}",
        hits=[hit_out(store, Hit(t, 100.0), request.prefix) for t in turn_ids[:FIRST_TURNS]],
        total=len(turn_ids),
    )


COMMAND = Command(
    name="speaker",
    usage="speaker NAME",
    summary="Who a speaker is, as the record prints the name, with their turns and words.",
    handler=speaker,
    example="speaker León",
)
