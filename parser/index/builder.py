"""Building a turn store from a stream of records, a chunk of turns at a time.

Each turn is folded exactly once: its words become ids in its chunk's token stream, from which
the chunk's word postings are made at once (4,096 turns sorted together, so the temporaries of a
build are those of one chunk, whatever the corpus), and each segment's postings are merged from
its chunks'. Word *pairs* need the corpus-wide word counts (only pairs of two frequent words are
worth a list), so they are made at the end, chunk by chunk, from the kept token streams, each
dropped once used. Nothing per turn is kept as a Python object.
"""

from __future__ import annotations

import gc
import itertools
import operator
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from parser.index.columns import IndexColumn, OptionalColumn, TurnColumns, printed_word_counts
from parser.index.postings import SEGMENT, Postings, Segment, pair_key
from parser.index.speakers import SpeakerIndex
from parser.index.vocab import Vocabulary
from parser.models import Meeting, Record, Turn, free_id
from parser.text import SEPARATOR, fold_chars, fold_latin

_SEPARATOR_ID = 0xFFFFFFFF
_TEXT = operator.attrgetter("text")
_SPEAKER = operator.attrgetter("speaker")
_INDEX = operator.attrgetter("index")
_PAGE = operator.attrgetter("page")
_START = operator.attrgetter("start")
_END = operator.attrgetter("end")

CHUNK = 4096  # turns whose postings are sorted at once; a segment is merged from its chunks
PAIR_MIN_SHARE = 0.005  # a word held by at least this share of turns is frequent: its pairs get lists
PAIR_MIN_DF = 2
MAX_PAIR_WORDS = 1 << 24  # a pair key (first · V + second) must leave 16 bits for the local turn id
WORD_BITS = 32  # directory keys: (segment << bits) | key
PAIR_BITS = 48


def pair_threshold(turns: int) -> int:
    """How many turns must hold both words of a pair for the pair to get its own list."""
    return max(PAIR_MIN_DF, int(PAIR_MIN_SHARE * turns))


@contextmanager
def cycles_unchecked() -> Iterator[None]:
    """Pause CPython's cycle collector while a store is read and built; as it was, after.

    Reading and building make millions of short-lived objects (models, tuples, lists), freed by
    reference counting as soon as they are done with: none of them is in a cycle. The collector
    still walks the young ones every 700 allocations, and the longer-lived ones time and again,
    for nothing (see the README's benchmarks). The pause is the whole process's: a bot reloading
    its records in a thread serves on meanwhile, and whatever cycles that leaves are collected
    once the build is done.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Stream(NamedTuple):
    """A chunk's words in order: each its number among the chunk's own words (`names`: their ids)."""

    own: np.ndarray
    counts: np.ndarray  # words in each turn
    names: np.ndarray


@dataclass
class Built:
    """Everything a `TurnStore` is made of, whether just built or read from a snapshot."""

    columns: TurnColumns
    meetings: dict[str, Meeting]
    vocab: Vocabulary
    words: Postings
    pairs: Postings
    pair_words: np.ndarray
    term_counts: np.ndarray  # int64 per word id: the word's occurrences in every turn, counted as they were added
    speakers: SpeakerIndex


class StoreBuilder:
    """Takes records one by one; `finish` makes the store's parts."""

    def __init__(self, aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.aliases = aliases
        self.meetings: dict[str, Meeting] = {}
        self._meeting_starts: list[int] = []
        self._blob = bytearray()
        self._offsets = array("I", [0])  # becomes "q" if the text passes 4 GiB
        self._labels: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        self._label_ids = array("I")
        self._word_counts = array("I")
        self._term_counts = np.zeros(1 << 16, dtype=np.int64)  # by word id; grows as the vocabulary does
        self._index = IndexColumn()
        self._in_meeting = 0
        self._page = OptionalColumn("i")
        self._start = OptionalColumn("d")
        self._end = OptionalColumn("d")
        self._vocab: defaultdict[str, int] = defaultdict(itertools.count().__next__)
        self._vocab[SEPARATOR] = _SEPARATOR_ID  # set, not counted: word ids stay 0, 1, 2…
        self._ids = array("I")
        self._counts = array("I")
        self._chunks: list[Segment] = []  # the open segment's closed chunks
        self._stream: list[Stream] = []  # and their words
        self._streams: list[list[Stream]] = []  # every closed segment's chunks' words, for pairs
        self._word_segments: list[Segment] = []
        self.turns = 0

    def add(self, record: Record) -> None:
        """Add one record's meeting and turns; a record that cannot be added raises before anything is.

        What can fail on odd data (text that is not valid Unicode) is done first, so a record
        refused here leaves the store as it was and the other records still build it.
        """
        turns = record.turns
        encoded = [turn.text.encode() for turn in turns]
        for turn in turns:
            turn.speaker.encode()
        record.meeting.id.encode()
        meeting = record.meeting
        new_id = free_id(meeting.id, self.meetings)  # two folders, one file name
        if new_id != meeting.id:
            meeting = meeting.model_copy(update={"id": new_id})
        self.meetings[meeting.id] = meeting
        self._meeting_starts.append(self.turns)
        self._in_meeting = 0
        done = 0
        while done < len(turns):
            room = CHUNK - len(self._counts)
            self._add_turns(turns[done : done + room], encoded[done : done + room])
            done += room
            if len(self._counts) == CHUNK:
                self._close_chunk()
                if len(self._chunks) * CHUNK == SEGMENT:
                    self._close_segment()

    def _add_turns(self, turns: list[Turn], encoded: list[bytes]) -> None:
        texts = list(map(_TEXT, turns))
        if self._offsets.typecode == "I" and len(self._blob) + sum(map(len, encoded)) > 0xFFFFFFFF:
            self._offsets = array("q", self._offsets)
        ends = itertools.accumulate(map(len, encoded), initial=self._offsets[-1])
        next(ends)
        self._offsets.extend(ends)
        self._blob += b"".join(encoded)
        self._label_ids.extend(map(self._labels.__getitem__, map(_SPEAKER, turns)))
        self._index.extend(list(map(_INDEX, turns)), self._in_meeting, self._positions)
        self._in_meeting += len(turns)
        self._page.extend(list(map(_PAGE, turns)))
        self._start.extend(list(map(_START, turns)))
        self._end.extend(list(map(_END, turns)))
        self._fold(texts)
        self.turns += len(turns)

    def _fold(self, texts: list[str]) -> None:
        """Each text's folded words, as word ids, and how many each has.

        The texts are folded all at once, joined by a separator word (fewer calls than one per
        turn), when they hold no separator of their own and every character folds to
        ASCII; otherwise each on its own, so that one turn in another script does not take its
        meeting off the fast path.
        """
        joined = f" {SEPARATOR} ".join(texts)
        folded = fold_latin(joined, separator=True) if joined.count(SEPARATOR) == len(texts) - 1 else None
        if folded is not None:
            tokens = folded.split()
            ids = np.fromiter(map(self._vocab.__getitem__, tokens), dtype=np.uint32, count=len(tokens))
            breaks = np.flatnonzero(ids == _SEPARATOR_ID)
            counts = np.diff(np.r_[-1, breaks, len(ids)]) - 1
            self._counts.frombytes(counts.astype(np.uint32).tobytes())
            self._ids.frombytes(np.delete(ids, breaks).tobytes())
            return
        words = [fold_chars(text).split() for text in texts]
        self._counts.extend(map(len, words))
        self._ids.extend(map(self._vocab.__getitem__, itertools.chain.from_iterable(words)))

    def _positions(self) -> list[int]:
        """Each turn's position in its meeting, for every turn added so far."""
        bounds = [*self._meeting_starts, self.turns]
        return [i - bounds[m] for m in range(len(bounds) - 1) for i in range(bounds[m], bounds[m + 1])]

    def _count_printed(self) -> None:
        """The printed words of every turn added since the last count (a chunk's at a time: fewer numpy calls)."""
        first, last = len(self._word_counts), self.turns
        if first == last:
            return
        offsets = np.array(self._offsets[first : last + 1], dtype=np.int64)  # copies: the arrays keep growing
        text = self._blob[offsets[0] : offsets[-1]]
        self._word_counts.frombytes(printed_word_counts(text, offsets - offsets[0]).tobytes())

    def _close_chunk(self) -> None:
        """Word postings of the chunk's turns now; its words, as ids of its own few words, kept for pairs."""
        self._count_printed()
        if not len(self._counts):
            return
        ids = np.frombuffer(self._ids, dtype=np.uint32)
        counts = np.frombuffer(self._counts, dtype=np.uint32).copy()
        present = np.zeros(len(self._vocab), dtype=bool)
        present[ids] = True
        names = np.flatnonzero(present).astype(np.uint32)  # the chunk's own words, by global id
        del present
        own_dtype = np.uint16 if len(names) <= 1 << 16 else np.uint32
        remap = np.zeros(len(self._vocab), dtype=own_dtype)
        remap[names] = np.arange(len(names), dtype=own_dtype)
        own = remap[ids]
        del ids, remap
        self._count_terms(own, names)
        self._ids = array("I")
        local = np.repeat(np.arange(len(counts), dtype=np.uint16), counts)
        if own_dtype is np.uint16:
            chunk = Segment.build(own, local, np.uint32, names)
        else:  # more than 65,536 distinct words in one chunk: sort 64-bit keys
            chunk = Segment.build(names[own], local, np.uint32)
        del local
        self._chunks.append(chunk)
        self._stream.append(Stream(own, counts, names))
        self._counts = array("I")

    def _count_terms(self, own: np.ndarray, names: np.ndarray) -> None:
        """Add the chunk's occurrences of each of its words to the corpus-wide counts."""
        need = int(names[-1]) + 1 if len(names) else 0
        if need > len(self._term_counts):
            grown = np.zeros(max(need, 2 * len(self._term_counts)), dtype=np.int64)
            grown[: len(self._term_counts)] = self._term_counts
            self._term_counts = grown
        self._term_counts[names] += np.bincount(own, minlength=len(names))

    def _close_segment(self) -> None:
        """The segment's word postings, merged from its chunks'."""
        if not self._chunks:
            return
        self._word_segments.append(_merge_chunks(self._chunks))
        self._streams.append(self._stream)
        self._stream = []

    def finish(self) -> Built:
        """The store's parts: columns, vocabulary, word and pair postings, speakers."""
        self._close_chunk()
        self._close_segment()
        n = self.turns
        del self._vocab[SEPARATOR]
        self._vocab.default_factory = None  # the vocabulary's own word → id map from now on
        words = list(self._vocab)
        size = len(words)
        df = np.zeros(size, dtype=np.int64)
        for segment in self._word_segments:
            df[segment.keys] += np.diff(segment.ptr).astype(np.int64)
        pair_words = df >= pair_threshold(n)
        pair_words[MAX_PAIR_WORDS:] = False
        pair_segments = []
        for streams in self._streams:
            chunks = []
            while streams:  # each chunk's words are let go once its pairs are listed
                chunks.append(_pair_segment(streams.pop(0), pair_words, size))
            pair_segments.append(_merge_chunks(chunks))
        self._streams = []
        columns = TurnColumns(
            blob=np.frombuffer(self._blob, dtype=np.uint8),
            offsets=np.frombuffer(self._offsets, dtype=np.uint32 if self._offsets.typecode == "I" else np.int64),
            label_ids=_narrow(np.frombuffer(self._label_ids, dtype=np.uint32), len(self._labels)),
            labels=list(self._labels),
            index=self._index.finish(),
            meeting_ids=list(self.meetings),
            meeting_starts=self._meeting_starts,
            word_counts=np.frombuffer(self._word_counts, dtype=np.uint32),
            page=self._page.finish(n),
            start=self._start.finish(n),
            end=self._end.finish(n),
        )
        speakers = index_speakers(columns, self.aliases)
        return Built(
            columns=columns,
            meetings=self.meetings,
            vocab=Vocabulary(words, df.astype(np.int32), self._vocab),
            words=Postings.from_segments(self._word_segments, WORD_BITS),
            pairs=Postings.from_segments(pair_segments, PAIR_BITS),
            pair_words=pair_words,
            term_counts=_sized(self._term_counts, size),
            speakers=speakers,
        )


def _merge_chunks(chunks: list[Segment]) -> Segment:
    """A segment's postings from its chunks' (each chunk's turns numbered from 0), taken from `chunks`."""
    return Segment.merge(chunks, range(0, len(chunks) * CHUNK, CHUNK))


def _sized(counts: np.ndarray, size: int) -> np.ndarray:
    """The counts of the `size` words of the vocabulary (the array grew by doubling)."""
    out = np.zeros(size, dtype=np.int64)
    kept = min(size, len(counts))
    out[:kept] = counts[:kept]
    return out


def _narrow(ids: np.ndarray, count: int) -> np.ndarray:
    """Two bytes a turn instead of four when there are fewer than 65,536 distinct values."""
    return ids.astype(np.uint16) if count <= 1 << 16 else ids


def _pair_segment(stream: Stream, pair_words: np.ndarray, size: int) -> Segment:
    """Postings of the adjacent pairs of frequent words within each turn of one chunk.

    Pairs are numbered by the chunk's own word numbers (`own`, `names` giving each its
    global id), which sort in the same order as global pair keys: no global id stream is made.
    """
    own, counts, names = stream
    local = np.repeat(np.arange(len(counts), dtype=np.uint16), counts)
    frequent = pair_words[names]
    keep = local[:-1] == local[1:]
    keep &= frequent[own[:-1]]
    keep &= frequent[own[1:]]
    width = np.uint64(len(names))
    keys = own[:-1][keep].astype(np.uint64)
    keys *= width
    keys += own[1:][keep]
    segment = Segment.build(keys, local[:-1][keep], np.uint64)
    first, second = np.divmod(segment.keys, width)
    global_keys = pair_key(names[first.astype(np.int64)].astype(np.uint64), names[second.astype(np.int64)], size)
    return Segment(global_keys.astype(np.uint64), segment.ptr, segment.post)


def index_speakers(
    columns: TurnColumns, aliases: Mapping[str, Iterable[str]] | None, visible: np.ndarray | None = None
) -> SpeakerIndex:
    """Speakers from the label of every turn (every `visible` one): one call per printed label, with its meetings."""
    index = SpeakerIndex(aliases)
    label_ids = columns.label_ids
    order = np.argsort(label_ids, kind="stable")
    if visible is not None:
        order = order[visible[order]]
    bounds = np.searchsorted(label_ids[order], np.arange(len(columns.labels) + 1))
    starts = np.asarray(columns.meeting_starts, dtype=np.int64)
    for label_id, label in enumerate(columns.labels):
        turn_ids = order[bounds[label_id] : bounds[label_id + 1]].astype(np.int64)
        if not len(turn_ids):
            continue  # a label of records this scope does not see
        meeting_numbers = np.unique(np.searchsorted(starts, turn_ids, side="right") - 1)
        index.add_label(label, turn_ids, (columns.meeting_ids[m] for m in meeting_numbers))
    index.finish()
    return index
