"""Postings: built chunk by chunk and merged, they are the postings built at once; scored, a turn counts a query word once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parser.index.postings import SEGMENT, Postings, Segment
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 299)), max_size=600),
    st.integers(1, 80),
    st.sampled_from([np.uint32, np.uint64]),
)
def test_merged_chunks_equal_one_build(occurrences: list[tuple[int, int]], chunk: int, key_dtype: type) -> None:
    occurrences.sort(key=lambda pair: pair[1])  # words come in turn order
    terms = np.array([t for t, _ in occurrences], dtype=np.uint64)
    local = np.array([turn for _, turn in occurrences], dtype=np.uint16)
    whole = Segment.build(terms.copy(), local, key_dtype)
    parts, firsts = [], []
    for first in range(0, 300, chunk):
        inside = (local >= first) & (local < first + chunk)
        parts.append(Segment.build(terms[inside].copy(), (local[inside] - first).astype(np.uint16), key_dtype))
        firsts.append(first)
    merged = Segment.merge(parts, firsts)
    assert merged.keys.tolist() == whole.keys.tolist()
    assert merged.ptr.tolist() == whole.ptr.tolist()
    assert merged.post.tolist() == whole.post.tolist()
    assert parts == []  # each part is let go once copied
    for k, key in enumerate(whole.keys.tolist()):  # and the lists are the turns holding the key
        assert merged.post[merged.ptr[k] : merged.ptr[k + 1]].tolist() == sorted({turn for t, turn in occurrences if t == key})


def test_a_turn_holding_several_stand_ins_of_one_word_counts_it_once() -> None:
    texts = ["tree three", "tree", "three", "true"]
    turns = [Turn(meeting_id="m", index=i, speaker="A", text=t) for i, t in enumerate(texts)]
    store = TurnStore([Record(meeting=Meeting(id="m", title="m", language="en", format="text"), turns=turns)])
    ids = store.vocab.ids
    scores: list[np.ndarray | None] = [None]
    store.words.add_best(scores, [ids["tree"], ids["three"], ids["true"]], [1.0, 0.8, 0.8], 2.0)
    assert scores[0] is not None
    assert scores[0][:4].tolist() == pytest.approx([2.0, 2.0, 1.6, 1.6])  # "tree three": the best, once
    assert not scores[0][4:].any()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 3 * SEGMENT - 1)), max_size=400),
    st.lists(st.integers(0, 3 * SEGMENT - 1), max_size=60, unique=True),
    st.lists(st.integers(0, 14), max_size=5),
)
def test_which_turns_hold_keys_across_segments(occurrences: list[tuple[int, int]], asked: list[int], keys: list[int]) -> None:
    segments = []
    for s in range(3):
        inside = [(t, turn - s * SEGMENT) for t, turn in occurrences if s * SEGMENT <= turn < (s + 1) * SEGMENT]
        terms = np.array([t for t, _ in inside], dtype=np.uint64)
        local = np.array([turn for _, turn in inside], dtype=np.uint16)
        segments.append(Segment.build(terms, local, np.uint32))
    postings = Postings.from_segments(segments, bits=20)
    ordered = sorted(asked)
    turn_ids = np.array(ordered, dtype=np.int64)
    holding = {key: {turn for t, turn in occurrences if t == key} for key in keys}
    each = postings.contains_each(keys, turn_ids)
    for key, held in zip(keys, each, strict=True):
        assert held.tolist() == [t in holding[key] for t in ordered]
        assert postings.contains(key, turn_ids).tolist() == held.tolist()
    assert postings.contains_any(keys, turn_ids).tolist() == [any(t in holding[key] for key in keys) for t in ordered]
