"""Records added to a built store, and taken out again, without building it anew.

A store is never changed in place (commands may be reading it on other threads): `extended`
and `without` make a new store that shares every array the change leaves alone. New turns take
the next turn ids, so their postings go into the last segment (merged with its own, a segment
at most) and new ones after it; words new to the store take the next word ids. A removed
record's turns stay in the arrays (a tombstone): its meeting leaves `meetings`, so no scope sees
it, and its turns are gone at the next start.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np

from parser.index.builder import MAX_PAIR_WORDS, PAIR_BITS, WORD_BITS, Built, index_speakers
from parser.index.columns import TurnColumns, printed_word_counts
from parser.index.postings import SEGMENT, SEGMENT_BITS, Postings, Segment
from parser.index.store import TurnStore
from parser.index.vocab import Vocabulary
from parser.models import Meeting, Record, Turn, free_id
from parser.text import fold_chars


def segments_of(postings: Postings) -> list[Segment]:
    """The postings' segments again, as the builder made them (each one's keys, pointers, lists)."""
    bits = np.uint64(postings.bits)
    mask = np.uint64((1 << postings.bits) - 1)
    segment_of = postings.directory >> bits
    bounds = np.searchsorted(segment_of, np.arange(len(postings.posts) + 1, dtype=np.uint64))
    out = []
    for s, post in enumerate(postings.posts):
        lo, hi = int(bounds[s]), int(bounds[s + 1])
        keys = postings.directory[lo:hi] & mask
        ptr = np.r_[postings.starts[lo:hi], postings.ends[hi - 1] if hi > lo else 0].astype(np.uint32)
        out.append(Segment(keys, ptr, post))
    return out


def _with_new(old: list[Segment], first_turn: int, keys: np.ndarray, turns: np.ndarray) -> tuple[list[Segment], np.ndarray]:
    """Segments with the (key, turn id) occurrences of new turns (from `first_turn` on) added.

    Returns the segments and, for counting, each key's number of new turns holding it.
    """
    segments = list(old)
    counted_keys: list[np.ndarray] = []
    counted: list[np.ndarray] = []
    for s in range(first_turn >> SEGMENT_BITS, (int(turns.max()) >> SEGMENT_BITS) + 1 if len(turns) else 0):
        inside = (turns >> SEGMENT_BITS) == s
        if not inside.any():
            continue
        local = (turns[inside] & (SEGMENT - 1)).astype(np.uint16)
        part = Segment.build(keys[inside].astype(np.uint64), local, np.uint64)
        counted_keys.append(part.keys)
        counted.append(np.diff(part.ptr).astype(np.int64))
        if s < len(segments):
            old_part = segments[s]
            old_part = Segment(old_part.keys.astype(np.uint64), old_part.ptr, old_part.post)
            segments[s] = Segment.merge([old_part, part], [0, 0])  # the new turns' local ids come after the old ones'
        else:
            while len(segments) < s:  # a segment with no turn cannot happen: turns are consecutive
                segments.append(Segment(np.zeros(0, np.uint64), np.zeros(1, np.uint32), np.zeros(0, np.uint16)))
            segments.append(part)
    if not counted_keys:
        return segments, np.zeros((2, 0), dtype=np.int64)
    return segments, np.vstack([np.concatenate(counted_keys).astype(np.int64), np.concatenate(counted)])


def _optional(old: np.ndarray | None, n: int, values: list[float | int | None], dtype: type, blank: float) -> np.ndarray | None:
    """A page/start/end column with the new turns' values; still None when no turn ever had one."""
    if old is None and all(v is None for v in values):
        return None
    head = old if old is not None else np.full(n, blank, dtype=dtype)
    tail: np.ndarray = np.array([blank if v is None else v for v in values], dtype=dtype)
    return np.concatenate([head, tail])


def _columns(old: TurnColumns, meetings: list[Meeting], records: Sequence[Record], turns: list[Turn]) -> TurnColumns:
    n = len(old)
    encoded = [t.text.encode("utf-8") for t in turns]
    joined = b"".join(encoded)
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    ends = int(old.offsets[-1]) + np.cumsum(lengths)
    wide = old.offsets.dtype == np.int64 or (len(ends) and int(ends[-1]) > 0xFFFFFFFF)
    offsets = np.concatenate(
        [old.offsets.astype(np.int64 if wide else old.offsets.dtype), ends.astype(np.int64 if wide else np.uint32)]
    )
    labels = list(old.labels)
    label_number = {label: i for i, label in enumerate(labels)}
    for turn in turns:
        if turn.speaker not in label_number:
            label_number[turn.speaker] = len(labels)
            labels.append(turn.speaker)
    label_dtype = np.uint16 if len(labels) <= 1 << 16 else np.uint32
    new_labels = np.fromiter((label_number[t.speaker] for t in turns), dtype=np.int64, count=len(turns))
    label_ids = np.concatenate([old.label_ids.astype(label_dtype), new_labels.astype(label_dtype)])
    starts = list(old.meeting_starts)
    at = n
    positions: list[int] = []
    for record in records:
        starts.append(at)
        at += len(record.turns)
        positions.extend(range(len(record.turns)))
    indexes = [t.index for t in turns]
    index = old.index
    if index is not None or indexes != positions:
        if index is None:
            bounds = [*old.meeting_starts, n]
            index = np.concatenate(
                [np.zeros(0, np.int32)] + [np.arange(bounds[k + 1] - bounds[k], dtype=np.int32) for k in range(len(bounds) - 1)]
            )
        index = np.concatenate([index, np.array(indexes, dtype=np.int32)])
    return TurnColumns(
        blob=np.concatenate([old.blob, np.frombuffer(joined, dtype=np.uint8)]),
        offsets=offsets,
        label_ids=label_ids,
        labels=labels,
        index=index,
        meeting_ids=[*old.meeting_ids, *(m.id for m in meetings)],
        meeting_starts=starts,
        word_counts=np.concatenate([old.word_counts, printed_word_counts(joined, np.r_[0, np.cumsum(lengths)])]),
        page=_optional(old.page, n, [t.page for t in turns], np.int32, -1),
        start=_optional(old.start, n, [t.start for t in turns], np.float64, np.nan),
        end=_optional(old.end, n, [t.end for t in turns], np.float64, np.nan),
    )


def _remap_pairs(pairs: Postings, old_size: int, new_size: int) -> Postings:
    """Pair keys are `first · V + second`: a larger vocabulary V renumbers them (their order stays)."""
    if old_size == new_size or not len(pairs.directory):
        return pairs
    if new_size >= MAX_PAIR_WORDS:
        raise ValueError("the vocabulary has outgrown the pair keys; rebuild the store")
    bits = np.uint64(PAIR_BITS)
    segment = pairs.directory >> bits
    first, second = np.divmod(pairs.directory & np.uint64((1 << PAIR_BITS) - 1), np.uint64(old_size))
    directory = (segment << bits) | (first * np.uint64(new_size) + second)
    return Postings(directory, pairs.starts, pairs.ends, pairs.posts, pairs.bits)


def live_turns(columns: TurnColumns, meetings: Collection[str]) -> np.ndarray | None:
    """One boolean per turn: whether its record is among `meetings` (None: every record is)."""
    if len(meetings) == len(columns.meeting_ids):
        return None
    mask = np.zeros(len(columns), dtype=bool)
    bounds = [*columns.meeting_starts, len(columns)]
    for k, meeting_id in enumerate(columns.meeting_ids):
        if meeting_id in meetings:
            mask[bounds[k] : bounds[k + 1]] = True
    return mask


def _store(parts: dict[str, Any], aliases: dict[str, list[str]]) -> TurnStore:
    """The store of these parts, its speakers counted on the turns of its live records only."""
    speakers = index_speakers(parts["columns"], aliases, live_turns(parts["columns"], parts["meetings"]))
    return TurnStore(built=Built(**parts, speakers=speakers))


def extended(store: TurnStore, records: Sequence[Record]) -> tuple[TurnStore, list[Meeting]]:
    """A store holding `store`'s records and these; the meetings as added (an id already taken gets `-2`…)."""
    taken = set(store.columns.meeting_ids)
    meetings: list[Meeting] = []
    for record in records:
        meeting = record.meeting.model_copy(update={"id": free_id(record.meeting.id, taken)})
        taken.add(meeting.id)
        meetings.append(meeting)
    turns = [t for r in records for t in r.turns]
    n = len(store)
    vocab = store.vocab
    ids = dict(vocab.ids)
    words = list(vocab.words)
    new_words = len(words)
    per_turn = [[ids.setdefault(w, len(ids)) for w in fold_chars(t.text).split()] for t in turns]
    words.extend(list(ids)[new_words:])
    counts = np.fromiter(map(len, per_turn), dtype=np.int64, count=len(per_turn))
    flat = np.fromiter((w for turn in per_turn for w in turn), dtype=np.int64, count=int(counts.sum()))
    turn_of = np.repeat(np.arange(n, n + len(turns), dtype=np.int64), counts)
    word_segments, df_added = _with_new(segments_of(store.words), n, flat, turn_of)
    df = np.concatenate([vocab.df.astype(np.int32), np.zeros(len(words) - new_words, dtype=np.int32)])
    df[df_added[0]] += df_added[1].astype(np.int32)
    size = len(words)
    pair_words = np.concatenate([store.pair_words, np.zeros(size - len(store.pair_words), dtype=bool)])
    pairs = _remap_pairs(store.pairs, len(vocab), size)
    same_turn = turn_of[:-1] == turn_of[1:]
    keep = same_turn & pair_words[flat[:-1]] & pair_words[flat[1:]]
    pair_keys = flat[:-1][keep] * size + flat[1:][keep]
    pair_segments, _ = _with_new(segments_of(pairs), n, pair_keys, turn_of[:-1][keep])
    term_counts = np.concatenate([store.built.term_counts, np.zeros(size - len(store.built.term_counts), dtype=np.int64)])
    term_counts += np.bincount(flat, minlength=size)
    if size == len(vocab):
        new_vocab = copy.copy(vocab)  # same words: the stems and the typo index stay
        new_vocab.df = df
        new_vocab.most = int(df.max(initial=0))
    else:
        new_vocab = Vocabulary(words, df, ids)
    parts = {
        "columns": _columns(store.columns, meetings, records, turns),
        "meetings": {**store.meetings, **{m.id: m for m in meetings}},
        "vocab": new_vocab,
        "words": Postings.from_segments(word_segments, WORD_BITS),
        "pairs": Postings.from_segments(pair_segments, PAIR_BITS),
        "pair_words": pair_words,
        "term_counts": term_counts,
    }
    return _store(parts, store.speakers.aliases), meetings


def without(store: TurnStore, meeting_id: str) -> TurnStore:
    """A store in which the meeting is no more (its turns stay, seen by nobody, until the next start)."""
    meetings = {k: m for k, m in store.meetings.items() if k != meeting_id}
    parts = {
        "columns": store.columns,
        "meetings": meetings,
        "vocab": store.vocab,
        "words": store.words,
        "pairs": store.pairs,
        "pair_words": store.pair_words,
        "term_counts": store.built.term_counts,
    }
    return _store(parts, store.speakers.aliases)
