"""Why a turn is (or is not) the quote someone remembers: evidence a reply can say in words.

A remembered quote keeps most of its words, in order, with a few left out, one changed or
misspelt, two sentences run together. So the evidence for a turn is the longest in-order chain of
the query's words in it, allowing gaps: how much of the query it holds (each word weighing its
rarity, IDF), how many words of the turn stand between them, which query words it lacks or has
in another form, and how many turns would hold such a chain by chance (`Odds`).
`bot.commands.verdict` turns that into a verdict.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from parser.index.builder import pair_threshold
from parser.index.rank import Lexicon, Matcher, Term

TURN_GAP = 6  # turn words that may stand between two remembered words (a run left out, and some)
GAP_COST = 0.05
QUERY_SKIP = 2  # query words in a row the chain may pass over (changed, or not in the turn)


@dataclass(frozen=True)
class Evidence:
    """How a turn holds the query: shares, the stretch it spans, and what differs."""

    held: float  # share of the query's weight (IDF × match quality) held in order, 0–1
    weight: float  # that weight itself: how unlikely a chance chain of these words is
    words: int  # query words in the chain
    of: int  # query words
    first: int = -1  # first and last token of the stretch in the turn (folded words)
    last: int = -1
    extra: int = 0  # turn words in the stretch that are not query words
    left_out: int = 0  # …counted as said: a contraction's two folded halves (`don t`, `l icann`) are one
    missing: list[str] = field(default_factory=list)  # query words the chain lacks
    changed: list[tuple[str, str]] = field(default_factory=list)  # (query word, turn word) matched loosely
    chance: float = 0.0  # turns expected to hold a chain like this one by chance (`Odds`)
    guessed: int = 0  # …of which this many links of neighbouring words are a guess (`Odds.guessed`)

    @property
    def share(self) -> float:
        """Share of the query's words (each counting one) in the chain."""
        return self.words / self.of if self.of else 0.0


NONE = Evidence(0.0, 0.0, 0, 0)


def weights(store: Lexicon, terms: list[Term]) -> list[float]:
    """Each query word's weight as evidence: a word of the record weighs its own rarity (IDF), even
    a rare one that search weighs less because it might be a typo; an unknown word, search's guess."""
    return [store.word_idf(t.exact_id) if t.exact_id is not None else t.weight for t in terms]


def weigh(
    matcher: Matcher, weights: list[float], tokens: list[str], turn_id: int | None = None, odds: Odds | None = None
) -> Evidence:
    """The best in-order chain of the query's words in `tokens` (a turn's folded words), and with
    `odds`, how many turns would hold such a chain by chance.

    Of two chains, the one with fewer turn words between its words wins a near tie (each such
    word costs `GAP_COST` of an average query word's weight).
    """
    terms = matcher.terms
    total = sum(weights)
    if not terms or not tokens or total <= 0:
        return Evidence(0.0, 0.0, 0, len(terms))
    matches = matcher.matches(tokens, turn_id)  # (token, query word, quality), by token
    gap_cost = GAP_COST * total / len(terms)
    best: list[float] = []  # the chain's weight less its gaps' cost: what chooses
    raw: list[float] = []  # the chain's weight
    back: list[int] = []
    top, top_k = 0.0, -1
    for k, (j, i, q) in enumerate(matches):
        gain, came = 0.0, -1
        kk = k - 1
        while kk >= 0:
            jj, ii, _ = matches[kk]
            if j - jj > TURN_GAP + 1:
                break
            if jj < j and ii < i <= ii + QUERY_SKIP + 1:
                link = best[kk] - gap_cost * (j - jj - 1)
                if link > gain:
                    gain, came = link, kk
            kk -= 1
        best.append(weights[i] * q + gain)
        raw.append(weights[i] * q + (raw[came] if came >= 0 else 0.0))
        back.append(came)
        if best[-1] > top:
            top, top_k = best[-1], k
    if top_k < 0:
        return Evidence(0.0, 0.0, 0, len(terms), missing=[t.text for t in terms])
    chain = []
    k = top_k
    while k >= 0:
        chain.append(matches[k])
        k = back[k]
    chain.reverse()
    used = {i for _, i, _ in chain}
    first, last = chain[0][0], chain[-1][0]
    changed = [(terms[i].text, tokens[j]) for j, i, q in chain if tokens[j] != terms[i].text]
    ids = [(j, i, _word_id(odds, terms[i], tokens[j])) for j, i, _ in chain] if odds is not None else []
    return Evidence(
        held=min(1.0, raw[top_k] / total),
        weight=raw[top_k],
        words=len(chain),
        of=len(terms),
        first=first,
        last=last,
        extra=(last - first + 1) - len(chain),
        left_out=_words_between(tokens, first, last, {j for j, _, _ in chain}),
        missing=[t.text for i, t in enumerate(terms) if i not in used],
        changed=changed,
        chance=odds.expected(ids) if odds is not None else 0.0,
        guessed=odds.guessed(ids) if odds is not None else 0,
    )


class Odds:
    """How many turns of the store would hold a chain of the query's words by chance: what tells
    a chain that means something from one that any big enough record holds.

    At a million turns, five common words with one left out are held in order, a word or two
    apart, by some turn of a meeting they were never said in. How likely that is follows from
    the words' frequencies, read as a chain of words is read (a bigram model): a chain starts at
    any of the store's `positions` words with the chance that a word is its first query word (or
    a word that may stand for it: its stem's family, its typo's neighbours; `rate`); each next
    word follows its predecessor right after it as often as the record says that pair is said
    (turns holding the pair over turns holding the first word, where the index lists the pair:
    both words frequent), or else within the gap found with that word's chance per word. Words
    of a phrase ("i think we can") follow one another far more often than their frequencies
    alone say, and the pair counts are what knows that. Turn counts stand for word counts (a word
    said twice in a turn counts once), which overstates the chance a little: the safe side.

    Chance is about the other turns: the turn weighed is taken out of the counts (one turn less
    holding each word and each pair, half a turn when no other does). In a small record, the
    few turns that share a phrase ("the difficulty bomb", 6 turns of 1,003) are what chance is
    made of, and the turn being weighed is not one of them.
    """

    def __init__(
        self, lexicon: Lexicon, terms: list[Term], positions: int, pair_turns: Callable[[str, str], int | None], turns: int = 0
    ) -> None:
        self.lexicon = lexicon
        self.positions = positions  # words of the turns seen
        self.frequent = pair_threshold(turns)  # turns holding a word whose pairs the in-memory index lists
        self.pair_turns = pair_turns  # turns saying two words one after the other, where the store knows cheaply
        df = lexicon.vocab.df
        self.rates = [min(1.0, max(0.5, sum(int(df[o]) for o in t.options) - 1) / max(1, self.positions)) for t in terms]
        self._pairs: dict[tuple[int, int], float | None] = {}

    def _rate(self, i: int, word: int | None) -> float:
        """The chance that a turn word is query word `i`: a lookalike the vocabulary did not place
        (`word` None) is as likely as `SOFT_RATE` says."""
        return self.rates[i] if word is not None else max(self.rates[i], SOFT_RATE)

    def _follows(self, a: int, b: int) -> float | None:
        """How often word `b` comes right after word `a`, when the index lists the pair."""
        if (a, b) not in self._pairs:
            vocab = self.lexicon.vocab
            held = self.pair_turns(vocab.words[a], vocab.words[b])
            self._pairs[(a, b)] = None if held is None else min(1.0, max(0.5, held - 1) / max(1, int(vocab.df[a])))
        return self._pairs[(a, b)]

    def expected(self, chain: list[tuple[int, int, int | None]]) -> float:
        """Chance chains like `chain` ((token number, query word number, the turn word's id or
        None for a lookalike), in order) in the whole store."""
        if not chain or self.positions <= 0:
            return 0.0
        _, i0, w0 = chain[0]
        log = math.log(self.positions) + math.log(self._rate(i0, w0))
        for (ja, _, wa), (jb, ib, wb) in itertools.pairwise(chain):
            gap = jb - ja - 1
            follows = self._follows(wa, wb) if gap == 0 and wa is not None and wb is not None else None
            log += math.log(follows if follows is not None else min(1.0, (gap + 1) * self._rate(ib, wb)))
        return math.exp(min(log, 700.0))

    def guessed(self, chain: list[tuple[int, int, int | None]]) -> int:
        """Words of `chain` said right after the one before them where one of the two is not a
        frequent word (held by fewer turns than the in-memory index lists pairs for): the odds
        of such a link are the second word's frequency alone, which undercounts a phrase (at 1M
        turns: "in both" twice, "not fun" five times, "haven't" fifty times). Counted from the
        words' turn counts, so both stores count alike. `bot.commands.verdict` asks more of a
        short chain with such a link."""
        df = self.lexicon.vocab.df
        return sum(
            1
            for (ja, _, wa), (jb, _, wb) in itertools.pairwise(chain)
            if jb == ja + 1 and wa is not None and wb is not None and min(int(df[wa]), int(df[wb])) < self.frequent
        )


# A turn word matched only because it looks like the query word (rapidfuzz ratio ≥ 70) is as
# likely as this: a typo of a common word looks like that share of the record's words (0.7 % on
# average, median 0.2 %, over 139 typos made as the bench makes them, at 100k QMSum turns).
SOFT_RATE = 0.007


# The halves of a contraction that folding cuts off as words of their own: English tails (`don t`,
# `we re`, QMSum's `it 's`) and French elided heads (`l icann`, `qu il`).
TAILS = frozenset({"s", "t", "re", "ve", "ll", "d", "m"})
HEADS = frozenset({"l", "d", "j", "n", "c", "s", "qu", "m", "t"})


def _words_between(tokens: list[str], first: int, last: int, chain: set[int]) -> int:
    """The turn's words in `first`…`last` that are not in the chain, a contraction counting once."""
    count = 0
    for j in range(first, last + 1):
        if j in chain:
            continue
        token = tokens[j]
        if (token in TAILS and j > first) or (token in HEADS and j < last and tokens[j + 1] not in HEADS):
            continue  # half of the word before (or after) it
        count += 1
    return count


def _word_id(odds: Odds, term: Term, token: str) -> int | None:
    """The turn word's id when the query word stands for it (None: a lookalike)."""
    return odds.lexicon.vocab.ids.get(token) if token in term.names else None
