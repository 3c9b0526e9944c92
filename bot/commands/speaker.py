"""`!speaker NAME`: who that is, as the records print it, and how much they said."""

from __future__ import annotations

from bot.commands.base import Command, Request, hit_out, plural
from bot.replies import SpeakerReply
from parser.search import Hit

GOOD_MATCH = 75.0
AMBIGUOUS_MARGIN = 3.0
FIRST_TURNS = 3


async def speaker(request: Request) -> SpeakerReply:
    store = request.store
    matches = store.speakers.resolve(request.argument)
    if not matches or matches[0].score < GOOD_MATCH:
        nearest = [m.speaker.name for m in matches[:3]]
        hint = f" Nearest: {', '.join(nearest)}." if nearest else ""
        return SpeakerReply(
            command="speaker",
            query=request.argument,
            error=f"No speaker like “{request.argument}”.{hint}",
            candidates=nearest,
        )
    best = matches[0]
    rivals = [m for m in matches[1:] if m.score >= GOOD_MATCH and best.score - m.score < AMBIGUOUS_MARGIN]
    if rivals:
        names = [best.speaker.name, *(m.speaker.name for m in rivals)]
        return SpeakerReply(
            command="speaker",
            query=request.argument,
            error=f"“{request.argument}” fits several speakers: {', '.join(names)}. Which one?",
            candidates=names,
        )
    person = best.speaker
    turn_ids = person.turn_ids
    words = sum(len(store.turns[t].text.split()) for t in turn_ids)
    meetings = list(dict.fromkeys(store.turns[t].meeting_id for t in turn_ids))
    return SpeakerReply(
        command="speaker",
        query=request.argument,
        speaker=person.name,
        labels=[label for label, _ in person.labels.most_common()],
        turn_count=len(turn_ids),
        words=words,
        meetings=meetings,
        summary=f"{person.name}: {plural(len(turn_ids), 'turn')}, {plural(words, 'word')}, in {plural(len(meetings), 'meeting')}",
        hits=[hit_out(store, Hit(t, 100.0)) for t in turn_ids[:FIRST_TURNS]],
        total=len(turn_ids),
    )


COMMAND = Command(
    name="speaker",
    usage="speaker NAME",
    summary="Who a speaker is, as the record prints the name, with their turns and words.",
    handler=speaker,
    example="speaker León",
)
