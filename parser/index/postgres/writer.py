"""Writing records into the database: in bulk with COPY, or one at a time as `/add` does.

Both paths make the same rows: the meeting; its turns with their folded text (the words'
`tsvector` is generated from it); each printed speaker label's turns, words and seconds in the
meeting; and how many turns of the guild hold each folded word (`search_word_df`), which is what
the query side weighs words with. A change is announced on `CHANNEL` when its transaction commits.
"""

from __future__ import annotations

import functools
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any

from psycopg.pq import TransactionStatus

from parser.index.postgres.schema import BULK_INDEXES, CHANNEL, SHARED
from parser.index.postgres.streams import Streams
from parser.models import Record, free_id
from parser.text import fold, stem

_stem = functools.lru_cache(maxsize=1 << 17)(stem)  # a word's stem, once: most words of a batch were in the last

POSITION_BITS = 20  # a turn's id is its meeting's seq << 20 | its position: a meeting holds < 1,048,576 turns
BATCH_BYTES = 8 << 20  # records written per COPY batch in a bulk import (by their text's size)
REBUILD_BELOW = 200_000  # turns: a bulk import into a table smaller than this builds its indexes at the end…
REBUILD_SHARE = 0.5  # …and so does one bringing at least this share of the turns already there
BULK_LOCK = 7254892  # advisory lock held by a bulk import whose indexes are away
STREAMS = 2  # connections a bulk import writes on at once
BUILD_MEMORY = "512MB"  # maintenance_work_mem for building them (the GIN build sorts in it)
TURN_COLUMNS = "guild_id, id, meeting_id, position, turn_index, speaker, text, folded, words, bytes, page, start_s, end_s, chat"


@dataclass
class _Batch:
    """What a batch of records adds to one guild's aggregates."""

    df: Counter[str] = field(default_factory=Counter)  # turns holding each folded word
    said: Counter[str] = field(default_factory=Counter)  # how often each is said (distinctive words compare these)
    turns: int = 0
    bytes: int = 0
    meetings: list[str] = field(default_factory=list)


def _labels(record: Record) -> Iterator[tuple[str, int, int, float | None, int]]:
    """(label, turns, printed words, seconds or None, first position) for each speaker label of the record."""
    first: dict[str, int] = {}
    turns: Counter[str] = Counter()
    words: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    for position, turn in enumerate(record.turns):
        first.setdefault(turn.speaker, position)
        turns[turn.speaker] += 1
        words[turn.speaker] += len(turn.text.split())
        if turn.start is not None and turn.end is not None:
            seconds[turn.speaker] = seconds.get(turn.speaker, 0.0) + max(0.0, turn.end - turn.start)
    for label, n in turns.items():
        yield label, n, words[label], seconds.get(label), first[label]


def _unique_id(conn: Any, guild_id: int, meeting_id: str, taken: set[str]) -> str:
    """A meeting id that no record the guild sees has yet (two folders, one file name: `id-2`)."""
    rows = conn.execute(
        "SELECT meeting_id FROM search_meetings WHERE guild_id = ANY(%s::bigint[]) AND (meeting_id = %s OR meeting_id LIKE %s)",
        ([guild_id, SHARED], meeting_id, meeting_id.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "-%"),
    ).fetchall()
    return free_id(meeting_id, taken | {r[0] for r in rows})


def _write(conn: Any, guild_id: int, records: list[Record], batch: _Batch) -> list[str]:
    """Meetings, turns and speaker rows of `records` (one COPY for the turns); the meeting ids used."""
    ids: list[str] = []
    placed: list[tuple[Record, str, int]] = []
    for record in records:
        meeting = record.meeting
        meeting_id = _unique_id(conn, guild_id, meeting.id, set(ids))
        words = sum(len(t.text.split()) for t in record.turns)
        (seq,) = conn.execute(
            "INSERT INTO search_meetings (guild_id, meeting_id, title, date, language, url, source, format, turns, words)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING seq",
            (
                guild_id,
                meeting_id,
                meeting.title,
                meeting.date,
                meeting.language,
                meeting.url,
                meeting.source,
                meeting.format,
                len(record.turns),
                words,
            ),
        ).fetchone()
        if len(record.turns) >= 1 << POSITION_BITS:
            raise ValueError(f"{meeting_id}: {len(record.turns)} turns is more than a meeting may hold here")
        ids.append(meeting_id)
        placed.append((record, meeting_id, seq))
    with conn.cursor().copy(f"COPY search_turns ({TURN_COLUMNS}) FROM STDIN") as copy:
        for record, meeting_id, seq in placed:
            base = seq << POSITION_BITS
            for position, turn in enumerate(record.turns):
                folded = fold(turn.text)
                size = len(turn.text.encode())
                tokens = folded.split()
                batch.df.update(set(tokens))
                batch.said.update(tokens)
                batch.bytes += size
                copy.write_row(
                    (
                        guild_id,
                        base + position,
                        meeting_id,
                        position,
                        turn.index,
                        turn.speaker,
                        turn.text,
                        folded,
                        len(turn.text.split()),
                        size,
                        turn.page,
                        turn.start,
                        turn.end,
                        record.meeting.chat or turn.chat,
                    )
                )
            batch.turns += len(record.turns)
    speaker_rows = [
        (guild_id, meeting_id, label, n, words, seconds, (seq << POSITION_BITS) + first)
        for record, meeting_id, seq in placed
        for label, n, words, seconds, first in _labels(record)
    ]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO search_speakers (guild_id, meeting_id, label, turns, words, seconds, first_turn)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            speaker_rows,
        )
    batch.meetings += ids
    return ids


def _add_counts(conn: Any, guild_id: int, batch: _Batch, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) a batch's word counts and totals to the guild's aggregates.

    The words go as arrays in the statements themselves (a temporary table cost three round trips
    and a truncation a batch), in one order, so that two writers take the dictionary's rows alike.
    """
    df, turns, size = batch.df, batch.turns, batch.bytes
    words = sorted(df)
    if sign > 0:
        conn.execute(
            "INSERT INTO search_words (word, stem) SELECT x.word, x.stem FROM unnest(%s::text[], %s::text[]) AS x(word, stem)"
            ' WHERE NOT EXISTS (SELECT FROM search_words w WHERE w.word = x.word COLLATE "C") ORDER BY x.word'
            " ON CONFLICT (word) DO NOTHING",
            (words, [_stem(w) for w in words]),
        )
    (most,) = conn.execute(
        "WITH changed AS ("
        " INSERT INTO search_word_df AS d (guild_id, word_id, df, said)"
        " SELECT %s, w.id, x.df, x.said FROM unnest(%s::text[], %s::int[], %s::bigint[]) AS x(word, df, said)"
        ' JOIN search_words w ON w.word = x.word COLLATE "C" ORDER BY w.id'
        " ON CONFLICT (guild_id, word_id) DO UPDATE SET df = d.df + excluded.df, said = d.said + excluded.said RETURNING df)"
        " SELECT coalesce(max(df), 0) FROM changed",
        (guild_id, words, [sign * df[w] for w in words], [sign * batch.said[w] for w in words]),
    ).fetchone()
    if sign < 0:
        conn.execute("DELETE FROM search_word_df WHERE guild_id = %s AND df <= 0", (guild_id,))
    conn.execute(
        "INSERT INTO search_scopes AS s (guild_id, turns, bytes, most) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (guild_id) DO UPDATE SET turns = s.turns + excluded.turns, bytes = s.bytes + excluded.bytes,"
        " most = greatest(s.most, excluded.most)",
        (guild_id, sign * turns, sign * size, most),
    )


def _notify(conn: Any, guild_id: int, action: str, meetings: list[str]) -> None:
    payload = json.dumps({"guild": guild_id, "action": action, "meetings": meetings[:20], "count": len(meetings)})
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))


def add_record(conn: Any, record: Record, guild_id: int = SHARED) -> str:
    """Store one record for one guild (or the shared ones) and announce it; its meeting id."""
    batch = _Batch()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (guild_id,))  # one writer per guild: counts stay exact
        (meeting_id,) = _write(conn, guild_id, [record], batch)
        _add_counts(conn, guild_id, batch, 1)
        _notify(conn, guild_id, "add", [meeting_id])
    return meeting_id


def remove_record(conn: Any, meeting_id: str, guild_id: int = SHARED) -> bool:
    """Take one record out of a guild (or the shared ones) and announce it; False if it was not there."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (guild_id,))
        gone = conn.execute("DELETE FROM search_meetings WHERE guild_id = %s AND meeting_id = %s", (guild_id, meeting_id))
        if not gone.rowcount:
            return False
        rows = conn.execute(
            "DELETE FROM search_turns WHERE guild_id = %s AND meeting_id = %s RETURNING folded, bytes", (guild_id, meeting_id)
        ).fetchall()
        batch = _Batch(turns=len(rows), bytes=sum(size for _, size in rows))
        for folded, _ in rows:
            words = folded.split()
            batch.df.update(set(words))
            batch.said.update(words)
        _add_counts(conn, guild_id, batch, -1)
        _notify(conn, guild_id, "remove", [meeting_id])
    return True


def _turns_about(conn: Any) -> int:
    """How many turns the table holds: exactly below `REBUILD_BELOW`, else the planner's estimate."""
    (few,) = conn.execute("SELECT count(*) FROM (SELECT 1 FROM search_turns LIMIT %s) t", (REBUILD_BELOW,)).fetchone()
    (estimate,) = conn.execute("SELECT reltuples::bigint FROM pg_class WHERE oid = 'search_turns'::regclass").fetchone()
    return max(int(few), int(estimate))


def build_indexes(conn: Any) -> None:
    """Make the indexes that are missing (all of `BULK_INDEXES` after a bulk import; none, usually)."""
    with conn.transaction():
        conn.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
        for ddl in BULK_INDEXES.values():
            conn.execute(ddl)


def import_records(
    conn: Any,
    records: Iterable[Record],
    guild_id: int = SHARED,
    guild_of: Any = None,
    rebuild: bool | None = None,
    streams: int = STREAMS,
) -> dict[str, int]:
    """Bulk import: records in batches of about `BATCH_BYTES` of text, one transaction per guild and batch.

    `guild_of(record)`, when given, says each record's guild (a benchmark spreading records over
    many); otherwise every record goes to `guild_id`. Into a small table, or one this import at
    least half doubles (`rebuild`, decided here when None), `BULK_INDEXES` are dropped first
    and built at the end: searches meanwhile are slow, not wrong. Batches are written on `streams`
    connections at once (one when the caller has a transaction open). Counts of what was written.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
        streams = 1  # the caller's transaction holds what others would wait for: all in it, on its connection
    if rebuild is None:
        with conn.transaction():
            there = _turns_about(conn)
        planned = sum(len(r.turns) for r in records) if isinstance(records, Sized) else None
        rebuild = there < REBUILD_BELOW or (planned is not None and planned >= REBUILD_SHARE * there)
    with conn.transaction():  # the session's lock outlives it; the indexes are gone for others when it commits
        if rebuild:
            conn.execute("SELECT pg_advisory_lock(%s)", (BULK_LOCK,))  # one bulk import at a time drops the indexes
            for name in BULK_INDEXES:
                conn.execute(f"DROP INDEX IF EXISTS {name}")
        else:
            (free,) = conn.execute("SELECT pg_try_advisory_lock(%s)", (BULK_LOCK,)).fetchone()
            if free:  # no bulk import is running: indexes a broken one left dropped are made again
                build_indexes(conn)
                conn.execute("SELECT pg_advisory_unlock(%s)", (BULK_LOCK,))
    try:
        totals = _import(conn, records, guild_id, guild_of, streams)
    finally:
        if rebuild:
            build_indexes(conn)
            with conn.transaction():
                conn.execute("SELECT pg_advisory_unlock(%s)", (BULK_LOCK,))
    conn.execute("ANALYZE search_turns, search_words, search_word_df, search_scopes, search_meetings, search_speakers")
    conn.commit()  # committed with the server's usual durability: the batches' quicker commits are on disk too
    return totals


def _import(conn: Any, records: Iterable[Record], guild_id: int, guild_of: Any, streams: int) -> dict[str, int]:
    pending: defaultdict[int, list[Record]] = defaultdict(list)
    size = 0
    totals = Counter({"meetings": 0, "turns": 0, "bytes": 0})
    counting = threading.Lock()

    def job(guild: int, records: list[Record]) -> Callable[[Any], None]:
        def write(conn: Any) -> None:
            batch = _Batch()
            with conn.transaction():
                conn.execute("SET LOCAL synchronous_commit = off")  # an import is run again if the server fails mid-way
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (guild,))
                _write(conn, guild, records, batch)
                _add_counts(conn, guild, batch, 1)
                _notify(conn, guild, "import", batch.meetings)
            with counting:
                totals.update({"meetings": len(batch.meetings), "turns": batch.turns, "bytes": batch.bytes})

        return write

    with Streams(conn, streams) as workers:
        for record in records:
            guild = guild_of(record) if guild_of is not None else guild_id
            pending[guild].append(record)
            size += sum(len(t.text) for t in record.turns)
            if size >= BATCH_BYTES:  # what is pending, of every guild, is written: memory stays a few batches'
                for waiting in list(pending):
                    workers.submit(job(waiting, pending.pop(waiting)))
                size = 0
        for guild in list(pending):
            workers.submit(job(guild, pending.pop(guild)))
    return dict(totals)
