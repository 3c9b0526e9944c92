"""Is the closest turn the quote someone remembers? A verdict from evidence a reply can explain.

The evidence (`parser.index.evidence`) is the longest in-order chain of the query's words in a
turn. A turn is *close* when that chain holds most of the query, weighed by rarity, with few turn
words between the remembered ones, and it clearly beats every other turn, or holds so much that
no lead is needed. A quote may run on into the speaker's next turn: the two are weighed together.
"""

from __future__ import annotations

from dataclasses import dataclass

from parser.index.archive import Archive
from parser.index.evidence import NONE, Evidence, weigh, weights
from parser.index.rank import analyse, matcher
from parser.index.search import Hit, bounded
from parser.text import fold

SURE = 0.85  # share of the query's weight held in order that makes a turn close on its own…
LIKELY = 0.75  # …and the share that does with a clear lead over every other turn
LEAD = 0.15  # that lead, in share of the query's weight
MIN_WORDS = 0.6  # share of the query's words (each counting one) the chain must hold
SHORT = 4  # a query of this few words must be held nearly whole, as its words or their typos
WHOLE = 0.97  # …and with this share of its weight, tight, needs no lead
TIE = 0.01  # turns holding a query as well as the best, within this share, share its verdict
SPREAD = 1.0  # turn words between the remembered ones, per remembered word, at most (plus `SLACK`)
SLACK = 3
NEXT_TURN = 2  # a speaker's next turn may come this many turns later (someone says "yeah" between)


@dataclass(frozen=True)
class Judged:
    """A turn with its evidence; `joined` when the evidence runs into the speaker's next turn."""

    hit: Hit
    evidence: Evidence
    joined: int | None = None  # the next turn's id, when the quote runs on into it


def _compact(e: Evidence) -> bool:
    return e.extra <= SPREAD * e.words + SLACK


def fits(e: Evidence) -> bool:
    """Whether the evidence could be a remembered quote at all (the lead aside)."""
    if e.of <= SHORT:  # one word may be missing from four, if the rest hold nearly all the weight
        return e.words >= min(e.of, max(2, e.of - 1)) and e.held >= SURE and e.extra <= SLACK
    return e.held >= LIKELY and e.share >= MIN_WORDS and _compact(e)


def sure(e: Evidence) -> bool:
    """Evidence that makes a turn close whatever the other turns hold (never for a short query)."""
    return fits(e) and e.held >= SURE and e.of > SHORT


def judge(store: Archive, query: str, hits: list[Hit]) -> list[Judged]:
    """The hits with their evidence, best evidence first (a quote run over two turns weighed whole)."""
    folded = " ".join(bounded(fold(query).split()))
    lexicon = store.lexicon(folded.split(), loose=True)
    terms = analyse(lexicon, folded.split(), loose=True)
    scorer = matcher(lexicon, terms, folded)
    weighed = weights(lexicon, terms)
    judged = []
    for hit in hits:
        tokens = fold(store.text(hit.turn_id)).split()
        alone = weigh(scorer, weighed, tokens, hit.turn_id)
        best = Judged(hit, alone)
        if not sure(alone) and alone.words and alone.last >= len(tokens) - (len(terms) + SLACK):
            after = store.next_of_speaker(hit.turn_id, NEXT_TURN)
            if after is not None:
                both = weigh(scorer, weighed, tokens + fold(store.text(after)).split())
                if both.held > alone.held and both.last >= len(tokens):
                    best = Judged(hit, both, after)
        judged.append(best)
    judged.sort(key=lambda j: (-j.evidence.held, j.evidence.extra))
    return judged


def close_ones(judged: list[Judged]) -> list[Judged]:
    """The turns the verdict calls close: every one that fits when the best is sure, or the best
    alone when it fits and leads the runner-up clearly; none otherwise.

    A short query (four words or fewer) has its own rule: held whole and tight (`WHOLE`), it is
    close in every turn that holds it as well; else it must lead every other turn that fits. Turns
    that hold its few common words scattered are no rivals: at a million turns some always do.
    """
    if not judged or not fits(judged[0].evidence):
        return []
    best = judged[0].evidence
    if best.of <= SHORT:
        ties = [j for j in judged if fits(j.evidence) and j.evidence.held >= best.held - TIE]
        if best.held >= WHOLE and best.extra <= 1 and best.words == best.of:
            return ties
        rivals = [j.evidence.held for j in judged if fits(j.evidence) and j.evidence.held < best.held - TIE]
        return ties if best.held - max(rivals, default=0.0) >= LEAD else []
    if sure(best):
        return [j for j in judged if sure(j.evidence)]
    runner_up = judged[1].evidence if len(judged) > 1 else NONE
    return judged[:1] if best.held - runner_up.held >= LEAD else []
