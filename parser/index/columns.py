"""Turns kept as flat arrays instead of a million pydantic objects, and list-like views over them.

A `Turn` costs about a kilobyte as a Python object; the same turn as UTF-8 bytes in one shared
buffer plus a few array slots costs its length plus ~20 bytes. Code that reads `store.turns[i]`
still gets a `Turn`: the views below make one when asked.
"""

from __future__ import annotations

import bisect
import math
import operator
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar, overload

import numpy as np

from parser.models import Turn
from parser.text import fold, utf8_tokens

T = TypeVar("T")

# Bytes where `str.split` may see words otherwise than "above the ASCII space": a control character
# that is not a space, or the lead byte of a Unicode space (U+0085, U+00A0, U+1680, U+2000…U+3000).
_BREAKS_WORDS = np.zeros(256, dtype=bool)
_BREAKS_WORDS[[b for b in range(32) if b not in b"\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"]] = True
_BREAKS_WORDS[[0xC2, 0xE1, 0xE2, 0xE3]] = True


def printed_word_counts(data: bytes | bytearray, offsets: np.ndarray) -> np.ndarray:
    """`len(text.split())` of each text, the texts being `data[offsets[i]:offsets[i + 1]]` in
    UTF-8: the words `!speaker`, `!stats` and `!meetings` count.

    Counted in numpy (a word starts at a byte above the ASCII space that follows a space or a
    text's start); a text holding a byte where that could differ from `str.split` (a control
    character, or a character that may be a Unicode space) is decoded and split by Python instead.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    bounds = np.asarray(offsets, dtype=np.int64)
    counts = np.zeros(len(bounds) - 1, dtype=np.uint32)
    firsts = bounds[:-1][bounds[1:] > bounds[:-1]]
    if not len(firsts):
        return counts
    word = raw > 32
    starts = np.empty_like(word)
    np.greater(word[1:], word[:-1], out=starts[1:])  # a word byte after a space
    starts[firsts] = word[firsts]  # a text's first byte starts a word unless it is a space
    counts[bounds[1:] > bounds[:-1]] = np.add.reduceat(starts, firsts, dtype=np.uint32)
    odd = np.flatnonzero(np.take(_BREAKS_WORDS, raw))
    if len(odd):
        for i in np.unique(np.searchsorted(bounds, odd, side="right") - 1).tolist():
            counts[i] = len(str(data[bounds[i] : bounds[i + 1]], "utf-8").split())
    return counts


class IdList(Sequence[int]):
    """Turn ids in a numpy array that behave like a list of ints (and compare equal to one)."""

    __slots__ = ("_ids",)

    def __init__(self, ids: np.ndarray) -> None:
        self._ids = ids

    @property
    def array(self) -> np.ndarray:
        return self._ids

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        if isinstance(i, slice):
            return self._ids[i].tolist()
        return int(self._ids[i])

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids.tolist())

    def __contains__(self, value: object) -> bool:
        if not isinstance(value, int | np.integer):
            return False
        at = int(np.searchsorted(self._ids, value))
        return at < len(self._ids) and int(self._ids[at]) == value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IdList):
            return bool(np.array_equal(self._ids, other._ids))
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self._ids.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IdList({self._ids.tolist()!r})"


class OptionalColumn:
    """A per-turn number that most records never give (page, start, end): no array until one does."""

    def __init__(self, code: str) -> None:
        self._code = code
        self._missing = 0
        self._values: array[Any] | None = None

    def append(self, value: float | int | None) -> None:
        if self._values is None:
            if value is None:
                self._missing += 1
                return
            self._values = array(self._code, [self._blank()] * self._missing)
        self._values.append(self._blank() if value is None else value)

    def extend(self, values: list[float | int | None]) -> None:
        if self._values is None and values.count(None) == len(values):
            self._missing += len(values)
            return
        for value in values:
            self.append(value)

    def _blank(self) -> float | int:
        return math.nan if self._code == "d" else -1

    def finish(self, n: int) -> np.ndarray | None:
        """The column as an array of `n` values, or None when no turn had one."""
        if self._values is None:
            return None
        out = np.frombuffer(self._values, dtype=np.float64 if self._code == "d" else np.int32).copy()
        assert len(out) == n
        return out


class IndexColumn:
    """Each turn's `index` in its meeting: nothing stored while it is just the turn's position."""

    def __init__(self) -> None:
        self._values: array[int] | None = None

    def extend(self, indexes: list[int], first_position: int, positions_so_far: Callable[[], Iterable[int]]) -> None:
        """Add one meeting's next turns; `positions_so_far` fills the column the first time one differs."""
        if self._values is None:
            if indexes == list(range(first_position, first_position + len(indexes))):
                return
            self._values = array("i", positions_so_far())
        self._values.extend(indexes)

    def finish(self) -> np.ndarray | None:
        """The indexes when some differ from the positions; None when `position in meeting` says it."""
        if self._values is None:
            return None
        return np.frombuffer(self._values, dtype=np.int32)


class TurnColumns:
    """The printed words, speaker label and place of every turn, in arrays indexed by turn id."""

    def __init__(
        self,
        blob: np.ndarray,
        offsets: np.ndarray,
        label_ids: np.ndarray,
        labels: list[str],
        index: np.ndarray | None,
        meeting_ids: list[str],
        meeting_starts: list[int],
        word_counts: np.ndarray,
        page: np.ndarray | None = None,
        start: np.ndarray | None = None,
        end: np.ndarray | None = None,
    ) -> None:
        self.blob = blob
        self.offsets = offsets
        self.label_ids = label_ids
        self.labels = labels
        self.index = index
        self.meeting_ids = meeting_ids
        self.meeting_starts = meeting_starts
        self.word_counts = word_counts  # `len(text.split())` of each turn, counted as it was added
        self.page = page
        self.start = start
        self.end = end
        self._bytes = blob.data
        self._offsets = offsets.data  # item access gives a plain int, much quicker than numpy's

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def text(self, i: int) -> str:
        """The words of turn `i` as printed."""
        return str(self._bytes[self._offsets[i] : self._offsets[i + 1]], "utf-8")

    def folded_words(self, i: int) -> list[str]:
        """`fold(self.text(i)).split()`: the words a turn is matched by."""
        return utf8_tokens(bytes(self._bytes[self._offsets[i] : self._offsets[i + 1]]))

    def label(self, i: int) -> str:
        return self.labels[int(self.label_ids[i])]

    def meeting_number(self, i: int) -> int:
        return bisect.bisect_right(self.meeting_starts, i) - 1

    def meeting_id(self, i: int) -> str:
        return self.meeting_ids[self.meeting_number(i)]

    def turn_index(self, i: int) -> int:
        """The turn's `index` in its meeting, as the reader numbered it."""
        if self.index is not None:
            return int(self.index[i])
        return i - self.meeting_starts[self.meeting_number(i)]

    def turn(self, i: int) -> Turn:
        """Turn `i` as the reader made it (validated then; not validated again)."""
        if not 0 <= i < len(self):
            raise IndexError(i)
        page = None if self.page is None or self.page[i] < 0 else int(self.page[i])
        start = None if self.start is None or math.isnan(self.start[i]) else float(self.start[i])
        end = None if self.end is None or math.isnan(self.end[i]) else float(self.end[i])
        return Turn.model_construct(
            meeting_id=self.meeting_id(i),
            index=self.turn_index(i),
            speaker=self.label(i),
            text=self.text(i),
            page=page,
            start=start,
            end=end,
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """What a snapshot must keep to make these columns again."""
        out = {"blob": self.blob, "offsets": self.offsets, "label_ids": self.label_ids, "word_counts": self.word_counts}
        for name in ("index", "page", "start", "end"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out


class LazySequence(Sequence[T]):
    """A read-only list whose items are made on demand by `_item` (indexes, slices, iteration)."""

    def _item(self, i: int) -> T:
        raise NotImplementedError

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._item(k) for k in range(*i.indices(len(self)))]
        i = operator.index(i)  # ints and numpy ints, as lists take
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self._item(i)

    def __iter__(self) -> Iterator[T]:
        return (self._item(i) for i in range(len(self)))


class _View(LazySequence[Any]):
    """A list of one item per turn, made from the columns."""

    def __init__(self, columns: TurnColumns) -> None:
        self._columns = columns

    def __len__(self) -> int:
        return len(self._columns)


class TurnsView(_View):
    """`store.turns`: a `Turn` for each turn id, made when read."""

    def _item(self, i: int) -> Turn:
        return self._columns.turn(i)


class FoldedView(_View):
    """`store.folded`: the matching form of each turn's words, folded when read (it is cheap)."""

    def _item(self, i: int) -> str:
        return fold(self._columns.text(i))


class SpeakerView(_View):
    """`store.turn_speaker`: the resolved speaker of each turn, through its printed label."""

    def __init__(self, columns: TurnColumns, by_label: list[Any]) -> None:
        super().__init__(columns)
        self._by_label = by_label

    def _item(self, i: int) -> Any:
        return self._by_label[int(self._columns.label_ids[i])]
