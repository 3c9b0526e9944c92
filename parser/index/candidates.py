"""The index's side of search: which turns are worth scoring in full, and in what order.

Each query word adds its weight (its IDF, times how close the record's word is to it) to the
turns holding it, and each adjacent pair of query words that has a list adds the pair's: that
is what tells a quote of common words from the same words scattered. Of two turns holding the
same, the shorter more likely holds them as quoted.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from parser.index.postings import SEGMENT_BITS, pair_key
from parser.index.rank import Term
from parser.index.store import TurnStore

COMMON = 0.05  # a word in more than this share of turns says little alone: its pairs speak for it
LENGTH = 0.15  # how much a long turn's index score is lowered (log of its length over the average)
PAIR_WEIGHT = 1.0
PAIR_QUALITY = 0.8  # a typo stands in a pair for its likeliest word when it is at most one edit away
MAX_OPTIONS = 3  # a typo's likeliest stand-ins that the index looks up


def phrase_candidates(store: TurnStore, ids: list[int]) -> np.ndarray:
    """Turns holding every indexed pair of the phrase and every word no pair covers."""
    size = len(store.vocab)
    pairs: list[int] = []
    covered: set[int] = set()
    for k, (a, b) in enumerate(itertools.pairwise(ids)):
        if store.pair_words[a] and store.pair_words[b]:
            pairs.append(int(pair_key(a, b, size)))
            covered |= {k, k + 1}
    lists: list[tuple[int, str, int]] = [(int(store.vocab.df[w]), "word", w) for k, w in enumerate(ids) if k not in covered]
    if pairs:
        lists += [(int(df), "pair", key) for df, key in zip(store.pairs.df(pairs), pairs, strict=True)]
    lists = sorted(set(lists))  # a repeated word or pair is looked up once
    _, kind, key = lists[0]
    candidates = (store.words if kind == "word" else store.pairs).ids(key)
    for _, kind, key in lists[1:]:
        if not len(candidates):
            break
        candidates = candidates[(store.words if kind == "word" else store.pairs).contains(key, candidates)]
    return candidates


def term_ids(store: TurnStore, term: Term) -> tuple[np.ndarray, np.ndarray]:
    """Turns holding any of the term's words, with the quality of the best word each holds."""
    options = sorted(term.options.items(), key=lambda item: -item[1])
    lists = store.words.many([o for o, _ in options])
    if len(lists) == 1:
        return lists[0], np.full(len(lists[0]), options[0][1], dtype=np.float32)
    ids = np.concatenate(lists)
    quality = np.concatenate([np.full(len(ids_), q, dtype=np.float32) for ids_, (_, q) in zip(lists, options, strict=True)])
    unique, first = np.unique(ids, return_index=True)  # options come best first: the first is the best
    return unique, quality[first]


def _stand_ins(store: TurnStore, term: Term) -> list[tuple[int, float]]:
    """The record's words a query word most likely is: itself, or its likeliest close neighbours."""
    df = store.vocab.df
    exact = term.exact_id
    typos = [(o, q) for o, q in term.options.items() if q >= PAIR_QUALITY and store.pair_words[o]]
    if exact is not None:  # a known word may still be a typo of a far more common word (`form`)
        typos = [(o, q) for o, q in typos if o in term.typos]
    likeliest = sorted(typos, key=lambda item: (-item[1], -int(df[item[0]])))
    return [(exact, 1.0), *likeliest][:MAX_OPTIONS] if exact is not None else likeliest[:MAX_OPTIONS]


def pairs_of(store: TurnStore, terms: list[Term]) -> list[tuple[int, float]]:
    """Indexed pairs of adjacent query words (a typo read as its likeliest words), with their weight."""
    size = len(store.vocab)
    keys, qualities = [], []
    stand_ins = [_stand_ins(store, t) for t in terms]
    for firsts, seconds in itertools.pairwise(stand_ins):
        for a, qa in firsts:
            for b, qb in seconds:
                if store.pair_words[a] and store.pair_words[b]:
                    keys.append(int(pair_key(a, b, size)))
                    qualities.append(min(qa, qb))
    if not keys:
        return []
    n = len(store)
    dfs = store.pairs.df(keys)
    return [(k, PAIR_WEIGHT * q * float(np.log1p(n / df))) for k, q, df in zip(keys, qualities, dfs, strict=True) if df]


def index_score(store: TurnStore, terms: list[Term], candidates: np.ndarray) -> np.ndarray:
    """The index's score of turns known to hold every query word: pairs in order, exact words, length."""
    prior = np.zeros(len(candidates), dtype=np.float64)
    pairs = pairs_of(store, terms)
    for (_, weight), held in zip(pairs, store.pairs.contains_each([k for k, _ in pairs], candidates), strict=True):
        prior += weight * held
    exact = [(term.weight, term.exact_id) for term in terms if len(term.options) > 1 and term.exact_id is not None]
    for (weight, _), held in zip(exact, store.words.contains_each([k for _, k in exact], candidates), strict=True):
        prior += weight * held
    return prior / length_factor(store, candidates)


def length_factor(store: TurnStore, turn_ids: np.ndarray) -> np.ndarray:
    """Of two turns holding the same query words, the shorter more likely holds them as quoted."""
    offsets = store.columns.offsets
    lengths = (offsets[turn_ids + 1] - offsets[turn_ids]).astype(np.float32)
    average = max(1.0, float(offsets[-1]) / max(1, len(store)))
    return 1 + LENGTH * np.log1p(lengths / average)


def chosen_options(terms: list[Term], df: Callable[[int], int], turns: int) -> list[tuple[Term, list[tuple[int, float]]]]:
    """The words each query word brings candidates by, best first: words held by more than
    `COMMON` of the `turns` left to their pairs (unless every word is that common), a typo's many
    neighbours cut to its best `MAX_OPTIONS`, and a known word's far more common neighbours left
    out (they count only through pairs). The same rule for both stores."""
    common = COMMON * turns
    chosen: list[tuple[Term, list[tuple[int, float]]]] = []
    for informative in (True, False):
        for term in terms:
            options = [
                (o, q)
                for o, q in term.options.items()
                if (not informative or df(o) <= common) and not (term.sure and o in term.typos)
            ]
            if options:
                chosen.append((term, sorted(options, key=lambda item: (-item[1], -df(item[0])))[:MAX_OPTIONS]))
        if chosen:
            break
    return chosen


def accumulate(store: TurnStore, terms: list[Term], mask: np.ndarray | None, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The `count` turns of best index score among all sharing something with the query: (turn ids, scores).

    Each query word adds its weight (times the quality of the best word the turn holds for it),
    and each indexed pair of adjacent query words adds the pair's; words held by more than a
    twentieth of the turns are left to their pairs, and a typo's many neighbours to its best few.
    A known word's far more common neighbours (`form` may be `from`) count only through pairs:
    alone they would bring every turn saying `from`.
    """
    df = store.vocab.df
    chosen = chosen_options(terms, lambda o: int(df[o]), len(store))
    segments: list[np.ndarray | None] = [None] * len(store.words.posts)
    single = [(term.weight * options[0][1], options[0][0]) for term, options in chosen if len(options) == 1]
    store.words.add_to(segments, [k for _, k in single], [w for w, _ in single])
    for term, options in chosen:
        if len(options) > 1:
            store.words.add_best(segments, [o for o, _ in options], [q for _, q in options], term.weight)
    pairs = pairs_of(store, terms)
    store.pairs.add_to(segments, [k for k, _ in pairs], [w for _, w in pairs])
    ids, scores = [], []
    for s, values in enumerate(segments):
        if values is None:
            continue
        local = np.flatnonzero(values != 0)  # a mask first: quicker than flatnonzero on the floats
        ids.append(local + (s << SEGMENT_BITS))
        scores.append(values[local])
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    turn_ids, values = np.concatenate(ids), np.concatenate(scores)
    if mask is not None:
        keep = mask[turn_ids]
        turn_ids, values = turn_ids[keep], values[keep]
    return best_by_length(store, turn_ids, values, count)


def best_by_length(store: TurnStore, ids: np.ndarray, raw: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The `count` turns of best score over length factor, with that score.

    A length factor is at least 1, so a turn whose raw score is below the count-th best final
    score cannot enter: the turns of best raw scores give that bar, and only the turns that
    reach it need their factor, not every turn sharing a word with the query (a few hundred
    thousand at a million turns).
    """

    def best(picked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        final = raw[picked] / length_factor(store, ids[picked])
        if len(final) > count:
            keep = np.argpartition(-final, count - 1)[:count]
            picked, final = picked[keep], final[keep]
        return picked, final

    head = 8 * count
    if len(ids) <= head:
        picked, final = best(np.arange(len(ids)))
        return ids[picked], final
    picked, final = best(np.argpartition(-raw, head - 1)[:head])
    reach = np.flatnonzero(raw >= final.min())  # every turn that might do better, the picked ones too
    if len(reach) > head:
        picked, final = best(reach)
    return ids[picked], final
