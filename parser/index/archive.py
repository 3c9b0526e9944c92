"""`Archive`: what one server sees of the records, and every question the commands ask of it.

Two stores answer it: the in-memory `TurnStore` (`parser.index.memory_archive`) and PostgreSQL
(`parser.index.postgres.archive`). The commands (`bot/commands/`) hold the command logic —
filters, pages, verdicts, wording — and ask an `Archive` for candidates, turns and counts, so both
stores give the same answers by the same rules. Turn ids are the store's own (positions in
memory, row ids in PostgreSQL): opaque to the commands, stable while an archive lives, and in
record order (a meeting's turns have increasing ids).

An archive never changes: records added or removed make a new one. That is what lets the
commands cache whole-archive figures (corpus `!stats`) on the archive object.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from parser.index.rank import Lexicon
from parser.index.search import Hit
from parser.index.speakers import Speaker, SpeakerIndex, Tally
from parser.models import Meeting, Turn


@dataclass(frozen=True)
class Narrowing:
    """What a search is narrowed to, as the filters resolved it; each empty field: no condition."""

    speakers: tuple[Speaker, ...] = ()
    meetings: tuple[str, ...] = ()
    dates: tuple[tuple[dt.date, dt.date], ...] = ()
    languages: tuple[str, ...] = ()  # lower case

    @property
    def active(self) -> bool:
        return bool(self.speakers or self.meetings or self.dates or self.languages)

    def fits(self, meeting: Meeting) -> bool:
        """Whether the meetings, dates and languages (not the speakers) keep `meeting`."""
        if self.meetings and meeting.id not in self.meetings:
            return False
        if self.dates and (meeting.date is None or not any(a <= meeting.date <= b for a, b in self.dates)):
            return False
        return not self.languages or (meeting.language or "").lower() in self.languages


# An archive's own form of a narrowing (a mask of turns, SQL conditions): made by `narrow`,
# passed back to the same archive's searches unopened. None everywhere means every turn seen.
Within: TypeAlias = Any


@dataclass(frozen=True)
class Verbatim:
    """The turns holding a phrase as written: how many, whose (most first), and the few to show."""

    total: int
    said_by: list[tuple[str, int]]  # (resolved speaker, turns), most turns first, first said breaking ties
    shown: list[Hit]  # the top speakers' first turns (at most `shown` asked), spans located


@dataclass(frozen=True)
class MeetingFigures:
    """One meeting's size and who spoke in it."""

    turns: int
    words: int  # printed words (whitespace-separated pieces of each turn's text)
    speakers: list[str]  # resolved names, most turns first


@dataclass(frozen=True)
class SpeakerIn:
    """One speaker's part of one meeting."""

    meeting_id: str
    turns: int
    words: int
    meeting_words: int  # every speaker's words in that meeting


class Archive(Protocol):
    """The records a server sees (its own and the shared ones; a DM the shared ones)."""

    # ----- what is seen -----
    @property
    def meetings(self) -> Mapping[str, Meeting]:
        """Every meeting seen, by id, in record order."""
        ...

    @property
    def speakers(self) -> SpeakerIndex:
        """The speakers seen, grouped and resolved as `!speaker` resolves names. A speaker's
        `turn_ids` has the right length; its items may be fetched only when read."""
        ...

    def totals(self) -> tuple[int, int, int]:
        """(meetings, turns, printed words) seen."""
        ...

    # ----- one turn -----
    def turn(self, turn_id: int) -> Turn: ...

    def text(self, turn_id: int) -> str:
        """The turn's words as printed (cheaper than `turn` where only they are needed)."""
        ...

    def speaker_name(self, turn_id: int) -> str:
        """The resolved speaker of the turn (what replies show beside the printed label)."""
        ...

    def next_of_speaker(self, turn_id: int, within: int) -> int | None:
        """The same speaker's next turn in the same meeting, if it comes within `within` turns."""
        ...

    def next_of_speakers(self, turn_ids: Collection[int], within: int) -> dict[int, int | None]:
        """`next_of_speaker` of each of these turns, asked at once (a verdict weighs eight)."""
        ...

    # ----- one meeting -----
    def meeting_turns(self, meeting_id: str, first: int = 0, stop: int | None = None) -> list[int]:
        """Ids of the meeting's turns from position `first` to `stop` (exclusive; None: its end)."""
        ...

    def meeting_size(self, meeting_id: str) -> int:
        """How many turns the meeting has."""
        ...

    def position(self, meeting_id: str, turn_index: int) -> int | None:
        """Where the turn numbered `turn_index` (as hits show it) stands in its meeting; None if none."""
        ...

    def meeting_figures(self, meeting_id: str) -> MeetingFigures: ...

    # ----- counting -----
    def tally(self, meeting_id: str | None = None) -> list[Tally]:
        """Turns, words and seconds per resolved speaker in one meeting (None: every meeting
        seen), most words first; `seconds` only for speakers with timed turns."""
        ...

    def speaker_meetings(self, speaker: Speaker) -> list[SpeakerIn]:
        """The speaker's part of each meeting they spoke in, in record order."""
        ...

    def speaker_seconds(self, speaker: Speaker) -> float | None:
        """How long the speaker spoke, over their timed turns (None: none is timed)."""
        ...

    def first_turns(self, speaker: Speaker, count: int) -> list[int]:
        """The speaker's first `count` turns, in record order."""
        ...

    def distinctive_words(self, speaker: Speaker, stop: Collection[str], limit: int) -> list[str]:
        """Words the speaker uses most and everyone else seen least (`tally.log_odds`, leaving out
        `stop`), as the speaker prints them."""
        ...

    # ----- searching -----
    def narrow(self, narrowing: Narrowing) -> Within | None:
        """The archive's form of a narrowing (None: every turn seen); `NothingFits` if it keeps no turn."""
        ...

    def only(self, hits: Sequence[Hit], within: Within | None) -> Within | None:
        """A narrowing to these turns (and `within`): a second quoted phrase searched among the first's."""
        ...

    def lexicon(self, words: list[str], loose: bool = False) -> Lexicon:
        """What `rank.analyse` weighs the folded query `words` with (the store's vocabulary)."""
        ...

    def word_turns(self, word: str) -> int | None:
        """How many turns seen hold the folded word (None: no turn does): compounds and rarity."""
        ...

    def words_turns(self, words: Collection[str]) -> dict[str, int | None]:
        """`word_turns` of each of these words, asked at once: the compound check counts dozens."""
        ...

    def adjacent(self, first: str, second: str) -> bool:
        """Whether some turn seen says the two folded words one after the other."""
        ...

    def pair_turns(self, first: str, second: str) -> int | None:
        """How many turns say the two folded words one after the other, where the store knows it
        without reading turns (None: it does not): how often a phrase's words follow each other,
        for the verdict's odds of a chance chain (`evidence.Odds`)."""
        ...

    def find_phrase(self, phrase: str, within: Within | None = None) -> Sequence[Hit]:
        """Turns holding `phrase` as written (after folding), most occurrences first, then record
        order. `len` is the total; hits past the first few may come without a span (`placed`)."""
        ...

    def verbatim(self, phrase: str, within: Within | None, shown: int) -> Verbatim | None:
        """The phrase as `!whosaid` reports it word for word; None when no turn holds it."""
        ...

    def find_words(self, query: str, within: Within | None = None, rank: int = 50) -> Sequence[Hit]:
        """Turns holding every word (a stem, a typo or a missing accent allowed), best first; the
        first `rank` scored in full. `len` is the total; the sequence may have `exact`: how many
        of the first hold the words themselves (the rest a typo or a lookalike)."""
        ...

    def find_closest(self, query: str, limit: int = 5, within: Within | None = None, widen: bool = True) -> list[Hit]:
        """The turns whose words come closest to `query`, whatever is missing or misspelt."""
        ...

    def placed(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        """The hits with their matched span located in the turn's text (scored where not yet)."""
        ...


class NothingFits(Exception):
    """A narrowing that keeps no turn; the command says so in its own words."""
