"""Counting who said how much in the in-memory store, from its columns, cached once per store.

Words are the store's own count of each turn's printed words (whitespace-separated pieces of its
text), so the figures of `!stats`, `!meetings` and `!speaker` always agree.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

import numpy as np

from parser.index.columns import IdList
from parser.index.speakers import Tally
from parser.index.store import TurnStore
from parser.text import fold

MIN_TERM_LENGTH = 3
MIN_TERM_COUNT = 2
PRIOR_WEIGHT = 1000.0
_PRINTED_WORD = re.compile(r"[^\W_]+")


@dataclass
class _Counts:
    """What is counted once per store on first need: the corpus term counts, each meeting's speakers."""

    terms: Counter[str] | None = None
    meeting_speakers: dict[str, list[str]] = field(default_factory=dict)


_CACHE: WeakKeyDictionary[TurnStore, _Counts] = WeakKeyDictionary()


def _counts(store: TurnStore) -> _Counts:
    """The cached counts of `store` (a store never changes: records added make a new one)."""
    counts = _CACHE.get(store)
    if counts is None:
        counts = _Counts()
        _CACHE[store] = counts
    return counts


def word_array(store: TurnStore) -> np.ndarray:
    """Words of every turn (`len(text.split())`), by turn id: counted as the store was built and
    kept in it (and in its snapshot), shared by its views; adding records counts only their turns."""
    return store.columns.word_counts


def words_of(store: TurnStore, turn_ids: Iterable[int]) -> int:
    """How many words these turns hold in all."""
    return int(word_array(store)[_as_array(turn_ids)].sum(dtype=np.int64))


def turn_seconds(store: TurnStore, turn_id: int) -> float | None:
    """How long the turn lasted, when the record says when it started and ended (read from the
    store's columns: making a `Turn` for each of a million turns would cost more than the sum)."""
    starts, ends = store.columns.start, store.columns.end
    if starts is None or ends is None or math.isnan(starts[turn_id]) or math.isnan(ends[turn_id]):
        return None
    return max(0.0, float(ends[turn_id]) - float(starts[turn_id]))


def meeting_speakers(store: TurnStore, meeting_id: str) -> list[str]:
    """Resolved speaker names of one meeting, most turns first."""
    counts = _counts(store)
    names = counts.meeting_speakers.get(meeting_id)
    if names is None:
        tally = Counter(store.turn_speaker[t].name for t in store.meeting_range[meeting_id])
        names = [name for name, _ in tally.most_common()]
        counts.meeting_speakers[meeting_id] = names
    return names


def by_speaker(store: TurnStore, turn_ids: Iterable[int]) -> list[Tally]:
    """Per resolved speaker, most words first; `seconds` only for speakers with timed turns.

    Counted per printed label with numpy, then labels added up per person: the whole corpus is a
    million turns.
    """
    ids = _as_array(turn_ids)
    labels = store.columns.label_ids[ids].astype(np.int64)
    size = len(store.columns.labels)
    turns = np.bincount(labels, minlength=size)
    spoken = np.bincount(labels, weights=word_array(store)[ids], minlength=size)
    starts, ends = store.columns.start, store.columns.end
    timed: np.ndarray | None = None
    seconds: np.ndarray = np.zeros(size)
    if starts is not None and ends is not None:
        lengths = np.maximum(0.0, ends[ids] - starts[ids])
        known = ~np.isnan(lengths)
        timed = np.bincount(labels[known], minlength=size) > 0
        seconds = np.bincount(labels[known], weights=lengths[known], minlength=size)
    people: dict[str, list[float]] = {}  # name → [turns, words, seconds, timed]
    for label in np.flatnonzero(turns).tolist():
        name = store.speakers.speaker_of(store.columns.labels[label]).name
        entry = people.setdefault(name, [0, 0, 0.0, False])
        entry[0] += int(turns[label])
        entry[1] += int(spoken[label])
        entry[2] += float(seconds[label])
        entry[3] = entry[3] or bool(timed is not None and timed[label])
    tallies = [Tally(name, int(t), int(w), sec if is_timed else None) for name, (t, w, sec, is_timed) in people.items()]
    tallies.sort(key=lambda t: (-t.words, -t.turns, t.name))
    return tallies


def meeting_numbers(store: TurnStore, turn_ids: Iterable[int]) -> list[int]:
    """The meetings (their numbers, in record order) the turns are in, each once.

    Turns in record order (every caller's, and a million of them for a corpus-wide `!stats`) are
    counted per meeting with two binary searches of the meetings' starts, not sorted again
    (a third of the first `!stats`' tally at a million turns)."""
    ids = _as_array(turn_ids)
    starts = np.asarray(store.columns.meeting_starts, dtype=np.int64)
    if len(ids) > 1 and bool((ids[1:] >= ids[:-1]).all()):
        ends = np.r_[starts[1:], np.iinfo(np.int64).max]
        return np.flatnonzero(np.searchsorted(ids, ends) - np.searchsorted(ids, starts)).tolist()
    return np.unique(np.searchsorted(starts, ids, side="right") - 1).tolist()


def _as_array(turn_ids: Iterable[int]) -> np.ndarray:
    if isinstance(turn_ids, np.ndarray):
        return turn_ids
    if isinstance(turn_ids, IdList):
        return turn_ids.array
    if isinstance(turn_ids, range):
        return np.arange(turn_ids.start, turn_ids.stop, turn_ids.step, dtype=np.int64)
    return np.fromiter(turn_ids, dtype=np.int64)


def is_term(word: str) -> bool:
    """A folded word worth comparing: long enough, and not just a number."""
    return len(word) >= MIN_TERM_LENGTH and not word.isdigit()


def _corpus_terms(store: TurnStore) -> Counter[str]:
    """Every term of the corpus with its count, made once per store: the background speakers are compared with.

    A store reads the counts made as it was built; a server's view takes away the few turns it
    cannot see (other servers' records), or counts its own turns when it sees less than half.
    """
    counts = _counts(store)
    if counts.terms is None:
        hidden = np.flatnonzero(~store.visible) if store.visible is not None else np.zeros(0, dtype=np.int64)
        if 2 * len(hidden) < len(store):
            words, numbers = store.vocab.words, store.built.term_counts.tolist()
            terms = Counter({words[i]: n for i, n in enumerate(numbers) if n and is_term(words[i])})
            if len(hidden):
                terms.subtract(terms_of(store, hidden.tolist()))
                terms = +terms  # the words only hidden turns held are gone
            counts.terms = terms
        else:
            counts.terms = terms_of(store, store.seen_turns())
    return counts.terms


def terms_of(store: TurnStore, turn_ids: Iterable[int]) -> Counter[str]:
    """The terms of these turns, counted one by one."""
    return Counter(w for t in turn_ids for w in store.folded[t].split() if is_term(w))


def distinctive_words(store: TurnStore, turn_ids: Sequence[int], stop: Collection[str], limit: int = 10) -> list[str]:
    """Words these turns use most and the rest of the corpus least (`log_odds`), as they print them."""
    said = Counter(w for t in turn_ids for w in store.folded[t].split() if is_term(w))
    chosen = log_odds(said, _corpus_terms(store), stop, limit)
    return as_printed((store.text(t) for t in turn_ids), chosen)


def log_odds(said: Counter[str], corpus: Mapping[str, int], stop: Collection[str], limit: int) -> list[str]:
    """The `limit` terms of `said` most over-represented against `corpus` (which holds them too), best first.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008),
    ranked by z-score, so a word said often by this speaker and rarely by others comes first and a
    word said twice by anyone does not win on chance.
    """
    total = sum(corpus.values())
    n_mine = sum(said.values())
    n_rest = total - n_mine
    scale = min(PRIOR_WEIGHT, total) / max(1, total)
    prior_total = scale * total
    scored: list[tuple[float, str]] = []
    for word, y_mine in said.items():
        if y_mine < MIN_TERM_COUNT or word in stop:
            continue
        everyone = max(int(corpus.get(word, 0)), y_mine)
        y_rest = everyone - y_mine
        prior = everyone * scale
        log_odds_mine = math.log((y_mine + prior) / (n_mine + prior_total - y_mine - prior))
        log_odds_rest = math.log((y_rest + prior) / (n_rest + prior_total - y_rest - prior))
        z = (log_odds_mine - log_odds_rest) / math.sqrt(1 / (y_mine + prior) + 1 / (y_rest + prior))
        scored.append((z, word))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [word for z, word in scored[:limit] if z > 0]


def as_printed(texts: Iterable[str], folded_words: list[str]) -> list[str]:
    """Each folded word as these texts most often print it (`strategiques` → `stratégiques`), in lower case."""
    wanted = set(folded_words)
    seen: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for printed in _PRINTED_WORD.findall(text):
            key = fold(printed)
            if key in wanted:
                seen[key][printed.lower()] += 1
    return [seen[w].most_common(1)[0][0] if seen[w] else w for w in folded_words]
