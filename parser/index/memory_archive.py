"""The in-memory store as an `Archive`: a server's view of the `TurnStore`, asked as the commands ask.

One `MemoryArchive` per view (`archive_of`), so what the commands cache on an archive lives as
long as the view does. Searches take a mask of turns (`Within`), made from the filters here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from weakref import WeakKeyDictionary

import numpy as np

from parser.index import tally
from parser.index.archive import MeetingFigures, Narrowing, NothingFits, SpeakerIn, Verbatim
from parser.index.candidates import phrase_candidates
from parser.index.columns import IdList
from parser.index.postings import pair_key
from parser.index.rank import Lexicon
from parser.index.search import RERANK, Hit, PhraseHits, find_closest, find_phrase, find_words, locate, placed
from parser.index.speakers import Speaker, SpeakerIndex, Tally
from parser.index.store import TurnStore
from parser.models import Meeting, Turn
from parser.text import fold


class MemoryArchive:
    """What one server sees of an in-memory store (`store` is its view: `TurnStore.view`)."""

    def __init__(self, store: TurnStore) -> None:
        self.store = store
        self._totals: tuple[int, int, int] | None = None

    # ----- what is seen -----
    @property
    def meetings(self) -> Mapping[str, Meeting]:
        return self.store.meetings

    @property
    def speakers(self) -> SpeakerIndex:
        return self.store.speakers

    def totals(self) -> tuple[int, int, int]:
        if self._totals is None:
            store = self.store
            if store.visible is None:
                turns, words = len(store), int(store.columns.word_counts.sum(dtype=np.int64))
            else:
                turns = int(store.visible.sum())
                words = int(store.columns.word_counts[store.visible].sum(dtype=np.int64))
            self._totals = (len(store.meetings), turns, words)
        return self._totals

    # ----- one turn -----
    def turn(self, turn_id: int) -> Turn:
        return self.store.turns[turn_id]

    def text(self, turn_id: int) -> str:
        return self.store.text(turn_id)

    def speaker_name(self, turn_id: int) -> str:
        return self.store.turn_speaker[turn_id].name

    def next_of_speaker(self, turn_id: int, within: int) -> int | None:
        columns = self.store.columns
        meeting, label = columns.meeting_number(turn_id), columns.label(turn_id)
        for later in range(turn_id + 1, min(len(self.store), turn_id + within + 1)):
            if columns.meeting_number(later) != meeting:
                return None
            if columns.label(later) == label:
                return later
        return None

    def next_of_speakers(self, turn_ids: Collection[int], within: int) -> dict[int, int | None]:
        return {turn_id: self.next_of_speaker(turn_id, within) for turn_id in turn_ids}

    # ----- one meeting -----
    def meeting_turns(self, meeting_id: str, first: int = 0, stop: int | None = None) -> list[int]:
        return list(self.store.meeting_range[meeting_id][first:stop])

    def meeting_size(self, meeting_id: str) -> int:
        return len(self.store.meeting_range[meeting_id])

    def position(self, meeting_id: str, turn_index: int) -> int | None:
        turn_ids = self.store.meeting_range[meeting_id]
        turns = self.store.turns
        if 0 <= turn_index < len(turn_ids) and turns[turn_ids[turn_index]].index == turn_index:
            return turn_index  # turns are numbered by position unless the record skipped some
        return next((at for at, turn_id in enumerate(turn_ids) if turns[turn_id].index == turn_index), None)

    def meeting_figures(self, meeting_id: str) -> MeetingFigures:
        turn_ids = self.store.meeting_range[meeting_id]
        return MeetingFigures(len(turn_ids), tally.words_of(self.store, turn_ids), tally.meeting_speakers(self.store, meeting_id))

    # ----- counting -----
    def tally(self, meeting_id: str | None = None) -> list[Tally]:
        turns = self.store.seen_turns() if meeting_id is None else self.store.meeting_range[meeting_id]
        return tally.by_speaker(self.store, turns)

    def speaker_meetings(self, speaker: Speaker) -> list[SpeakerIn]:
        store = self.store
        columns = store.columns
        ids = _ids(speaker)
        starts = np.asarray(columns.meeting_starts)
        numbers = np.searchsorted(starts, ids, side="right") - 1  # a label in 137 meetings has 100k turns: numpy, not a loop
        turns = np.bincount(numbers, minlength=len(starts))
        words = np.bincount(numbers, weights=columns.word_counts[ids], minlength=len(starts))
        out = []
        for number in np.flatnonzero(turns).tolist():
            meeting_id = columns.meeting_ids[number]
            everyone = tally.words_of(store, store.meeting_range[meeting_id])
            out.append(SpeakerIn(meeting_id, int(turns[number]), int(words[number]), everyone))
        return out

    def speaker_seconds(self, speaker: Speaker) -> float | None:
        timed = [s for s in (tally.turn_seconds(self.store, t) for t in speaker.turn_ids) if s is not None]
        return sum(timed) if timed else None

    def first_turns(self, speaker: Speaker, count: int) -> list[int]:
        return [int(t) for t in speaker.turn_ids[:count]]

    def distinctive_words(self, speaker: Speaker, stop: Collection[str], limit: int) -> list[str]:
        return tally.distinctive_words(self.store, speaker.turn_ids, stop, limit)

    # ----- searching -----
    def narrow(self, narrowing: Narrowing) -> np.ndarray | None:
        store = self.store
        if not narrowing.active:
            return store.visible  # a server's view: only its records and the shared ones
        mask = np.zeros(len(store), dtype=bool)
        if narrowing.meetings or narrowing.dates or narrowing.languages:
            for meeting in store.meetings.values():
                if narrowing.fits(meeting):
                    turns = store.meeting_range[meeting.id]
                    mask[turns.start : turns.stop] = True
        else:
            mask[:] = True
        if narrowing.speakers:
            said = np.zeros(len(store), dtype=bool)
            for person in narrowing.speakers:
                said[_ids(person)] = True
            mask &= said
        if store.visible is not None:
            mask &= store.visible
        if not mask.any():
            raise NothingFits
        return mask

    def only(self, hits: Sequence[Hit], within: np.ndarray | None) -> np.ndarray:
        mask = np.zeros(len(self.store), dtype=bool)
        mask[hits.ids if isinstance(hits, PhraseHits) else [h.turn_id for h in hits]] = True
        return mask if within is None else mask & within

    def lexicon(self, words: list[str], loose: bool = False) -> Lexicon:
        return self.store

    def word_turns(self, word: str) -> int | None:
        word_id = self.store.vocab.ids.get(word)
        return None if word_id is None else int(self.store.vocab.df[word_id])

    def words_turns(self, words: Collection[str]) -> dict[str, int | None]:
        return {word: self.word_turns(word) for word in words}

    def adjacent(self, first: str, second: str) -> bool:
        ids = self.store.vocab.ids
        if first not in ids or second not in ids:
            return False
        return bool(len(phrase_candidates(self.store, [ids[first], ids[second]])))

    def _seen(self, within: np.ndarray | None) -> np.ndarray | None:
        """The turns a search may answer from: `within`, or (None) every turn the view sees — the
        indexes are the whole store's, other servers' records too."""
        return self.store.visible if within is None else within

    def pair_turns(self, first: str, second: str) -> int | None:
        store = self.store  # the whole store's count (a view shares its index): the odds' safe side
        ids = store.vocab.ids
        a, b = ids.get(first), ids.get(second)
        if a is None or b is None or not (store.pair_words[a] and store.pair_words[b]):
            return None  # the index lists pairs of frequent words only
        return int(store.pairs.df([int(pair_key(a, b, len(store.vocab)))])[0])

    def find_phrase(self, phrase: str, within: np.ndarray | None = None) -> Sequence[Hit]:
        return find_phrase(self.store, phrase, self._seen(within))

    def verbatim(self, phrase: str, within: np.ndarray | None, shown: int) -> Verbatim | None:
        hits = find_phrase(self.store, phrase, self._seen(within))
        if not hits:
            return None
        ids = hits.ids if isinstance(hits, PhraseHits) else np.array([h.turn_id for h in hits], dtype=np.int64)
        said_by, first = self._said_by(ids, shown)
        spans = {h.turn_id: h for h in hits[: 4 * shown]} if not isinstance(hits, PhraseHits) else {}
        words = fold(phrase).split()
        return Verbatim(len(hits), said_by, [locate(self.store, spans.get(t) or self._phrase_hit(t, words)) for t in first])

    def _said_by(self, ids: np.ndarray, shown: int) -> tuple[list[tuple[str, int]], list[int]]:
        """Each speaker of these turns and how many are theirs, most first (first seen breaks ties),
        and the turns to show: the top speakers' first ones. Counted per printed label, in numpy: a
        common word is said in half a million turns."""
        columns, speakers = self.store.columns, self.store.speakers
        labels, first, counts = np.unique(columns.label_ids[ids], return_index=True, return_counts=True)
        people: dict[str, list[int]] = {}  # name → [turns, first position, labels…]
        for label, at, n in zip(labels.tolist(), first.tolist(), counts.tolist(), strict=True):
            entry = people.setdefault(speakers.speaker_of(columns.labels[label]).name, [0, at])
            entry[0] += n
            entry[1] = min(entry[1], at)
            entry.append(label)
        ranked = sorted(people.items(), key=lambda item: (-item[1][0], item[1][1]))
        turns: list[int] = []
        for _, (_, _, *own) in ranked:
            if len(turns) >= shown:
                break
            mine = ids[np.isin(columns.label_ids[ids], own)]
            turns += np.sort(mine)[: shown - len(turns)].tolist()
        return [(name, entry[0]) for name, entry in ranked], turns

    def _phrase_hit(self, turn_id: int, words: list[str]) -> Hit:
        """A turn known to hold the phrase, with where it does."""
        tokens = fold(self.store.text(turn_id)).split()
        at = next((k for k in range(len(tokens)) if tokens[k : k + len(words)] == words), 0)
        return Hit(turn_id, 100.0, None, True, (at, at + len(words) - 1))

    def find_words(self, query: str, within: np.ndarray | None = None, rank: int = RERANK) -> Sequence[Hit]:
        return find_words(self.store, query, self._seen(within), rank=rank)

    def find_closest(self, query: str, limit: int = 5, within: np.ndarray | None = None, widen: bool = True) -> list[Hit]:
        return find_closest(self.store, query, limit=limit, allowed=self._seen(within), widen=widen)

    def placed(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        return placed(self.store, query, hits)


def _ids(speaker: Speaker) -> np.ndarray:
    turn_ids = speaker.turn_ids
    return np.asarray(turn_ids.array if isinstance(turn_ids, IdList) else list(turn_ids), dtype=np.int64)


_ARCHIVES: WeakKeyDictionary[TurnStore, MemoryArchive] = WeakKeyDictionary()


def archive_of(store: TurnStore) -> MemoryArchive:
    """The archive of `store` as it is (a server's view: `archive_of(store.view(guild_id))`), one per store."""
    archive = _ARCHIVES.get(store)
    if archive is None:
        archive = _ARCHIVES[store] = MemoryArchive(store)
    return archive
