"""Finding turns: an exact phrase, every word (typos allowed), or the closest words at all.

Candidates come from the word index; rapidfuzz then compares the folded query with the folded
turns. Every hit says where in the original text it matched, so replies can show that part.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from parser.store import TurnStore
from parser.text import fold, original_span

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Hit:
    """A turn that answers a query: 0–100 score, and the matched span of the turn's own text."""

    turn_id: int
    score: float
    span: tuple[int, int] | None = None
    exact: bool = False


def _span(store: TurnStore, turn_id: int, start: int, end: int) -> tuple[int, int]:
    return original_span(store.turns[turn_id].text, start, end)


def find_phrase(store: TurnStore, phrase: str, allowed: set[int] | None = None) -> list[Hit]:
    """Turns in which `phrase` appears as written, after folding; most occurrences first."""
    folded = fold(phrase)
    words = folded.split()
    if not words:
        return []
    candidates = _all_of(store, [{w: 0} for w in words])
    if allowed is not None:
        candidates &= allowed
    hits = []
    pattern = re.compile(rf"(?<!\S){re.escape(folded)}(?!\S)")
    for turn_id in candidates:
        matches = list(pattern.finditer(store.folded[turn_id]))
        if matches:
            first = matches[0]
            hits.append((len(matches), Hit(turn_id, 100.0, _span(store, turn_id, first.start(), first.end()), True)))
    hits.sort(key=lambda pair: (-pair[0], pair[1].turn_id))
    return [hit for _, hit in hits]


def _all_of(store: TurnStore, variant_sets: list[dict[str, int]]) -> set[int]:
    """Turns that contain, for every query word, one of its variants."""
    result: set[int] | None = None
    for variants in sorted(variant_sets, key=lambda v: sum(len(store.postings.get(w, ())) for w in v)):
        ids: set[int] = set()
        for word in variants:
            ids.update(store.postings.get(word, ()))
        result = ids if result is None else result & ids
        if not result:
            return set()
    return result or set()


def find_words(store: TurnStore, query: str, allowed: set[int] | None = None) -> list[Hit]:
    """Turns that contain every word of `query` (a typo or missing accent allowed), best first.

    The score falls with each word matched only through a typo and with how far apart the
    words stand; the span runs from the first matched word to the last.
    """
    words = fold(query).split()
    if not words:
        return []
    variant_sets = [store.variants(w) for w in words]
    if any(not v for v in variant_sets):
        return []
    candidates = _all_of(store, variant_sets)
    if allowed is not None:
        candidates &= allowed
    hits = []
    for turn_id in candidates:
        hit = _best_window(store, turn_id, variant_sets)
        if hit:
            hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.turn_id))
    return hits


def _best_window(store: TurnStore, turn_id: int, variant_sets: list[dict[str, int]]) -> Hit | None:
    """The smallest stretch of the turn holding every query word, scored and located."""
    folded = store.folded[turn_id]
    positions: list[tuple[int, int, int, int]] = []  # (token no, query word no, start, end)
    for k, m in enumerate(_WORD.finditer(folded)):
        for q, variants in enumerate(variant_sets):
            if m.group() in variants:
                positions.append((k, q, m.start(), m.end()))
    need = len(variant_sets)
    best: tuple[float, int, int] | None = None
    counts: defaultdict[int, int] = defaultdict(int)
    have = 0
    left = 0
    for right, (k, q, _, _) in enumerate(positions):
        counts[q] += 1
        if counts[q] == 1:
            have += 1
        while have == need:
            width = k - positions[left][0] + 1
            chosen = {}
            for _, qq, s, e in positions[left : right + 1]:
                chosen.setdefault(qq, folded[s:e])
            typos = sum(variant_sets[qq][w] for qq, w in chosen.items())
            score = max(0.0, 100.0 - 6.0 * typos - min(30.0, 2.0 * (width - need)))
            if best is None or score > best[0]:
                best = (score, positions[left][2], positions[right][3])
            lq = positions[left][1]
            counts[lq] -= 1
            if counts[lq] == 0:
                have -= 1
            left += 1
    if best is None:
        return None
    score, start, end = best
    return Hit(turn_id, score, _span(store, turn_id, start, end), exact=score == 100.0)


def find_closest(store: TurnStore, query: str, limit: int = 5, allowed: set[int] | None = None, pool: int = 60) -> list[Hit]:
    """The turns whose words come closest to `query`, whatever is missing or misspelt.

    Turns sharing the query's rarer words (typos allowed) are candidates; each is compared with
    the query by rapidfuzz. A turn shorter than the query is compared whole, so that a bare
    "Okay." cannot claim to contain a whole sentence.
    """
    folded = fold(query)
    words = folded.split()
    if not words:
        return []
    weights: defaultdict[int, float] = defaultdict(float)
    for word in dict.fromkeys(words):
        for variant, distance in store.variants(word).items():
            weight = store.idf[variant] * (1.0 if distance == 0 else 0.7)
            for turn_id in store.postings[variant]:
                weights[turn_id] += weight
    if allowed is not None:
        weights = defaultdict(float, {t: w for t, w in weights.items() if t in allowed})
    ranked = sorted(weights, key=lambda t: -weights[t])[:pool]
    hits = []
    for turn_id in ranked:
        text = store.folded[turn_id]
        if len(text) < len(folded):
            score = fuzz.ratio(folded, text)
            span = (0, len(text))
        else:
            alignment = fuzz.partial_ratio_alignment(folded, text)
            score = alignment.score
            span = (alignment.dest_start, alignment.dest_end)
        hits.append(Hit(turn_id, round(score, 1), _span(store, turn_id, *span)))
    hits.sort(key=lambda h: (-h.score, -weights[h.turn_id], h.turn_id))
    return hits[:limit]
