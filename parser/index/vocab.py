"""The record's folded words: ids, how many turns hold each, and what a misspelt word stands for.

Comparing a typo with the whole vocabulary, for every unknown word of every query, is too slow
at scale; a bigram index (an edit, even swapping two letters, destroys at most three of a word's
bigrams) leaves a few hundred words to compare. Edits are counted as people make them: a swap of two letters is one.
"""

from __future__ import annotations

import bisect

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from parser.index.postings import Segment, first_of_runs
from parser.text import stem

_EDGE = 1  # code point that pads each word, so a word's first and last letters make bigrams too
_SHIFT = np.uint64(21)  # a code point fits in 21 bits
MIN_TYPO_LENGTH = 4
LONG_WORD = 8
RARE = 2  # a word held by this few turns may itself be the typo: look for its neighbours too
TYPO_LIMIT = 30
BIGRAM_SLICE = 4096  # words whose bigrams are sorted at once
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


def _stem_hash(word: str) -> int:
    """The hash of the word's stem, or 0 for a short word that is its own stem (never grouped)."""
    root = stem(word)
    return hash(root) if root != word or len(word) > 4 else 0


def _bigram_slice(words: list[str]) -> Segment | None:
    """The bigram lists of a few thousand words (numbered from 0), or None past code point 65,535."""
    sep = chr(_EDGE)
    cps = np.frombuffer((sep + sep.join(words) + sep).encode("utf-32-le"), dtype=np.uint32)
    if int(cps.max()) >= 1 << 16:
        return None
    pairs = cps[:-1].astype(np.uint64)  # (first, second, word) as one number, made in place
    pairs <<= np.uint64(16)
    pairs |= cps[1:]
    pairs <<= np.uint64(16)
    pairs |= np.cumsum(cps[:-1] == _EDGE, dtype=np.uint16) - np.uint16(1)  # an edge starts its word
    del cps
    pairs.sort()
    fresh = first_of_runs(pairs)  # a word holding a bigram twice is listed once
    words_of = pairs.astype(np.uint16)[fresh]  # the low 16 bits
    pairs >>= np.uint64(16)
    new_key = first_of_runs(pairs)
    keys = pairs[new_key]
    keys = ((keys >> np.uint64(16)) << _SHIFT) | (keys & np.uint64(0xFFFF))  # the form `near` looks up
    ptr = np.r_[np.flatnonzero(new_key[fresh]), len(words_of)].astype(np.uint32)
    return Segment(keys, ptr, words_of)


_NO_BIGRAMS = Segment(np.zeros(0, np.uint64), np.zeros(1, np.uint32), np.zeros(0, np.uint16))


class Vocabulary:
    """Word ids in first-seen order, turn counts (df), stems and a bigram index for typos."""

    def __init__(self, words: list[str], df: np.ndarray, ids: dict[str, int] | None = None) -> None:
        self.words = words
        self.ids: dict[str, int] = {w: i for i, w in enumerate(words)} if ids is None else ids
        self.df = df
        self.most = int(df.max(initial=0))  # turns holding the most common word
        self.lengths = np.fromiter((len(w) for w in words), dtype=np.int32, count=len(words))
        self._siblings = self._stems(words)
        self._sorted = sorted(words)
        self._build_bigrams()

    def __len__(self) -> int:
        return len(self.words)

    @staticmethod
    def _stems(words: list[str]) -> dict[str, list[int]]:
        """Stem → ids of the words sharing it, for stems that two or more words share.

        Words are grouped by the hash of their stem (eight bytes a word, not a string and a
        list), then each group's stem is checked: only shared stems are kept as strings.
        """
        hashes = np.fromiter(map(_stem_hash, words), dtype=np.int64, count=len(words))
        order = np.argsort(hashes, kind="stable")
        ordered = hashes[order]
        shared = (ordered[1:] == ordered[:-1]) & (ordered[1:] != 0)
        first = np.flatnonzero(shared & ~np.r_[False, shared[:-1]])  # each run of equal hashes starts here
        groups: dict[str, list[int]] = {}
        for at in first.tolist():
            end = at + 1
            while end < len(ordered) and ordered[end] == ordered[at]:
                end += 1
            for i in order[at:end].tolist():  # one hash may, very rarely, be two stems
                groups.setdefault(stem(words[i]), []).append(i)
        return {root: ids for root, ids in groups.items() if len(ids) > 1}

    def _build_bigrams(self) -> None:
        """Each bigram's words, sorted, listed once.

        Up to 65,536 words with code points below 65,536 (all but the rarest scripts), slices
        of the vocabulary are indexed one at a time, each (bigram, word) one 48-bit number sorted
        in place, and the slices merged like postings: the temporaries stay those of one slice.
        Otherwise a stable sort of all the bigrams keeps each one's words in order.
        """
        count = len(self.words)
        parts: list[Segment] = []
        if count <= 1 << 16:
            for first in range(0, count, BIGRAM_SLICE):
                part = _bigram_slice(self.words[first : first + BIGRAM_SLICE])
                if part is None:  # a character beyond 65,535
                    break
                parts.append(part)
            else:
                merged = Segment.merge(parts, range(0, count, BIGRAM_SLICE)) if parts else _NO_BIGRAMS
                self._gram_keys, self._gram_ptr, self._gram_words = merged.keys, merged.ptr.astype(np.int64), merged.post
                return
            parts.clear()
        keys, owners = _bigrams(chr(_EDGE) + chr(_EDGE).join(self.words) + chr(_EDGE))
        order = np.argsort(keys, kind="stable")  # words stay in order within a bigram
        keys, owners = keys[order], owners[order]
        del order
        fresh = first_of_runs(keys)
        fresh[1:] |= owners[1:] != owners[:-1]
        keys, self._gram_words = keys[fresh], owners[fresh].astype(np.int32)
        new_key = first_of_runs(keys)
        self._gram_keys = keys[new_key]
        self._gram_ptr = np.r_[np.flatnonzero(new_key), len(self._gram_words)].astype(np.int64)

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

    def near(self, word: str, edits: int | None = None, min_df: int = 0) -> dict[str, int]:
        """Words of the record within `edits` (default: by length) of `word`, with their distance
        (only those held by at least `min_df` turns)."""
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
        if min_df:
            close_length &= self.df >= min_df
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
