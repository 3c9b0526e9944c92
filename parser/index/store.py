"""The in-memory turn store: every turn once, folded once, with the indexes search needs.

Turns live in flat arrays (`parser.index.columns`), words and frequent word pairs in segmented
postings (`parser.index.postings`); `turns`, `folded` and `turn_speaker` read like the lists they
used to be, making each item when asked, so a million turns fit in a few hundred megabytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from parser.index.builder import Built, StoreBuilder, cycles_unchecked, index_speakers
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
        self.built = built
        self.columns = built.columns
        self.meetings: dict[str, Meeting] = built.meetings
        self.vocab: Vocabulary = built.vocab
        self.words = built.words
        self.pairs = built.pairs
        self.pair_words = built.pair_words
        self.speakers = built.speakers
        self.turns = TurnsView(self.columns)
        self.folded = FoldedView(self.columns)
        by_label = [self.speakers.label_speaker(label) for label in self.columns.labels]
        self.turn_speaker = SpeakerView(self.columns, by_label)
        starts = [*self.columns.meeting_starts, len(self.columns)]
        self.meeting_range: dict[str, range] = {
            meeting_id: range(starts[k], starts[k + 1]) for k, meeting_id in enumerate(self.columns.meeting_ids)
        }
        self.visible: np.ndarray | None = None  # the turns a scoped view may answer from (None: all)
        self._views: dict[int | None, TurnStore] = {}
        self.snapshot_extra: dict[str, Any] = {}  # what the caller saved with a snapshot (load errors)

    def __len__(self) -> int:
        return len(self.columns)

    def text(self, turn_id: int) -> str:
        """The words of one turn as printed, without making a `Turn`."""
        return self.columns.text(turn_id)

    def folded_words(self, turn_id: int) -> list[str]:
        """The folded words of one turn (`fold(text).split()`), as scoring reads them."""
        return self.columns.folded_words(turn_id)

    def word_idf(self, word_id: int) -> float:
        """log(1 + turns / turns holding the word): a rarer word weighs more."""
        return math.log(1 + len(self) / max(1, int(self.vocab.df[word_id])))

    def seen_turns(self) -> Sequence[int]:
        """The ids of the turns this store (or view) answers from, in order."""
        return range(len(self)) if self.visible is None else np.flatnonzero(self.visible).tolist()

    def view(self, scope: int | None) -> TurnStore:
        """What one server sees (`scope`: its id; None for DMs): the shared records and its own.

        The view shares every index with this store; only its meetings, its speakers (counted on
        the turns it sees) and `visible`, which the commands' filters pass to every search, are its
        own. A store whose every record is visible is its own view.
        """
        if scope in self._views:
            return self._views[scope]
        if scope is not None and not any(m.scope == scope for m in self.meetings.values()):
            return self.view(None)  # a server with no records of its own sees what a DM sees: one view for all of them
        seen = {k: m for k, m in self.meetings.items() if m.scope is None or m.scope == scope}
        if len(seen) == len(self.columns.meeting_ids):
            return self
        mask = np.zeros(len(self), dtype=bool)
        for meeting_id in seen:
            turns = self.meeting_range[meeting_id]
            mask[turns.start : turns.stop] = True
        parts = {k: v for k, v in vars(self.built).items() if k not in ("meetings", "speakers")}
        view = TurnStore(built=Built(**parts, meetings=seen, speakers=index_speakers(self.columns, self.speakers.aliases, mask)))
        view.visible = mask
        self._views[scope] = view
        return view
