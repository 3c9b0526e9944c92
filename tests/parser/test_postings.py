"""Postings built chunk by chunk and merged are the postings built at once."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parser.postings import Segment


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
