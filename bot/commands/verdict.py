"""Is the closest turn the quote someone remembers? A verdict from evidence a reply can explain.

The evidence (`parser.index.evidence`) is the longest in-order chain of the query's words in a
turn. A turn is *close* when that chain holds most of the query, weighed by rarity, with few turn
words between the remembered ones, and it clearly beats every other turn, or holds so much that
no lead is needed. A quote may run on into the speaker's next turn: the two are weighed together.

And a chain that a record this big would hold by chance is no evidence (`by_chance`): at a
million turns, five or six common words with one left out or misspelt are held in order, a word
or two apart, by some turn of a meeting they were never said in (4 % of such queries from
records not loaded were called close). Unless the turn says the query nearly as typed
(`as_typed`), the chain must be unlikely by chance: fewer than `CHANCE` turns expected to hold it
(`parser.index.evidence.Odds`).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from parser.index.archive import Archive
from parser.index.evidence import NONE, Evidence, Odds, weigh, weights
from parser.index.rank import analyse, matcher
from parser.index.search import Hit, bounded
from parser.text import fold, stem

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
# Turns expected to hold a chain by chance, at most, for a chain that is not the query as typed.
# The estimate is low for common words — it knows which adjacent frequent words go together, not
# that a turn's words share its topic, nor that the search picks the best of thousands of chains —
# so the bar is far below one turn: on the bench's queries from records not loaded, chains that
# were there by chance were estimated at 1e-1 to 1e-6 (a few lower), and remembered quotes of a
# loaded turn mostly under 1e-7; 1e-4 keeps 99.6 % of the remembered ones close at 1M turns.
CHANCE = 1e-4
# A query of `FEW` words or fewer, not said as typed, whose chain has a link the odds can only
# guess (two neighbouring words, one of them not frequent: `Evidence.guessed`) must be far less
# likely than `CHANCE`. With so few links, the guess is most of the estimate, and it undercounts
# phrases of words that are not frequent two to fifty times a link ("in both your areas": 3.5e-5
# turns at 1M, and held by a turn of a meeting it was never said in). A chain whose neighbours the index knows (`delay
# the difficulty bomb` in the Ethereum record: 5e-5) keeps `CHANCE`. Quotes of a loaded turn
# this short and not as typed are rare: one of the bench's 2,000 at 100k and 1M, its links known.
FEW = 6
FEW_CHANCE = 1e-6
# A short query (`SHORT`), already held nearly whole and ahead of every other turn, may lack a
# word or hold a little less of its weight when its chain is this unlikely: a rare word of the
# record with the common words around it (`they work for wetransfer`: "work for a company called
# WeTransfer", 0.002 turns by chance).
SHORT_CHANCE = 1e-2


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
        enough = e.held >= SURE or (e.held >= LIKELY and e.chance <= SHORT_CHANCE)
        shaped = e.words >= min(e.of, max(2, e.of - 1)) and enough and e.extra <= SLACK
    else:
        shaped = e.held >= LIKELY and e.share >= MIN_WORDS and _compact(e)
    return shaped and not by_chance(e)


def as_typed(e: Evidence) -> bool:
    """The turn says the query nearly as typed: every word, in order, at most one turn word
    between them all (a word the query left out; `don't` is one word, though it folds to two), at
    most one word changed, by one edit (a typo) or as its stem's family. A damaged quote of a
    loaded turn looks like this; so does another turn that says the same words, which is then as
    good an answer."""
    return not e.missing and e.left_out <= 1 and len(e.changed) <= 1 and all(_one_edit(t, s) for t, s in e.changed)


def _one_edit(typed: str, said: str) -> bool:
    return OSA.distance(typed, said) <= 1 or stem(typed) == stem(said)


def by_chance(e: Evidence) -> bool:
    """Whether a big enough record would hold such a chain anyway (`CHANCE`; `SHORT_CHANCE` for a
    short query; `FEW_CHANCE` for a query of `FEW` words or fewer whose chain has a link the odds
    guess), the turn not saying the query nearly as typed."""
    bar = FEW_CHANCE if e.of <= FEW and e.guessed else SHORT_CHANCE if e.of <= SHORT else CHANCE
    return e.chance > bar and not as_typed(e)


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
    _, turns, positions = store.totals()
    chances = Odds(lexicon, terms, positions, store.pair_turns, turns)
    alone = []  # (hit, its turn's words, its evidence alone)
    for hit in hits:
        tokens = fold(store.text(hit.turn_id)).split()
        alone.append((hit, tokens, weigh(scorer, weighed, tokens, hit.turn_id, chances)))
    # a quote may run on into the speaker's next turn: asked at once of the turns whose chain reaches their end
    runs_on = [
        hit.turn_id for hit, tokens, e in alone if not sure(e) and e.words and e.last >= len(tokens) - (len(terms) + SLACK)
    ]
    following = store.next_of_speakers(runs_on, NEXT_TURN) if runs_on else {}
    judged = []
    for hit, tokens, e in alone:
        best = Judged(hit, e)
        after = following.get(hit.turn_id)
        if after is not None:
            both = weigh(scorer, weighed, tokens + fold(store.text(after)).split(), odds=chances)
            if both.held > e.held and both.last >= len(tokens):
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
