"""The in-memory turn store: every turn once, folded once, with the indexes search needs.

Turns live in flat arrays (`parser.index.columns`), words and frequent word pairs in segmented
postings (`parser.index.postings`); `turns`, `folded` and `turn_speaker` read like the lists they
used to be, making each item when asked, so a million turns fit in a few hundred megabytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from parser.index.builder import Built, StoreBuilder, cycles_unchecked
from parser.index.columns import FoldedView, SpeakerView, TurnsView
from parser.index.vocab import Vocabulary
from parser.models import Meeting, Record


class TurnStore:
    """Turns of every loaded meeting, their folded words, and word, pair and speaker indexes."""

    def __init__(
        self,
        records: Iterable[Record] = (),
        aliases: Mapping[str, Iterable[str]] | None = None,
        *,
        built: Built | None = None,
    ) -> None:
        if built is None:
            with cycles_unchecked():  # the records are read here too: `records` is often a generator
                builder = StoreBuilder(aliases)
                for record in records:
                    builder.add(record)
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

    def __len__(self) -> int:
        return len(self.columns)

    def text(self, turn_id: int) -> str:
        """The words of one turn as printed, without making a `Turn`."""
        return self.columns.text(turn_id)

    def word_idf(self, word_id: int) -> float:
        """log(1 + turns / turns holding the word): a rarer word weighs more."""
        return math.log(1 + len(self) / max(1, int(self.vocab.df[word_id])))
