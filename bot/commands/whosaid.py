"""`!whosaid PHRASE [filters]`: who said it, and how sure that is: verbatim, close, or not found."""

from __future__ import annotations

from collections import Counter

from bot.commands.base import Command, Request, UserError, hit_out
from bot.commands.filters import parse_filters
from bot.commands.quote import split_phrases
from bot.replies import SaidBy, WhosaidReply
from parser.index.search import Hit, find_closest, find_phrase, locate

CLOSE_ENOUGH = 80.0
# A short phrase with one word mangled ("je ne trouvais pas mo micro") scores under 80 against the
# very turn it came from, yet far above every other turn: such a clear lead is a close match too.
LEAD_FLOOR = 70.0
LEAD = 25.0
SHOWN = 5


def clear_lead(closest: list[Hit]) -> list[Hit]:
    """The best turn alone, when it stands well above every other one though under CLOSE_ENOUGH."""
    if not closest or closest[0].score < LEAD_FLOOR:
        return []
    runner_up = closest[1].score if len(closest) > 1 else 0.0
    return closest[:1] if closest[0].score - runner_up >= LEAD else []


def _said_by(names: list[str]) -> list[SaidBy]:
    """Each speaker and how many of the turns are theirs, most first (first seen breaks ties)."""
    return [SaidBy(speaker=name, turns=n) for name, n in Counter(names).most_common()]


def _who(said_by: list[SaidBy]) -> str:
    return ", ".join(f"{s.speaker} ({s.turns}×)" if s.turns > 1 else s.speaker for s in said_by)


async def whosaid(request: Request) -> WhosaidReply:
    store = request.store
    text, filters = parse_filters(store, request.argument, request.prefix)
    phrases, rest = split_phrases(text)
    phrase = " ".join([*phrases, rest]).strip()
    if not phrase:
        raise UserError(f"`{request.prefix}whosaid` needs words to look for, e.g. `{request.prefix}{COMMAND.example}`.")
    mask = filters.mask(store)
    within = f" (only {filters.describe()})" if filters.active else ""
    verbatim = find_phrase(store, phrase, mask)
    if verbatim:
        said_by = _said_by([store.turn_speaker[h.turn_id].name for h in verbatim])
        rank = {s.speaker: k for k, s in enumerate(said_by)}
        verbatim.sort(key=lambda h: (rank[store.turn_speaker[h.turn_id].name], h.turn_id))
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="verbatim",
            summary=f"Said word for word by {_who(said_by)}{within}",
            hits=[hit_out(store, locate(store, h), request.prefix) for h in verbatim[:SHOWN]],
            total=len(verbatim),
            said_by=said_by,
        )
    closest = find_closest(store, phrase, limit=SHOWN, allowed=mask)
    close = [h for h in closest if h.score >= CLOSE_ENOUGH] or clear_lead(closest)
    if not close:
        nearest = hit_out(store, closest[0], request.prefix) if closest else None
        where = f" among the turns searched ({filters.describe()})" if filters.active else " in the loaded records"
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="not found",
            error=f"Nobody said anything like “{phrase}”{where}.",
            nearest=nearest,
        )
    best = close[0]
    said_by = _said_by([store.turn_speaker[h.turn_id].name for h in close])
    words = store.text(best.turn_id)[best.span[0] : best.span[1]] if best.span else ""
    really = f": “{words}”" if words else ""
    return WhosaidReply(
        command="whosaid",
        query=request.argument,
        verdict="close",
        summary=(
            f"Most likely {store.turn_speaker[best.turn_id].name}{really} "
            f"(score {best.score:.0f}/100: the words differ a little){within}"
        ),
        hits=[hit_out(store, h, request.prefix) for h in close],
        total=len(close),
        said_by=said_by,
    )


COMMAND = Command(
    name="whosaid",
    usage="whosaid PHRASE [speaker:… meeting:… date:… lang:…]",
    summary="Who said it: word for word, close (with the real words), or not found (with the nearest turn).",
    handler=whosaid,
    example="whosaid cheveux blancs",
)
