"""Finding turns: an exact phrase, every word (typos allowed), or the closest words at all.

Candidates come from the index (word lists, and lists of frequent word pairs, which is what
makes quotes of common words cheap); `parser.index.rank` then scores the few best candidates the way
comparing the query with every turn would, only better. Every hit says where in the original
text it matched, so replies can show that part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from parser.index.candidates import accumulate, index_score, phrase_candidates, term_ids
from parser.index.columns import LazySequence
from parser.index.rank import STEM_QUALITY, Matcher, Term, analyse, matcher
from parser.index.store import TurnStore
from parser.text import fold, token_span

RERANK = 50  # candidates scored in full after the index's first ranking
POOL = 50  # candidates of the fuzzy fallback scored in full
WIDER = 8  # when nothing in the pool scores WIDEN_BELOW, this many times the pool is scored
WIDEN_BELOW = 80.0  # the score from which the commands call a turn close
LONG_QUERY = 9  # words from which the index's ranking is sure enough for a smaller pool…
LONG_POOL = 20  # …of this many (the README's benchmarks say why)
COUNT_BUDGET = 2000  # a phrase in more turns than this is not counted turn by turn when the index knows
VERIFY_BUDGET = 20000  # turns read at most to check a phrase the index cannot vouch for
MAX_WORDS = 40
SPANS = 10  # hits located in their text up front; `locate` does the rest when shown

Allowed = np.ndarray | None  # one boolean per turn: the turns a filter keeps


@dataclass(frozen=True)
class Hit:
    """A turn that answers a query: 0–100 score, and the matched span of the turn's own text."""

    turn_id: int
    score: float
    span: tuple[int, int] | None = None
    exact: bool = False
    tokens: tuple[int, int] | None = None  # folded words first…last that matched


def _restrict(ids: np.ndarray, mask: Allowed) -> np.ndarray:
    return ids if mask is None else ids[mask[ids]]


def locate(store: TurnStore, hit: Hit) -> Hit:
    """The hit with its span filled in (search leaves it empty beyond the first few hits)."""
    if hit.span is not None or hit.tokens is None:
        return hit
    return replace(hit, span=token_span(store.text(hit.turn_id), *hit.tokens))


def placed(store: TurnStore, query: str, hits: Sequence[Hit]) -> list[Hit]:
    """The hits with their matched span, scoring in full those the index ranked but never scored
    (a deep page shows five of them: only those five are read)."""
    if all(h.span is not None or h.tokens is not None for h in hits):
        return [locate(store, h) for h in hits]
    folded = fold(query)
    scorer = Matcher(analyse(store, folded.split()), folded)
    out = []
    for hit in hits:
        if hit.span is None and hit.tokens is None:
            scored = scorer.score(fold(store.text(hit.turn_id)))
            hit = replace(hit, tokens=(scored.first, scored.last))
        out.append(locate(store, hit))
    return out


def _located(store: TurnStore, hits: list[Hit]) -> list[Hit]:
    return [locate(store, h) for h in hits[:SPANS]] + hits[SPANS:]


def bounded(words: list[str]) -> list[str]:
    """The words a loose search weighs: a word repeated in a row kept twice at most, and the first
    `MAX_WORDS` (a pasted paragraph is known by its first forty words; scoring costs grow with
    the query's length times the turn's)."""
    kept: list[str] = []
    for word in words:
        if len(kept) >= 2 and kept[-1] == word and kept[-2] == word:
            continue
        kept.append(word)
    return kept[:MAX_WORDS]


def find_phrase(store: TurnStore, phrase: str, allowed: Allowed = None) -> Sequence[Hit]:
    """Turns in which `phrase` appears as written, after folding; most occurrences first."""
    folded = fold(phrase)
    words = folded.split()
    if not words:
        return []
    ids = [store.vocab.ids[w] for w in words if w in store.vocab.ids]
    if len(ids) < len(words):
        return []
    candidates = _restrict(phrase_candidates(store, ids), allowed)
    if len(candidates) > COUNT_BUDGET and _index_is_exact(store, ids):
        # Every candidate holds the phrase (one word, or a pair the index lists): the hits are
        # known without reading a turn; in record order, a few located when shown.
        return PhraseHits(candidates, len(words))
    offsets = store.columns.offsets  # a turn shorter, in bytes, than the folded phrase cannot hold it
    candidates = candidates[(offsets[candidates + 1] - offsets[candidates]) >= len(folded)]
    pattern = re.compile(rf"(?<!\S){re.escape(folded)}(?!\S)")
    found: list[tuple[int, int, int]] = []
    for turn_id in candidates[:VERIFY_BUDGET].tolist():
        text = fold(store.text(turn_id))
        matches = list(pattern.finditer(text))
        if matches:
            found.append((-len(matches), turn_id, text.count(" ", 0, matches[0].start())))
    found.sort()
    hits = [Hit(t, 100.0, None, True, (k, k + len(words) - 1)) for _, t, k in found]
    return _located(store, hits)


def _index_is_exact(store: TurnStore, ids: list[int]) -> bool:
    """Whether the index alone says which turns hold the phrase: one word, or two that form a listed pair."""
    return len(ids) == 1 or (len(ids) == 2 and bool(store.pair_words[ids[0]]) and bool(store.pair_words[ids[1]]))


class PhraseHits(LazySequence[Hit]):
    """Turns the index knows hold a phrase, in record order; each hit located when read."""

    def __init__(self, ids: np.ndarray, words: int) -> None:
        self._ids = ids
        self._words = words
        self.exact = len(ids)

    def __len__(self) -> int:
        return len(self._ids)

    def _item(self, i: int) -> Hit:
        return Hit(int(self._ids[i]), 100.0, None, True)

    @property
    def ids(self) -> np.ndarray:
        return self._ids


def _rerank(store: TurnStore, terms: list[Term], query: str, candidates: Iterable[int], prior: dict[int, float]) -> list[Hit]:
    """Score each candidate in full; best first (the index's score, then record order, break ties)."""
    hits = []
    scorer = matcher(store, terms, query)
    for turn_id in candidates:
        scored = scorer.score_words(store.folded_words(turn_id), turn_id)
        hits.append(Hit(turn_id, scored.score, None, scored.score >= 100.0, (scored.first, scored.last)))
    return _best_first(hits, prior)


def _best_first(hits: list[Hit], prior: dict[int, float]) -> list[Hit]:
    hits.sort(key=lambda h: (-h.score, -prior.get(h.turn_id, 0.0), h.turn_id))
    return hits


class Hits(LazySequence[Hit]):
    """Every turn that matches, best first: the head scored in full, the tail made when read.

    A common word can match a hundred thousand turns; making a `Hit` for each would cost more
    than the search itself, and a reply shows five.
    """

    def __init__(
        self, head: list[Hit], tail_ids: np.ndarray | None = None, tail_scores: np.ndarray | None = None, exact: int | None = None
    ) -> None:
        self.head = head
        # the first `exact` hits hold the words themselves, the others a typo or a lookalike
        self.exact = len(head) + (0 if tail_ids is None else len(tail_ids)) if exact is None else exact
        self._ids = tail_ids if tail_ids is not None else np.zeros(0, dtype=np.int64)
        self._scores = tail_scores if tail_scores is not None else np.zeros(0, dtype=np.float32)

    def __len__(self) -> int:
        return len(self.head) + len(self._ids)

    def _item(self, i: int) -> Hit:
        if i < len(self.head):
            return self.head[i]
        k = i - len(self.head)
        return Hit(int(self._ids[k]), round(float(self._scores[k]), 1))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]


def find_words(store: TurnStore, query: str, allowed: Allowed = None, rank: int = RERANK) -> Hits:
    """Turns that contain every word of `query` (a stem, a typo or a missing accent allowed), best first.

    Every such turn is returned; the best `rank` by the index's score (rare words, pairs in the
    query's order, shorter turns) are scored in full, the others follow in the index's order.
    """
    folded = " ".join(bounded(fold(query).split()))
    terms = analyse(store, folded.split())
    if not terms or any(not t.options for t in terms):
        return Hits([])
    df = store.vocab.df
    order = sorted(terms, key=lambda t: sum(int(df[o]) for o in t.options))
    candidates, _ = term_ids(store, order[0])
    candidates = _restrict(candidates, allowed)
    for term in order[1:]:
        if not len(candidates):
            return Hits([])
        candidates = candidates[store.words.contains_any(list(term.options), candidates)]
    if not len(candidates):
        return Hits([])
    itself = _holding_themselves(store, terms, candidates)
    prior = index_score(store, terms, candidates)
    by_prior = np.lexsort((-prior, ~itself))  # the words themselves first, then by the index's score
    exact = int(itself.sum())
    head_ids = candidates[by_prior[:rank]]
    head = _rerank(store, terms, folded, head_ids.tolist(), {})  # equal scores: record order, as people read
    if exact < len(candidates):
        first = set(candidates[itself].tolist()) if exact <= rank else set(head_ids[:exact].tolist())
        head.sort(key=lambda h: h.turn_id not in first)  # stable: each tier keeps its order
    if len(candidates) <= rank:
        return Hits(_located(store, head), exact=exact)
    floor = min(h.score for h in head)
    rest = by_prior[rank:]
    top = max(float(prior.max()), 1e-9)
    scores = np.minimum(floor, 100.0 * prior[rest] / top).astype(np.float32)
    return Hits(_located(store, head), candidates[rest], scores, exact=exact)


def _holding_themselves(store: TurnStore, terms: list[Term], candidates: np.ndarray) -> np.ndarray:
    """For each candidate, whether it holds every query word as itself or its stem's family, not a typo."""
    held = np.ones(len(candidates), dtype=bool)
    for term in terms:
        own = [o for o, q in term.options.items() if q >= STEM_QUALITY]
        if len(own) == len(term.options):
            continue
        held &= store.words.contains_any(own, candidates)
    return held


def find_closest(
    store: TurnStore, query: str, limit: int = 5, allowed: Allowed = None, pool: int | None = None, widen: bool = True
) -> list[Hit]:
    """The turns whose words come closest to `query`, whatever is missing or misspelt.

    The index's best `pool` are scored in full: 50, or 20 for a quote of nine words or more,
    whose many words already rank the right turn near the top (and whose turns cost most to score).
    When none of them comes close, the next best, up to eight times the pool, are scored too: a
    short quote of common words can rank its turn a few hundred down. A long query is not widened:
    its many words rank its turn high, and a remembered quote (words left out) scores under 80
    against its own turn, so widening cost time for nothing. With `widen` off, only the pool is
    scored: a caller that can tell a fit from its evidence widens only when the pool holds none.
    """
    folded = " ".join(bounded(fold(query).split()))
    terms = analyse(store, folded.split(), loose=True)
    if not terms:
        return []
    if pool is None:
        pool = LONG_POOL if len(terms) >= LONG_QUERY else POOL
    ids, scores = accumulate(store, terms, allowed, WIDER * pool)
    if not len(ids):
        return []
    order = np.argsort(-scores, kind="stable")
    ranked, prior = ids[order].tolist(), dict(zip(ids.tolist(), scores.tolist(), strict=True))
    hits = _rerank(store, terms, folded, ranked[:pool], prior)
    if widen and (not hits or hits[0].score < WIDEN_BELOW) and len(ranked) > pool and len(terms) < LONG_QUERY:
        hits = _best_first(hits + _rerank(store, terms, folded, ranked[pool:], prior), prior)
    return _located(store, hits[:limit])
