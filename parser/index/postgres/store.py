"""`PgStore`: the questions the commands ask of the records, answered from PostgreSQL.

A store serves every guild: each call names the guild asking (None for a DM), and sees that
guild's records and the shared ones, never another guild's. Meetings, speakers and their counts
come from aggregates kept when records are written; searches from `parser.index.postgres.search`
and `parser.index.postgres.closest`.
Every call takes a pooled connection, so a server that is away costs `RecordsUnavailable`, not a crash.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from parser.index.postgres import closest, search
from parser.index.postgres.connect import WAIT, Database
from parser.index.postgres.filters import Where
from parser.index.postgres.schema import POSITION_BITS, SHARED, migrate
from parser.index.postgres.search import TURN, Found, Phrased, found
from parser.index.search import RERANK
from parser.index.speakers import Speaker, SpeakerIndex, Tally
from parser.models import Meeting, Turn

_MEETING = "meeting_id, title, date, language, url, source, format"
_LAST = (1 << POSITION_BITS) - 1  # the last position a meeting may have
# a meeting's turns by their ids' range (each side told the scope: planned on its partitions only)
_MEETING_TURNS = (
    "FROM search_meetings m JOIN search_turns t ON t.guild_id = m.guild_id"
    f" AND t.id BETWEEN (m.seq << {POSITION_BITS}) + %(first)s AND (m.seq << {POSITION_BITS}) + %(last)s"
    " WHERE m.guild_id = ANY(%(scope)s::bigint[]) AND t.guild_id = ANY(%(scope)s::bigint[]) AND m.meeting_id = %(meeting)s"
)
CONTEXT_SQL = f"SELECT {TURN} {_MEETING_TURNS} ORDER BY t.id"
POSITION_SQL = (
    "SELECT t.position "
    + _MEETING_TURNS.replace("%(first)s", "0").replace("%(last)s", "m.turns - 1")
    + " AND t.turn_index = %(index)s ORDER BY t.id LIMIT 1"
)


def scope_of(guild_id: int | None) -> list[int]:
    """The guilds whose records a guild sees: its own and the shared ones (a DM: the shared ones)."""
    return [SHARED] if guild_id is None or guild_id == SHARED else [guild_id, SHARED]


class SpeakerTurns(Sequence[int]):
    """A speaker's turns in a scope: counted from the aggregates, their row ids fetched only if read."""

    def __init__(self, store: PgStore, scope: list[int], labels: Iterable[str], count: int) -> None:
        self._store, self._scope, self._labels, self._count = store, scope, list(labels), count
        self._fetched: list[int] | None = None

    def __len__(self) -> int:
        return self._count

    def _ids(self) -> list[int]:
        if self._fetched is None:
            with self._store.db.connection() as conn:
                rows = conn.execute(
                    "SELECT id FROM search_turns WHERE guild_id = ANY(%s::bigint[]) AND speaker = ANY(%s::text[]) ORDER BY id",
                    (self._scope, self._labels),
                ).fetchall()
            self._fetched = [r[0] for r in rows]
        return self._fetched

    def __getitem__(self, i: Any) -> Any:
        return self._ids()[i]

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids())


class PgStore:
    """The records of every guild in one PostgreSQL database."""

    def __init__(
        self, url: str, aliases: Mapping[str, Iterable[str]] | None = None, max_connections: int = 4, wait: float = WAIT
    ) -> None:
        self.db = Database(url, max_size=max_connections, wait=wait)
        self.aliases = aliases

    def migrate(self) -> int:
        with self.db.connection() as conn:
            return migrate(conn)

    def close(self) -> None:
        self.db.close()

    # searches -------------------------------------------------------------------------------

    def find_phrase(self, guild_id: int | None, phrase: str, where: Where | None = None, shown: int | None = None) -> Phrased:
        with self.db.connection() as conn:
            return search.find_phrase(conn, scope_of(guild_id), phrase, where, shown)

    def find_words(
        self, guild_id: int | None, query: str, where: Where | None = None, rank: int = RERANK
    ) -> tuple[list[Found], int]:
        with self.db.connection() as conn:
            return search.find_words(conn, scope_of(guild_id), query, where, rank)

    def find_closest(
        self, guild_id: int | None, query: str, limit: int = 5, where: Where | None = None, pool: int | None = None
    ) -> list[Found]:
        with self.db.connection() as conn:
            return closest.find_closest(conn, scope_of(guild_id), query, limit, where, pool)

    # meetings, turns ------------------------------------------------------------------------

    def meetings(self, guild_id: int | None) -> dict[str, Meeting]:
        """The meetings a guild sees, in the order they were added (shared first when loaded first)."""
        with self.db.connection() as conn:
            rows = conn.execute(
                f"SELECT {_MEETING} FROM search_meetings WHERE guild_id = ANY(%s::bigint[]) ORDER BY seq", (scope_of(guild_id),)
            ).fetchall()
        return {r[0]: Meeting(id=r[0], title=r[1], date=r[2], language=r[3], url=r[4], source=r[5], format=r[6]) for r in rows}

    def meeting_turns(self, guild_id: int | None, meeting_id: str) -> int:
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT turns FROM search_meetings WHERE guild_id = ANY(%s::bigint[]) AND meeting_id = %s",
                (scope_of(guild_id), meeting_id),
            ).fetchone()
        return int(row[0]) if row else 0

    def context(self, guild_id: int | None, meeting_id: str, position: int, around: int) -> list[Found]:
        """The turns `around` either side of the meeting's turn at `position` (0-based), cut at its ends."""
        with self.db.connection() as conn:
            first, last = max(0, position - around), min(position + around, _LAST)
            rows = conn.execute(
                CONTEXT_SQL, {"first": first, "last": last, "scope": scope_of(guild_id), "meeting": meeting_id}
            ).fetchall()
        return [found(row, 100.0, None) for row in rows]

    def position(self, guild_id: int | None, meeting_id: str, turn_index: int) -> int | None:
        """Where the record's turn number `turn_index` stands in its meeting (None: no such turn)."""
        with self.db.connection() as conn:
            row = conn.execute(POSITION_SQL, {"scope": scope_of(guild_id), "meeting": meeting_id, "index": turn_index}).fetchone()
        return None if row is None else int(row[0])

    def turns(self, guild_id: int | None, meeting_id: str) -> list[Turn]:
        return [f.turn for f in self.context(guild_id, meeting_id, 0, 1 << 30)]

    # speakers, counts -----------------------------------------------------------------------

    def _labels(self, scope: list[int], meeting_id: str | None = None) -> list[tuple[str, list[str], int, int, float | None]]:
        """(label, meetings, turns, words, seconds) of each printed speaker label, in order of first appearance."""
        only = " AND meeting_id = %s" if meeting_id is not None else ""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT s.label, array_agg(s.meeting_id ORDER BY s.first_turn), sum(s.turns)::bigint, sum(s.words)::bigint,"
                " sum(s.seconds) FROM search_speakers s"
                f" WHERE s.guild_id = ANY(%s::bigint[]){only.replace('meeting_id', 's.meeting_id')}"
                " GROUP BY s.label ORDER BY min(s.first_turn)",
                (scope, meeting_id) if meeting_id is not None else (scope,),
            ).fetchall()
        return [(r[0], r[1], int(r[2]), int(r[3]), r[4]) for r in rows]

    def speakers(self, guild_id: int | None) -> SpeakerIndex:
        """The guild's speakers, grouped and resolved as in memory (`SpeakerIndex`), from label counts."""
        scope = scope_of(guild_id)
        index = SpeakerIndex(self.aliases)
        for label, meetings, turns, _, _ in self._labels(scope):
            speaker = index.add_label(label, np.zeros(0, dtype=np.int64), meetings)
            speaker.labels[label] += turns  # the count from the aggregate; the row ids stay in the database
        index.finish()
        for speaker in index.speakers:
            speaker.turn_ids = SpeakerTurns(self, scope, speaker.labels, sum(speaker.labels.values()))
        return index

    def tally(self, guild_id: int | None, meeting_id: str | None = None) -> list[Tally]:
        """Who spoke how much (turns, words, seconds), by resolved speaker, most words first."""
        index = self.speakers(guild_id)
        by_name: dict[str, list[Any]] = {}
        for label, _, turns, words, seconds in self._labels(scope_of(guild_id), meeting_id):
            name = index.speaker_of(label).name
            row = by_name.setdefault(name, [0, 0, None])
            row[0] += turns
            row[1] += words
            if seconds is not None:
                row[2] = (row[2] or 0.0) + seconds
        tallies = [Tally(name, t, w, s) for name, (t, w, s) in by_name.items()]
        return sorted(tallies, key=lambda t: (-t.words, -t.turns, t.name))

    def speaker_meetings(self, guild_id: int | None, speaker: Speaker) -> list[str]:
        """The meetings a speaker spoke in, in record order."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT s.meeting_id FROM search_speakers s WHERE s.guild_id = ANY(%s::bigint[])"
                " AND s.label = ANY(%s::text[]) GROUP BY s.meeting_id ORDER BY min(s.first_turn)",
                (scope_of(guild_id), list(speaker.labels)),
            ).fetchall()
        return [r[0] for r in rows]

    def totals(self, guild_id: int | None) -> Counter[str]:
        """How many meetings, turns and printed words a guild sees."""
        with self.db.connection() as conn:
            row = conn.execute(
                "SELECT count(*), coalesce(sum(turns), 0), coalesce(sum(words), 0) FROM search_meetings"
                " WHERE guild_id = ANY(%s::bigint[])",
                (scope_of(guild_id),),
            ).fetchone()
        return Counter({"meetings": int(row[0]), "turns": int(row[1]), "words": int(row[2])})

    # autocomplete ---------------------------------------------------------------------------

    def complete_meetings(self, guild_id: int | None, typed: str, limit: int = 25) -> list[tuple[str, str]]:
        """(id, title) of meetings whose id starts with, or whose title holds, what was typed; newest first."""
        pattern = typed.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT meeting_id, title FROM search_meetings WHERE guild_id = ANY(%s::bigint[])"
                " AND (meeting_id ILIKE %s OR title ILIKE %s) ORDER BY date DESC NULLS LAST, seq DESC LIMIT %s",
                (scope_of(guild_id), pattern + "%", "%" + pattern + "%", limit),
            ).fetchall()
        return [(r[0], r[1]) for r in rows]

    def complete_speakers(self, guild_id: int | None, typed: str, limit: int = 25) -> list[str]:
        """Speaker names that fit what was typed, best first (as `!speaker` resolves them)."""
        if not typed.strip():
            index = self.speakers(guild_id)
            return [s.name for s in sorted(index.speakers, key=lambda s: -len(s.turn_ids))[:limit]]
        return [m.speaker.name for m in self.speakers(guild_id).resolve(typed, limit)]
