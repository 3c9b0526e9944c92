"""`!speaker NAME`: who that is, as the records print it, and how much they said."""

from __future__ import annotations

from bot.commands.base import Command, Request, hit_out, plural
from bot.commands.lookup import SpeakerLookupError, resolve_speaker
from bot.replies import SpeakerReply
from parser.index.search import Hit

FIRST_TURNS = 3


async def speaker(request: Request) -> SpeakerReply:
    store = request.store
    try:
        person = resolve_speaker(store, request.argument)
    except SpeakerLookupError as err:
        return SpeakerReply(command="speaker", query=request.argument, error=str(err), candidates=err.candidates)
    turns = len(person.turn_ids)
    parts = store.speaker_meetings(person)
    words = sum(p.words for p in parts)  # the store's own counts, as !stats and !meetings count
    meetings = [p.meeting_id for p in parts]
    return SpeakerReply(
        command="speaker",
        query=request.argument,
        speaker=person.name,
        labels=[label for label, _ in person.labels.most_common()],
        turn_count=turns,
        words=words,
        meetings=meetings,
        summary=f"{person.name}: {plural(turns, 'turn')}, {plural(words, 'word')}, in {plural(len(meetings), 'meeting')}",
        hits=[hit_out(store, Hit(t, 100.0), request.prefix) for t in store.first_turns(person, FIRST_TURNS)],
        total=turns,
    )


COMMAND = Command(
    name="speaker",
    usage="speaker NAME",
    summary="Who a speaker is, as the record prints the name, with their turns and words.",
    handler=speaker,
    example="speaker León",
)
