"""`!quote WORDS`: the turns that hold these words, best first."""

from __future__ import annotations

import re

from bot.commands.base import Command, Request, hit_out, plural
from bot.replies import Reply
from parser.search import Hit, find_closest, find_phrase, find_words

SHOWN = 5
CLOSE_ENOUGH = 80.0
_QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|«([^»]+)»|„([^“”]+)[“”]')


def split_phrases(argument: str) -> tuple[list[str], str]:
    """The phrases in quotes (straight, curly or French) and the words outside them."""
    phrases = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(argument)]
    rest = _QUOTED.sub(" ", argument)
    return [p.strip() for p in phrases if p.strip()], rest.strip()


def search_quote(request: Request) -> list[Hit]:
    """Quoted phrases must appear as written; plain words must all appear; else the closest."""
    store = request.store
    phrases, rest = split_phrases(request.argument)
    if phrases:
        allowed: set[int] | None = None
        hits: list[Hit] = []
        for phrase in phrases:
            hits = find_phrase(store, phrase, allowed)
            allowed = {h.turn_id for h in hits}
        if rest:
            hits = find_words(store, rest, allowed)
        return hits
    hits = find_words(store, rest)
    if hits:
        return hits
    return [h for h in find_closest(store, rest, limit=SHOWN) if h.score >= CLOSE_ENOUGH]


async def quote(request: Request) -> Reply:
    hits = search_quote(request)
    if not hits:
        return Reply(
            command="quote",
            query=request.argument,
            error=f"No quote matches “{request.argument}”. Try fewer words, or `{request.prefix}whosaid` for a looser match.",
        )
    shown = [hit_out(request.store, h, request.prefix) for h in hits[:SHOWN]]
    total = len(hits)
    summary = f"{plural(total, 'turn')} match{'es' if total == 1 else ''} “{request.argument}”"
    return Reply(command="quote", query=request.argument, summary=summary, hits=shown, total=total)


COMMAND = Command(
    name="quote",
    usage="quote WORDS",
    summary='Turns that contain these words, best first; "a phrase in quotes" must appear as written.',
    handler=quote,
    example="quote DAAR",
)
