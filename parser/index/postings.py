"""Inverted lists (term → turn ids) in segments of 65,536 turns, two bytes a posting.

Segments are built one after the other while records stream in, each merged from the postings
of its chunks of turns (`Segment.merge`), so a build never holds the whole corpus' postings
twice nor sorts more than a chunk at once; within a segment a turn id is its 16-bit offset,
which halves the memory of plain 32-bit lists. One sorted directory of (segment, term) keys
finds a term's list in every segment with a single `searchsorted`, however many segments there are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt

SEGMENT_BITS = 16
SEGMENT = 1 << SEGMENT_BITS


@overload
def pair_key(first: int, second: int, vocabulary_size: int) -> int: ...
@overload
def pair_key(first: np.ndarray, second: np.ndarray, vocabulary_size: int) -> np.ndarray: ...
def pair_key(first: int | np.ndarray, second: int | np.ndarray, vocabulary_size: int) -> int | np.ndarray:
    """One integer for an ordered pair of word ids: the key of the pair's list, built and looked up alike."""
    return first * vocabulary_size + second


@dataclass(frozen=True)
class Segment:
    """The postings of one segment: sorted term keys, where each key's list starts, the lists."""

    keys: np.ndarray
    ptr: np.ndarray
    post: np.ndarray

    @classmethod
    def build(
        cls, terms: np.ndarray, local: np.ndarray, key_dtype: type[np.unsignedinteger], names: np.ndarray | None = None
    ) -> Segment:
        """From one (term, local turn) pair per occurrence: duplicates go, lists come out sorted.

        Terms below 65,536 (a segment's own word numbers, `names` giving each its key) are sorted
        as 32-bit numbers, half the memory of 64 bits. `terms` is overwritten when it already has
        the width used: a segment holds a million words.
        """
        narrow = names is not None
        combined: npt.NDArray[np.unsignedinteger[Any]] = terms.astype(np.uint32 if narrow else np.uint64, copy=False)
        shift = combined.dtype.type(SEGMENT_BITS)
        combined <<= shift
        np.bitwise_or(combined, local, out=combined, casting="unsafe")
        combined.sort()  # sorting beats np.unique, which hashes
        # No compacted copy of `combined` is made (it is the largest array of a build): a mask
        # of first occurrences picks the postings, and each key's count of them gives `ptr`.
        fresh = first_of_runs(combined)
        post = combined.astype(np.uint16)[fresh]  # the low 16 bits: the local turn
        combined >>= shift
        starts = np.flatnonzero(first_of_runs(combined))
        keys = combined[starts]
        del combined
        keys = (names[keys] if names is not None else keys).astype(key_dtype)
        ptr = np.zeros(len(starts) + 1, dtype=np.uint32)
        if len(starts):
            np.cumsum(np.add.reduceat(fresh, starts, dtype=np.uint32), out=ptr[1:])
        return cls(keys, ptr, post)

    @classmethod
    def merge(cls, parts: list[Segment], firsts: Sequence[int]) -> Segment:
        """One segment from parts that hold consecutive turns (part c's turn 0 is turn `firsts[c]`).

        A key's list is its parts' lists one after the other, so nothing is sorted again: each
        part's postings go straight to their place, and each part is let go (taken from `parts`)
        once copied; the largest temporary is one part's index.
        """
        if len(parts) == 1 and firsts[0] == 0:
            return parts.pop()
        keys = np.concatenate([p.keys for p in parts])
        keys.sort()
        keys = keys[first_of_runs(keys)]
        sizes = np.zeros(len(keys), dtype=np.uint32)
        for part in parts:
            sizes[np.searchsorted(keys, part.keys)] += np.diff(part.ptr)
        ptr = np.zeros(len(keys) + 1, dtype=np.uint32)
        np.cumsum(sizes, out=ptr[1:])
        del sizes
        merged = cls(keys, ptr, np.empty(int(ptr[-1]), dtype=np.uint16))
        fill = ptr[:-1].copy()  # where each key's list goes on
        wide = np.int64 if int(ptr[-1]) >= 1 << 31 else np.int32
        for first in firsts:
            part = parts.pop(0)
            at = np.searchsorted(keys, part.keys)
            if len(at):
                # Where each posting goes: its list's place, plus one per posting before it in
                # the list — made as the running sum of one array (no repeat, no arange).
                goes: npt.NDArray[np.signedinteger[Any]] = fill[at].astype(wide)
                index = np.ones(len(part.post), dtype=wide)
                index[0] = goes[0]
                index[part.ptr[1:-1]] = goes[1:] - goes[:-1] - np.diff(part.ptr)[:-1].astype(wide) + 1
                np.cumsum(index, out=index)
                merged.post[index] = part.post + np.uint16(first)
                fill[at] += np.diff(part.ptr)
        return merged


def first_of_runs(values: np.ndarray) -> np.ndarray:
    """Where a sorted array's value differs from the one before (the first always does)."""
    out = np.empty(len(values), dtype=bool)
    if len(values):
        out[0] = True
        np.not_equal(values[1:], values[:-1], out=out[1:])
    return out


@dataclass(frozen=True)
class Rows:
    """Where some keys' lists are: for each (key, segment) that has one, its place in `post`."""

    key: np.ndarray  # which of the keys asked
    segment: np.ndarray
    start: np.ndarray
    end: np.ndarray


class Postings:
    """Term keys → turn ids across segments; segment `s` holds turns `s·65536 …`."""

    def __init__(
        self, directory: np.ndarray, starts: np.ndarray, ends: np.ndarray, posts: Sequence[np.ndarray], bits: int
    ) -> None:
        self.directory = directory  # (segment << bits) | key, sorted
        self.starts = starts
        self.ends = ends
        self.posts = list(posts)
        self.bits = bits
        self._shift = np.uint64(bits)

    @classmethod
    def from_segments(cls, segments: Sequence[Segment], bits: int) -> Postings:
        """One directory over the segments' keys (the segments' own key arrays are let go)."""
        directory = np.concatenate(
            [(np.uint64(s) << np.uint64(bits)) | seg.keys.astype(np.uint64) for s, seg in enumerate(segments)]
            or [np.zeros(0, np.uint64)]
        )
        starts = np.concatenate([seg.ptr[:-1] for seg in segments] or [np.zeros(0, np.uint32)])
        ends = np.concatenate([seg.ptr[1:] for seg in segments] or [np.zeros(0, np.uint32)])
        return cls(directory, starts, ends, [seg.post for seg in segments], bits)

    def rows(self, keys: Sequence[int] | np.ndarray) -> Rows:
        """Every (key, segment) list of the given keys, in one pass over the directory."""
        keys = np.asarray(keys, dtype=np.uint64).ravel()
        count = len(self.posts)
        wanted = ((np.arange(count, dtype=np.uint64) << self._shift)[:, None] | keys[None, :]).ravel()
        at = np.searchsorted(self.directory, wanted)
        at[at >= len(self.directory)] = 0
        found = np.flatnonzero(self.directory[at] == wanted) if len(self.directory) else np.zeros(0, np.int64)
        rows = at[found]
        return Rows(found % max(1, len(keys)), found // max(1, len(keys)), self.starts[rows], self.ends[rows])

    def df(self, keys: Sequence[int] | np.ndarray) -> np.ndarray:
        """How many turns hold each key."""
        rows = self.rows(keys)
        return np.bincount(rows.key, weights=(rows.end - rows.start), minlength=len(keys)).astype(np.int64)

    def many(self, keys: Sequence[int] | np.ndarray) -> list[np.ndarray]:
        """The sorted turn ids of each key."""
        rows = self.rows(keys)
        parts: list[list[np.ndarray]] = [[] for _ in range(len(keys))]
        for k, s, a, b in zip(rows.key.tolist(), rows.segment.tolist(), rows.start.tolist(), rows.end.tolist(), strict=True):
            parts[k].append(self.posts[s][a:b].astype(np.int64) + (s << SEGMENT_BITS))
        return [np.concatenate(p) if p else np.zeros(0, dtype=np.int64) for p in parts]

    def ids(self, key: int) -> np.ndarray:
        """Every turn id holding `key`, sorted."""
        return self.many([key])[0]

    def add_to(self, scores: list[np.ndarray | None], keys: Sequence[int], weights: Sequence[float]) -> None:
        """Add each key's weight to the per-segment scores of the turns that hold it."""
        rows = self.rows(keys)
        for k, s, a, b in zip(rows.key.tolist(), rows.segment.tolist(), rows.start.tolist(), rows.end.tolist(), strict=True):
            row = scores[s]
            if row is None:
                row = scores[s] = np.zeros(SEGMENT, dtype=np.float32)
            # A list holds a turn once, so this is `row[list] += weight`, done in place (quicker).
            np.add.at(row, self.posts[s][a:b], np.float32(weights[k]))

    def add_best(self, scores: list[np.ndarray | None], keys: Sequence[int], qualities: Sequence[float], weight: float) -> None:
        """Add `weight` times the best quality among the keys each turn holds: once per turn."""
        rows = self.rows(keys)
        lists: dict[int, list[tuple[float, int, int]]] = {}
        for k, s, a, b in zip(rows.key.tolist(), rows.segment.tolist(), rows.start.tolist(), rows.end.tolist(), strict=True):
            lists.setdefault(s, []).append((qualities[k], a, b))
        best: np.ndarray | None = None
        for s, found in lists.items():
            row = scores[s]
            if row is None:
                row = scores[s] = np.zeros(SEGMENT, dtype=np.float32)
            if len(found) == 1:
                quality, a, b = found[0]
                np.add.at(row, self.posts[s][a:b], np.float32(weight * quality))
                continue
            if best is None:
                best = np.zeros(SEGMENT, dtype=np.float32)
            found.sort()  # the best quality written last wins
            chosen = [(quality, self.posts[s][a:b].astype(np.intp)) for quality, a, b in found]  # intp: quicker to index by
            for quality, post in chosen:
                best[post] = quality
            touched = np.concatenate([post for _, post in chosen])
            row[touched] += weight * best[touched]  # a repeated turn adds once
            best[touched] = 0.0

    def contains(self, key: int, turn_ids: np.ndarray) -> np.ndarray:
        """For each of the sorted `turn_ids`, whether its turn holds `key` (no list is copied)."""
        return self.contains_each([key], turn_ids)[0]

    def contains_any(self, keys: Sequence[int], turn_ids: np.ndarray) -> np.ndarray:
        """For each of the sorted `turn_ids`, whether its turn holds any of `keys`."""
        out = np.zeros(len(turn_ids), dtype=bool)
        for _, lo, hi, held in self._probe(keys, turn_ids):
            out[lo:hi] |= held
        return out

    def contains_each(self, keys: Sequence[int], turn_ids: np.ndarray) -> list[np.ndarray]:
        """`contains` of each key: one look-up of the directory for all of them, and the turns
        cut by segment once (a query asks a dozen keys of the same few thousand turns)."""
        out = [np.zeros(len(turn_ids), dtype=bool) for _ in keys]
        for k, lo, hi, held in self._probe(keys, turn_ids):
            out[k][lo:hi] = held
        return out

    def _probe(self, keys: Sequence[int], turn_ids: np.ndarray) -> Iterator[tuple[int, int, int, np.ndarray]]:
        """(key number, lo, hi, whether each of `turn_ids[lo:hi]` holds it) for each segment
        where the key has a list and the turns have ids."""
        if not len(turn_ids) or not len(keys):
            return
        rows = self.rows(keys)
        first = int(turn_ids[0]) >> SEGMENT_BITS
        last = int(turn_ids[-1]) >> SEGMENT_BITS
        starts = np.arange(first, last + 2, dtype=np.int64) << SEGMENT_BITS
        bounds = np.searchsorted(turn_ids, starts).tolist()  # where each segment's turns begin
        local = (turn_ids & (SEGMENT - 1)).astype(np.uint16)
        for k, s, a, b in zip(rows.key.tolist(), rows.segment.tolist(), rows.start.tolist(), rows.end.tolist(), strict=True):
            if not first <= s <= last:
                continue
            lo, hi = bounds[s - first], bounds[s - first + 1]
            if hi == lo:
                continue
            post = self.posts[s][a:b]
            part = local[lo:hi]
            at = np.minimum(np.searchsorted(post, part), len(post) - 1)
            yield k, lo, hi, post[at] == part

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """What a snapshot keeps, named `prefix` + part (+ segment number for the lists)."""
        out = {f"{prefix}_directory": self.directory, f"{prefix}_starts": self.starts, f"{prefix}_ends": self.ends}
        for s, post in enumerate(self.posts):
            out[f"{prefix}{s}_post"] = post
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str, count: int, bits: int) -> Postings:
        posts = [arrays[f"{prefix}{s}_post"] for s in range(count)]
        return cls(arrays[f"{prefix}_directory"], arrays[f"{prefix}_starts"], arrays[f"{prefix}_ends"], posts, bits)
