"""`!whosaid PHRASE`: the turn, and so the speaker, whose words best match the phrase."""

from __future__ import annotations

from collections import Counter

from bot.commands.base import Command, Request, hit_out
from bot.commands.quote import split_phrases
from bot.replies import WhosaidReply
from parser.search import find_closest, find_phrase

CLOSE_ENOUGH = 80.0
SHOWN = 5


async def whosaid(request: Request) -> WhosaidReply:
    store = request.store
    phrases, rest = split_phrases(request.argument)
    phrase = " ".join([*phrases, rest]).strip()
    verbatim = find_phrase(store, phrase)
    if verbatim:
        by_speaker = Counter(store.turn_speaker[h.turn_id].name for h in verbatim)
        order = {name: rank for rank, (name, _) in enumerate(by_speaker.most_common())}
        verbatim.sort(key=lambda h: (order[store.turn_speaker[h.turn_id].name], h.turn_id))
        who = ", ".join(f"{name} ({n}×)" if n > 1 else name for name, n in by_speaker.most_common())
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="verbatim",
            summary=f"Said word for word by {who}",
            hits=[hit_out(store, h, request.prefix) for h in verbatim[:SHOWN]],
            total=len(verbatim),
        )
    close = [h for h in find_closest(store, phrase, limit=SHOWN) if h.score >= CLOSE_ENOUGH]
    if not close:
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="not found",
            error=f"Nobody said anything like “{request.argument}” in the loaded records.",
        )
    best = close[0]
    return WhosaidReply(
        command="whosaid",
        query=request.argument,
        verdict="close",
        summary=f"Most likely {store.turn_speaker[best.turn_id].name} (score {best.score:.0f}/100; the words differ a little)",
        hits=[hit_out(store, h, request.prefix) for h in close],
        total=len(close),
    )


COMMAND = Command(
    name="whosaid",
    usage="whosaid PHRASE",
    summary="Who said it: the turn whose words best match, even misspelt or half-remembered.",
    handler=whosaid,
    example="whosaid cheveux blancs",
)
