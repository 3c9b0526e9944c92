"""Why a turn is (or is not) the quote someone remembers: evidence a reply can say in words.

A remembered quote keeps most of its words, in order, with a few left out, one changed or
misspelt, two sentences run together. So the evidence for a turn is the longest in-order chain of
the query's words in it, allowing gaps: how much of the query it holds (each word weighing its
rarity, IDF), how many words of the turn stand between them, and which query words it lacks or
has in another form. `bot.commands.whosaid` turns that into a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    missing: list[str] = field(default_factory=list)  # query words the chain lacks
    changed: list[tuple[str, str]] = field(default_factory=list)  # (query word, turn word) matched loosely

    @property
    def share(self) -> float:
        """Share of the query's words (each counting one) in the chain."""
        return self.words / self.of if self.of else 0.0


NONE = Evidence(0.0, 0.0, 0, 0)


def weights(store: Lexicon, terms: list[Term]) -> list[float]:
    """Each query word's weight as evidence: a word of the record weighs its own rarity (IDF), even
    a rare one that search weighs less because it might be a typo; an unknown word, search's guess."""
    return [store.word_idf(t.exact_id) if t.exact_id is not None else t.weight for t in terms]


def weigh(matcher: Matcher, weights: list[float], tokens: list[str], turn_id: int | None = None) -> Evidence:
    """The best in-order chain of the query's words in `tokens` (a turn's folded words).

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
    return Evidence(
        held=min(1.0, raw[top_k] / total),
        weight=raw[top_k],
        words=len(chain),
        of=len(terms),
        first=first,
        last=last,
        extra=(last - first + 1) - len(chain),
        missing=[t.text for i, t in enumerate(terms) if i not in used],
        changed=changed,
    )
