"""The record's folded words: ids, how many turns hold each, and what a misspelt word stands for.

Finding the words within one or two edits of a typo by comparing it with the whole vocabulary
costs ~0.1 µs a word: 15 ms at 100,000 words, for every unknown word of every query. A bigram
index (an edit, even swapping two letters, destroys at most three of a word's bigrams) leaves a
few hundred to compare. Edits are counted as people make them: a swap of two letters is one.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from parser.text import stem

_EDGE = 1  # code point that pads each word, so a word's first and last letters make bigrams too
_SHIFT = np.uint64(21)  # a code point fits in 21 bits
MIN_TYPO_LENGTH = 4
LONG_WORD = 8
RARE = 2  # a word held by this few turns may itself be the typo: look for its neighbours too
TYPO_LIMIT = 30
PREFIX_WORD = 7


def max_edits(word: str) -> int:
    """How many edits a typed word may be away from a word of the record: none for short words."""
    if len(word) < MIN_TYPO_LENGTH or not word.isalpha():
        return 0
    return 1 if len(word) < LONG_WORD else 2


def _bigrams(joined: str) -> tuple[np.ndarray, np.ndarray]:
    """(key, word number) of every bigram of words joined and padded by the edge character."""
    cps = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    if len(cps) < 2:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    keys = (cps[:-1].astype(np.uint64) << _SHIFT) | cps[1:].astype(np.uint64)
    word_of_char = np.cumsum(cps == _EDGE) - 1  # an edge belongs to the word after it
    return keys, word_of_char[:-1]


class Vocabulary:
    """Word ids in first-seen order, turn counts (df), stems and a bigram index for typos."""

    def __init__(self, words: list[str], df: np.ndarray) -> None:
        self.words = words
        self.ids: dict[str, int] = {w: i for i, w in enumerate(words)}
        self.df = df
        self.lengths = np.fromiter((len(w) for w in words), dtype=np.int32, count=len(words))
        self._siblings = self._stems(words)
        self._sorted = sorted(words)
        self._build_bigrams()

    def __len__(self) -> int:
        return len(self.words)

    @staticmethod
    def _stems(words: list[str]) -> dict[str, list[int]]:
        """Stem → ids of the words sharing it, for stems that two or more words share."""
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for i, word in enumerate(words):
            root = stem(word)
            if root != word or len(word) > 4:
                groups[root].append(i)
        return {root: ids for root, ids in groups.items() if len(ids) > 1}

    def _build_bigrams(self) -> None:
        sep = chr(_EDGE)
        keys, owners = _bigrams(sep + sep.join(self.words) + sep)
        owners = owners.astype(np.uint64)
        combined = np.sort((keys << np.uint64(22)) | owners) if len(self.words) < 1 << 22 else None
        if combined is None:  # more than four million words: sort the pairs the slow way
            order = np.lexsort((owners, keys))
            keys, owners = keys[order], owners[order]
        else:
            combined = combined[np.r_[True, combined[1:] != combined[:-1]]] if len(combined) else combined
            keys, owners = combined >> np.uint64(22), combined & np.uint64((1 << 22) - 1)
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, np.int64)
        self._gram_keys = keys[starts]
        self._gram_ptr = np.r_[starts, len(keys)].astype(np.int64)
        self._gram_words = owners.astype(np.int32)

    def siblings(self, word: str) -> list[str]:
        """Other words of the record with the same stem (`associes` for `associe`)."""
        return [self.words[i] for i in self._siblings.get(stem(word), ()) if self.words[i] != word]

    def prefixed(self, word: str) -> list[str]:
        """Words sharing most of `word`'s letters from the start (`generationnel` for `generations`).

        Catches the inflections and derivations the timid stemmer leaves apart; only for words of
        seven letters or more, sharing at least three quarters of them and at most three more or fewer.
        """
        if len(word) < PREFIX_WORD or not word.isalpha():
            return []
        head = word[: max(PREFIX_WORD - 1, -(-3 * len(word) // 4))]
        at = bisect.bisect_left(self._sorted, head)
        out = []
        while at < len(self._sorted) and self._sorted[at].startswith(head):
            other = self._sorted[at]
            if other != word and abs(len(other) - len(word)) <= 3:
                out.append(other)
            at += 1
            if len(out) > TYPO_LIMIT:
                break
        return out

    def near(self, word: str, edits: int | None = None) -> dict[str, int]:
        """Words of the record within `edits` (default: by length) of `word`, with their distance."""
        edits = max_edits(word) if edits is None else edits
        if edits == 0 or not self.words:
            return {}
        sep = chr(_EDGE)
        keys = np.unique(_bigrams(sep + word + sep)[0])
        at = np.minimum(np.searchsorted(self._gram_keys, keys), max(0, len(self._gram_keys) - 1))
        at = at[self._gram_keys[at] == keys] if len(self._gram_keys) else at[:0]
        lists = [self._gram_words[self._gram_ptr[i] : self._gram_ptr[i + 1]] for i in at]
        shared = np.bincount(np.concatenate(lists), minlength=len(self.words)) if lists else np.zeros(len(self.words), np.int64)
        need = len(keys) - 3 * edits
        close_length = np.abs(self.lengths - len(word)) <= edits
        chosen = np.flatnonzero(close_length & (shared >= need)) if need > 0 else np.flatnonzero(close_length)
        names = [self.words[i] for i in chosen]
        found = process.extract(word, names, scorer=OSA.distance, score_cutoff=edits, limit=TYPO_LIMIT)
        return {name: int(distance) for name, distance, _ in found if name != word}

    def arrays(self) -> dict[str, np.ndarray]:
        """What a snapshot keeps (the bigram index is rebuilt: it takes a tenth of a second)."""
        return {"vocab": np.frombuffer("\n".join(self.words).encode("utf-8"), dtype=np.uint8), "df": self.df}

    @classmethod
    def from_arrays(cls, vocab: np.ndarray, df: np.ndarray) -> Vocabulary:
        text = vocab.tobytes().decode("utf-8")
        return cls(text.split("\n") if text else [], df)


def word_ids(vocab: Vocabulary, words: Sequence[str]) -> list[int]:
    """Ids of the words the record has, in order; unknown words are left out."""
    return [i for i in (vocab.ids.get(w) for w in words) if i is not None]
