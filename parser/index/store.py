"""The in-memory turn store: every turn once, folded once, with the indexes search needs.

Turns live in flat arrays (`parser.index.columns`), words and frequent word pairs in segmented
postings (`parser.index.postings`); `turns`, `folded` and `turn_speaker` read like the lists they
used to be, making each item when asked, so a million turns fit in a few hundred megabytes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import numpy as np

from parser.index.builder import Built, StoreBuilder, cycles_unchecked
from parser.index.columns import FoldedView, SpeakerView, TurnsView
from parser.index.vocab import Vocabulary, max_edits
from parser.models import Meeting, Record


class _ByWord(Mapping[str, Any]):
    """A read-only mapping from folded word to what the store knows of it (its postings, its IDF).

    It holds the vocabulary, not the store: no reference cycle, so a replaced store is freed the
    moment its last user lets go, not by a cycle collection that stops every thread at once.
    """

    def __init__(self, vocab: Vocabulary, value: Callable[[int], Any]) -> None:
        self._vocab = vocab
        self._value = value

    def __getitem__(self, word: str) -> Any:
        return self._value(self._vocab.ids[word])

    def __contains__(self, word: object) -> bool:
        return word in self._vocab.ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._vocab.words)

    def __len__(self) -> int:
        return len(self._vocab)


def _idf(vocab: Vocabulary, turns: int, word_id: int) -> float:
    return math.log(1 + turns / max(1, int(vocab.df[word_id])))


class TurnStore:
    """Turns of every loaded meeting, their folded words, and word, pair and speaker indexes."""

    def __init__(
        self,
        records: Iterable[Record] = (),
        aliases: Mapping[str, Iterable[str]] | None = None,
        *,
        built: Built | None = None,
        on_error: Callable[[Record, Exception], None] | None = None,
    ) -> None:
        """A store of `records`; with `on_error`, a record that cannot be added is handed to it and left out."""
        if built is None:
            with cycles_unchecked():  # the records are read here too: `records` is often a generator
                builder = StoreBuilder(aliases)
                for record in records:
                    try:
                        builder.add(record)
                    except Exception as err:
                        if on_error is None:
                            raise
                        on_error(record, err)
                built = builder.finish()
        self.columns = built.columns
        self.meetings: dict[str, Meeting] = built.meetings
        self.vocab: Vocabulary = built.vocab
        self.words = built.words
        self.pairs = built.pairs
        self.pair_words = built.pair_words
        self.speakers = built.speakers
        self.turns = TurnsView(self.columns)
        self.folded = FoldedView(self.columns)
        by_label = [self.speakers.speaker_of(label) for label in self.columns.labels]
        self.turn_speaker = SpeakerView(self.columns, by_label)
        starts = [*self.columns.meeting_starts, len(self.columns)]
        self.meeting_range: dict[str, range] = {
            meeting_id: range(starts[k], starts[k + 1]) for k, meeting_id in enumerate(self.columns.meeting_ids)
        }
        self.snapshot_extra: dict[str, Any] = {}  # what the caller saved with a snapshot (load errors)
        self.postings: Mapping[str, np.ndarray] = _ByWord(self.vocab, self.words.ids)  # sorted ids of the turns holding it
        self.idf: Mapping[str, float] = _ByWord(self.vocab, functools.partial(_idf, self.vocab, len(self)))

    @property
    def vocabulary(self) -> list[str]:
        return self.vocab.words

    def __len__(self) -> int:
        return len(self.columns)

    def text(self, turn_id: int) -> str:
        """The words of one turn as printed, without making a `Turn`."""
        return self.columns.text(turn_id)

    def meeting_of(self, turn_id: int) -> Meeting:
        return self.meetings[self.columns.meeting_id(turn_id)]

    def word_idf(self, word_id: int) -> float:
        return _idf(self.vocab, len(self), word_id)

    def variants(self, word: str) -> dict[str, int]:
        """Words of the record that `word` may stand for, with their edit distance: typos allowed."""
        found: dict[str, int] = {}
        if word in self.vocab.ids:
            found[word] = 0
        if max_edits(word):
            for other, distance in self.vocab.near(word).items():
                found.setdefault(other, distance)
        return found
