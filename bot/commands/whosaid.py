"""`!whosaid PHRASE [filters]`: who said it, and how sure that is: verbatim, close, or not found.

*Verbatim*: the words are in the record as typed (after folding). *Close*: a turn holds most of
the words, in order, with few others between them, and clearly more of them than any other turn
(`bot.commands.verdict`); the reply shows the turn's real words and what differs. Otherwise *not
found*, with the nearest turn labelled as no match.
"""

from __future__ import annotations

from collections import Counter

from bot.commands.base import Command, Request, UserError, hit_out
from bot.commands.filters import parse_filters
from bot.commands.questions import strip_question
from bot.commands.quote import split_phrases
from bot.commands.verdict import Judged, close_ones, judge
from bot.replies import HitOut, SaidBy, WhosaidReply
from parser.index.archive import Archive
from parser.index.evidence import Evidence
from parser.index.search import LONG_QUERY, Hit, bounded
from parser.text import fold, token_span

SHOWN = 5
JUDGED = 8  # closest turns whose evidence is weighed (the best and its rivals)
NAMED = 3  # speakers a verdict names before "and N others"


def _said_by(store: Archive, turn_ids: list[int]) -> list[SaidBy]:
    """Each speaker of these few turns and how many are theirs, most first (first seen breaks ties)."""
    counts = Counter(store.speaker_name(t) for t in turn_ids)
    return [SaidBy(speaker=name, turns=n) for name, n in counts.most_common()]


def _who(said_by: list[SaidBy]) -> str:
    """`A (3×), B and C`, or the first few and `and N others` when many said it."""
    named = [f"{s.speaker} ({s.turns}×)" if s.turns > 1 else s.speaker for s in said_by[:NAMED]]
    others = len(said_by) - len(named)
    if others > 0:
        return ", ".join(named) + f" and {others} other{'s' if others > 1 else ''}"
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _differs(e: Evidence) -> str:
    """What the turn has that the query has not, and the other way round, in a few words."""
    parts = [f"{e.words} of your {e.of} words, in order"]
    if e.missing:
        parts.append("not in the turn: " + ", ".join(f"“{w}”" for w in e.missing[:4]) + (" …" if len(e.missing) > 4 else ""))
    if e.changed:
        parts.append("said as " + ", ".join(f"“{said}” for “{typed}”" for typed, said in e.changed[:3]))
    if e.extra:
        parts.append(f"{e.extra} word{'s' if e.extra > 1 else ''} between them you left out")
    return "; ".join(parts)


def _shown(store: Archive, judged: Judged, prefix: str) -> list[HitOut]:
    """The turn with the remembered words marked, and the speaker's next turn when the quote runs on."""
    e, turn_id = judged.evidence, judged.hit.turn_id
    text = store.text(turn_id)
    length = len(fold(text).split())
    last = min(e.last, length - 1)
    out = [hit_out(store, Hit(turn_id, judged.hit.score, token_span(text, e.first, last)), prefix)]
    if judged.joined is not None and e.last >= length:
        after = store.text(judged.joined)
        out.append(hit_out(store, Hit(judged.joined, judged.hit.score, token_span(after, 0, e.last - length)), prefix))
    return out


async def whosaid(request: Request) -> WhosaidReply:
    store = request.store
    text, filters = parse_filters(store, request.argument, request.prefix)
    phrases, rest = split_phrases(strip_question(text))
    phrase = " ".join([*phrases, rest]).strip()
    if not phrase:
        raise UserError(f"`{request.prefix}whosaid` needs words to look for, e.g. `{request.prefix}{COMMAND.example}`.")
    mask = filters.within(store)
    within = f" (only {filters.describe()})" if filters.active else ""
    verbatim = store.verbatim(phrase, mask, SHOWN)
    if verbatim is not None:
        said_by = [SaidBy(speaker=name, turns=n) for name, n in verbatim.said_by]
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="verbatim",
            summary=f"Said word for word by {_who(said_by)}{within}",
            hits=[hit_out(store, h, request.prefix) for h in verbatim.shown],
            total=verbatim.total,
            said_by=said_by,
        )
    judged = judge(store, phrase, store.find_closest(phrase, limit=JUDGED, within=mask, widen=False))
    close = close_ones(judged)
    if not close and len(bounded(fold(phrase).split())) < LONG_QUERY:
        # The pool holds no fit: look further down the index's ranking (a long query is never
        # widened, so asking again would only repeat the search: in PostgreSQL, a query again).
        judged = judge(store, phrase, store.find_closest(phrase, limit=JUDGED, within=mask))
        close = close_ones(judged)
    if not close:
        nearest = hit_out(store, store.placed(phrase, [judged[0].hit])[0], request.prefix) if judged else None
        where = f" among the turns searched ({filters.describe()})" if filters.active else " in the loaded records"
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="not found",
            error=f"Nobody said anything like “{phrase}”{where}.",
            nearest=nearest,
        )
    best = close[0]
    found = [h for j in close for h in _shown(store, j, request.prefix)]
    said_by = _said_by(store, [j.hit.turn_id for j in close])
    first = found[0]
    words = first.text[first.span[0] : first.span[1]] if first.span else ""
    if len(found) > 1 and best.joined is not None and found[1].span:
        words += " … " + found[1].text[found[1].span[0] : found[1].span[1]]
    who = _who(said_by) if len(said_by) > 1 else store.speaker_name(best.hit.turn_id)
    return WhosaidReply(
        command="whosaid",
        query=request.argument,
        verdict="close",
        summary=f"Most likely {who}{within}: “{words}” ({_differs(best.evidence)})",
        hits=found[:SHOWN],
        total=len(close),
        said_by=said_by,
        differs=_differs(best.evidence),
    )


COMMAND = Command(
    name="whosaid",
    usage="whosaid PHRASE [speaker:… meeting:… date:… lang:…]",
    summary="Who said it: word for word, close (with the real words), or not found (with the nearest turn).",
    handler=whosaid,
    example="whosaid cheveux blancs",
)
