"""The in-memory turn store: every turn once, folded once, with the indexes search needs."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from parser.models import Meeting, Record, Turn
from parser.speakers import Speaker, SpeakerIndex
from parser.text import fold


class TurnStore:
    """Turns of every loaded meeting, their folded text, and word and speaker indexes."""

    def __init__(self, records: Iterable[Record], aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.meetings: dict[str, Meeting] = {}
        self.turns: list[Turn] = []
        self.folded: list[str] = []
        self.turn_speaker: list[Speaker] = []
        self.meeting_range: dict[str, range] = {}
        self.speakers = SpeakerIndex(aliases)
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for record in records:
            meeting, turns = self._unique(record)
            first = len(self.turns)
            self.meetings[meeting.id] = meeting
            for turn in turns:
                turn_id = len(self.turns)
                folded = fold(turn.text)
                self.turns.append(turn)
                self.folded.append(folded)
                self.turn_speaker.append(self.speakers.add(turn.speaker, turn_id))
                for word in set(folded.split()):
                    postings[word].append(turn_id)
            self.meeting_range[meeting.id] = range(first, len(self.turns))
        self.speakers.finish()
        self.postings: dict[str, list[int]] = dict(postings)
        self.vocabulary: list[str] = list(self.postings)
        n = max(1, len(self.turns))
        self.idf: dict[str, float] = {w: math.log(1 + n / len(ids)) for w, ids in self.postings.items()}

    def _unique(self, record: Record) -> tuple[Meeting, list[Turn]]:
        """The record with a meeting id no other loaded meeting has (two folders, one file name)."""
        meeting = record.meeting
        if meeting.id not in self.meetings:
            return meeting, record.turns
        n = 2
        while f"{meeting.id}-{n}" in self.meetings:
            n += 1
        new_id = f"{meeting.id}-{n}"
        return (
            meeting.model_copy(update={"id": new_id}),
            [t.model_copy(update={"meeting_id": new_id}) for t in record.turns],
        )

    def __len__(self) -> int:
        return len(self.turns)

    def meeting_of(self, turn_id: int) -> Meeting:
        return self.meetings[self.turns[turn_id].meeting_id]

    def variants(self, word: str) -> dict[str, int]:
        """Words of the record that `word` may stand for, with their edit distance: typos allowed."""
        found: dict[str, int] = {}
        if word in self.postings:
            found[word] = 0
        if len(word) < 4 or not word.isalpha():
            return found
        max_distance = 1 if len(word) < 8 else 2
        for other, distance, _ in process.extract(
            word, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=max_distance, limit=30
        ):
            found.setdefault(other, int(distance))
        return found
