"""`!speaker NAME`: who that is, as the records print it, and how much they said."""

from __future__ import annotations

from bot.commands.base import Command, Request, hit_out, plural
from bot.commands.lookup import SpeakerLookupError, resolve_speaker
from bot.commands.tally import turn_words
from bot.replies import SpeakerReply
from parser.index.search import Hit

FIRST_TURNS = 3


async def speaker(request: Request) -> SpeakerReply:
    store = request.store
    try:
        person = resolve_speaker(store, request.argument)
    except SpeakerLookupError as err:
        return SpeakerReply(command="speaker", query=request.argument, error=str(err), candidates=err.candidates)
    turn_ids = person.turn_ids
    counted = turn_words(store)  # counted once per store, as !stats and !meetings count
    words = sum(counted[t] for t in turn_ids)
    meetings = list(dict.fromkeys(store.columns.meeting_id(t) for t in turn_ids))
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
