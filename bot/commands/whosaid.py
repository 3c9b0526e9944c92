"""`!whosaid PHRASE [filters]`: who said it, and how sure that is: verbatim, close, or not found.

*Verbatim*: the words are in the record as typed (after folding). *Close*: a turn holds most of
the words, in order, with few others between them, and clearly more of them than any other turn
(`bot.commands.verdict`); the reply shows the turn's real words and what differs. Otherwise *not
found*, with the nearest turn labelled as no match.
"""

from __future__ import annotations

import numpy as np

from bot.commands.base import Command, Request, UserError, hit_out
from bot.commands.filters import parse_filters
from bot.commands.questions import strip_question
from bot.commands.quote import split_phrases
from bot.commands.verdict import Judged, close_ones, judge
from bot.replies import HitOut, SaidBy, WhosaidReply
from parser.index.evidence import Evidence
from parser.index.search import Hit, PhraseHits, find_closest, find_phrase, locate
from parser.index.store import TurnStore
from parser.text import fold, token_span

SHOWN = 5
JUDGED = 8  # closest turns whose evidence is weighed (the best and its rivals)
NAMED = 3  # speakers a verdict names before "and N others"


def _said_by(store: TurnStore, ids: np.ndarray) -> tuple[list[SaidBy], list[int]]:
    """Each speaker of these turns and how many are theirs, most first (first seen breaks ties),
    and the turns to show: the top speakers' first ones. Counted per printed label, in numpy: a
    common word is said in half a million turns."""
    labels, first, counts = np.unique(store.columns.label_ids[ids], return_index=True, return_counts=True)
    people: dict[str, list[int]] = {}  # name → [turns, first position, labels…]
    for label, at, n in zip(labels.tolist(), first.tolist(), counts.tolist(), strict=True):
        name = store.speakers.speaker_of(store.columns.labels[label]).name
        entry = people.setdefault(name, [0, at])
        entry[0] += n
        entry[1] = min(entry[1], at)
        entry.append(label)
    ranked = sorted(people.items(), key=lambda item: (-item[1][0], item[1][1]))
    shown: list[int] = []
    for _, (_, _, *own) in ranked:
        if len(shown) >= SHOWN:
            break
        mine = ids[np.isin(store.columns.label_ids[ids], own)]
        shown += np.sort(mine)[: SHOWN - len(shown)].tolist()
    return [SaidBy(speaker=name, turns=entry[0]) for name, entry in ranked], shown


def _phrase_hit(store: TurnStore, turn_id: int, words: list[str]) -> Hit:
    """A turn known to hold the phrase, with where it does."""
    tokens = fold(store.text(turn_id)).split()
    at = next((k for k in range(len(tokens)) if tokens[k : k + len(words)] == words), 0)
    return Hit(turn_id, 100.0, None, True, (at, at + len(words) - 1))


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


def _shown(store: TurnStore, judged: Judged, prefix: str) -> list[HitOut]:
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
    mask = filters.mask(store)
    within = f" (only {filters.describe()})" if filters.active else ""
    verbatim = find_phrase(store, phrase, mask)
    if verbatim:
        ids = verbatim.ids if isinstance(verbatim, PhraseHits) else np.array([h.turn_id for h in verbatim], dtype=np.int64)
        said_by, shown = _said_by(store, ids)
        spans = {h.turn_id: h for h in verbatim[: 4 * SHOWN]} if not isinstance(verbatim, PhraseHits) else {}
        folded = fold(phrase).split()
        hits = [spans.get(t) or _phrase_hit(store, t, folded) for t in shown]
        return WhosaidReply(
            command="whosaid",
            query=request.argument,
            verdict="verbatim",
            summary=f"Said word for word by {_who(said_by)}{within}",
            hits=[hit_out(store, locate(store, h), request.prefix) for h in hits],
            total=len(verbatim),
            said_by=said_by,
        )
    judged = judge(store, phrase, find_closest(store, phrase, limit=JUDGED, allowed=mask, widen=False))
    close = close_ones(judged)
    if not close:  # the pool holds no fit: look further down the index's ranking
        judged = judge(store, phrase, find_closest(store, phrase, limit=JUDGED, allowed=mask))
        close = close_ones(judged)
    if not close:
        nearest = hit_out(store, locate(store, judged[0].hit), request.prefix) if judged else None
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
    said_by, _ = _said_by(store, np.array([j.hit.turn_id for j in close], dtype=np.int64))
    first = found[0]
    words = first.text[first.span[0] : first.span[1]] if first.span else ""
    if len(found) > 1 and best.joined is not None and found[1].span:
        words += " … " + found[1].text[found[1].span[0] : found[1].span[1]]
    who = _who(said_by) if len(said_by) > 1 else store.turn_speaker[best.hit.turn_id].name
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
