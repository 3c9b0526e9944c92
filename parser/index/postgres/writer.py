"""Writing records into the database: in bulk with COPY, or one at a time as `/add` does.

Both paths make the same rows: the meeting; its turns with their folded text and their words'
`tsvector` (`to_tsvector('simple', folded)`, made here where `tsvector_text` can); each printed
speaker label's turns, words and seconds in the meeting; and how many turns of the guild hold
each folded word (`search_word_df`), which is what the query side weighs words with. A change is
announced on `CHANNEL` when its transaction commits.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from psycopg.pq import TransactionStatus

from parser.index.postgres.rows import Made, Placed, RowMaker, make_rows, merged
from parser.index.postgres.schema import BULK_INDEXES, CHANNEL, POSITION_BITS, SHARED, index_ddl, index_name, leaves
from parser.index.postgres.streams import Streams
from parser.models import Record, free_id
from parser.text import stem

_stem = functools.lru_cache(maxsize=1 << 17)(stem)  # a word's stem, once: most words of a batch were in the last

log = logging.getLogger(__name__)

BATCH_BYTES = 8 << 20  # records written per COPY batch in a bulk import (by their text's size)
REBUILD_BELOW = 200_000  # turns: a bulk import into a table smaller than this builds its indexes at the end…
REBUILD_SHARE = 0.5  # …and so does one bringing at least this share of the turns already there
BULK_LOCK = 7254892  # advisory lock held by a bulk import whose indexes are away
STREAMS = 2  # connections a bulk import writes on at once (and builds its indexes on)
WORKER_STREAMS = 3  # …when worker processes make its rows: a third keeps the server busy while two wait on them
BUILD_MEMORY = "512MB"  # maintenance_work_mem for building them (the GIN build sorts in it)
TURN_COLUMNS = (
    "guild_id, id, meeting_id, position, turn_index, speaker, text, folded, words, bytes, page, start_s, end_s, chat, tsv"
)
TURN_FOLDED = 7  # where `folded` stands in them
PROCESSES = 2  # worker processes making a bulk import's rows (0: in its threads, under one GIL)
Maker = Callable[[int, list[Placed]], Made]


@dataclass
class _Batch:
    """What a batch of records adds to one guild's aggregates."""

    df: dict[str, int] = field(default_factory=dict)  # turns holding each folded word
    said: dict[str, int] = field(default_factory=dict)  # how often each is said (distinctive words compare these)
    turns: int = 0
    bytes: int = 0
    meetings: list[str] = field(default_factory=list)


def _meeting_ids(conn: Any, guild_id: int, records: list[Record]) -> list[str]:
    """Ids for `records`' meetings that no record the guild sees has yet, nor one before it here
    (two folders, one file name: `id-2`): the ids taken asked in one statement for the batch."""
    wanted = [record.meeting.id for record in records]
    like = [w.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "-%" for w in wanted]
    rows = conn.execute(
        "SELECT meeting_id FROM search_meetings WHERE guild_id = ANY(%s::bigint[])"
        " AND (meeting_id = ANY(%s::text[]) OR meeting_id LIKE ANY(%s::text[]))",
        ([guild_id, SHARED], wanted, like),
    ).fetchall()
    taken = {r[0] for r in rows}
    ids: list[str] = []
    for meeting_id in wanted:
        ids.append(free_id(meeting_id, taken))
        taken.add(ids[-1])
    return ids


def _server_made(conn: Any, rows: list[list[Any]]) -> None:
    """The `tsvector` of `rows`, which `tsvector_text` leaves to the server, asked of it."""
    made = conn.execute(
        "SELECT to_tsvector('simple', x)::text FROM unnest(%s::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n",
        ([row[TURN_FOLDED] for row in rows],),
    ).fetchall()
    for row, (tsv,) in zip(rows, made, strict=True):
        row[-1] = tsv


def _write(conn: Any, guild_id: int, records: list[Record], batch: _Batch, make: Maker = make_rows) -> list[str]:
    """Meetings, turns and speaker rows of `records` (one statement each, a COPY for the turns,
    the rows made by `make`); the meeting ids used."""
    for record in records:
        if len(record.turns) >= 1 << POSITION_BITS:
            raise ValueError(f"{record.meeting.id}: {len(record.turns)} turns is more than a meeting may hold here")
    ids = _meeting_ids(conn, guild_id, records)
    seqs = sorted(  # the numbers the meetings' INSERTs would have drawn, one after another, drawn at once
        n
        for (n,) in conn.execute(
            "SELECT nextval(pg_get_serial_sequence('search_meetings', 'seq')) FROM generate_series(1, %s)", (len(records),)
        )
    )
    made = make(guild_id, [Placed.of(r, i, seq << POSITION_BITS) for r, i, seq in zip(records, ids, seqs, strict=True)])
    meetings = [r.meeting for r in records]
    conn.execute(
        "INSERT INTO search_meetings (guild_id, meeting_id, seq, title, date, language, url, source, format, turns, words)"
        " OVERRIDING SYSTEM VALUE SELECT %s, * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::date[], %s::text[],"
        " %s::text[], %s::text[], %s::text[], %s::int[], %s::int[])",
        (
            guild_id,
            ids,
            seqs,
            [m.title for m in meetings],
            [m.date for m in meetings],
            [m.language for m in meetings],
            [m.url for m in meetings],
            [m.source for m in meetings],
            [m.format for m in meetings],
            [len(r.turns) for r in records],
            made.words,
        ),
    )
    if made.binary:
        with conn.cursor().copy(f"COPY search_turns ({TURN_COLUMNS}) FROM STDIN (FORMAT binary)") as copy:
            copy.write(made.binary)
    if made.left:
        _server_made(conn, made.left)
    if made.left or any(made.pieces):
        with conn.cursor().copy(f"COPY search_turns ({TURN_COLUMNS}) FROM STDIN") as copy:
            for piece, row in zip(made.pieces, [*made.left, None], strict=True):
                copy.write(piece)
                if row is not None:
                    copy.write_row(row)
    # by column: meeting ids, labels, turns, words, seconds, first turns
    columns = [list(c) for c in zip(*made.speakers, strict=True)] if made.speakers else [[] for _ in range(6)]
    conn.execute(
        "INSERT INTO search_speakers (guild_id, meeting_id, label, turns, words, seconds, first_turn) SELECT %s, *"
        " FROM unnest(%s::text[], %s::text[], %s::int[], %s::int[], %s::float8[], %s::bigint[])",
        (guild_id, *columns),
    )
    batch.df = merged(batch.df, made.df)
    batch.said = merged(batch.said, made.said)
    batch.turns += made.turns
    batch.bytes += made.bytes
    batch.meetings += ids
    return ids


def _word_ids(conn: Any, words: Iterable[str], known: dict[str, int], add: bool) -> dict[str, int]:
    """The dictionary's ids of those of `words` not in `known` (ids never change: words are never
    taken out), the ones it lacks added first when `add`.

    New words go in sorted, so that two writers adding some of the same wait for each other rather
    than deadlock; a word another writer added since this statement began is read again after.
    """
    missing = sorted(set(words).difference(known))  # C-level: it looks each word up in `known`
    if not missing:
        return {}
    wanted = " ".join(missing)  # folded words hold no space
    if add:
        rows = conn.execute(
            "WITH x AS (SELECT word, stem FROM unnest(string_to_array(%s, ' '), string_to_array(%s, ' ')) AS x(word, stem)),"
            ' old AS (SELECT w.word, w.id FROM x JOIN search_words w ON w.word = x.word COLLATE "C"),'
            " new AS (INSERT INTO search_words (word, stem) SELECT word, stem FROM x"
            ' WHERE NOT EXISTS (SELECT FROM old WHERE old.word = x.word COLLATE "C") ORDER BY word'
            " ON CONFLICT (word) DO NOTHING RETURNING word, id)"
            " SELECT word, id FROM old UNION ALL SELECT word, id FROM new",
            (wanted, " ".join(map(_stem, missing))),
        ).fetchall()
        found = dict(rows)
        if len(found) == len(missing):
            return found
        wanted = " ".join(w for w in missing if w not in found)
    else:
        found = {}
    rows = conn.execute(
        "SELECT w.word, w.id FROM unnest(string_to_array(%s, ' ')) AS x(word)"
        ' JOIN search_words w ON w.word = x.word COLLATE "C"',
        (wanted,),
    ).fetchall()
    found.update(rows)
    return found


def _add_counts(conn: Any, guild_id: int, batch: _Batch, sign: int, known: dict[str, int] | None = None) -> dict[str, int]:
    """Add (sign 1) or take away (sign -1) a batch's word counts and totals to the guild's aggregates;
    the ids of the words `known` lacked (to keep once the transaction commits: a rollback may take
    the words it added away).

    The words go in the statements as strings split by the server (arrays of the client's cost a
    Python call per element), keyed by their ids. A guild without counts yet (a bulk import's
    first batch of it) gets them inserted, not merged: one writer of a guild at a time (the
    caller's advisory lock), so none can come in between.
    """
    known = {} if known is None else known
    df, said = batch.df, batch.said
    fresh = _word_ids(conn, df, known, add=sign > 0)
    # by C-level maps where they can: a batch's words are tens of thousands
    ids = map(known.__getitem__, df) if not fresh else (known[w] if w in known else fresh[w] for w in df)
    counts = (
        guild_id,
        " ".join(map(str, ids)),
        " ".join(map(str, df.values())) if sign > 0 else " ".join(str(-n) for n in df.values()),
        " ".join(map(str, map(said.__getitem__, df))) if sign > 0 else " ".join(str(-said[w]) for w in df),
    )
    unnest = "unnest(string_to_array(%s, ' ')::int[], string_to_array(%s, ' ')::int[], string_to_array(%s, ' ')::bigint[])"
    if sign > 0 and conn.execute("SELECT NOT EXISTS (SELECT FROM search_word_df WHERE guild_id = %s)", (guild_id,)).fetchone()[0]:
        conn.execute(
            "INSERT INTO search_word_df (guild_id, word_id, df, said)"
            f" SELECT %s, x.id, x.df, x.said FROM {unnest} AS x(id, df, said) ORDER BY x.id",
            counts,
        )
        most = max(df.values(), default=0)
    else:
        (most,) = conn.execute(
            "WITH changed AS ("
            " INSERT INTO search_word_df AS d (guild_id, word_id, df, said)"
            f" SELECT %s, x.id, x.df, x.said FROM {unnest} AS x(id, df, said) ORDER BY x.id"
            " ON CONFLICT (guild_id, word_id) DO UPDATE SET df = d.df + excluded.df, said = d.said + excluded.said RETURNING df)"
            " SELECT coalesce(max(df), 0) FROM changed",
            counts,
        ).fetchone()
    if sign < 0:
        conn.execute("DELETE FROM search_word_df WHERE guild_id = %s AND df <= 0", (guild_id,))
    conn.execute(
        "INSERT INTO search_scopes AS s (guild_id, turns, bytes, most) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (guild_id) DO UPDATE SET turns = s.turns + excluded.turns, bytes = s.bytes + excluded.bytes,"
        " most = greatest(s.most, excluded.most)",
        (guild_id, sign * batch.turns, sign * batch.bytes, most),
    )
    return fresh


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
        gone = conn.execute(
            "DELETE FROM search_meetings WHERE guild_id = %s AND meeting_id = %s RETURNING seq", (guild_id, meeting_id)
        ).fetchone()
        if gone is None:
            return False
        rows = conn.execute(  # its turns are the ids of its seq (`POSITION_BITS`)
            "DELETE FROM search_turns WHERE guild_id = %s AND id BETWEEN %s AND %s RETURNING folded, bytes",
            (guild_id, gone[0] << POSITION_BITS, ((gone[0] + 1) << POSITION_BITS) - 1),
        ).fetchall()
        said = [folded.split() for folded, _ in rows]
        batch = _Batch(
            Counter(chain.from_iterable(map(set, said))),
            Counter(chain.from_iterable(said)),
            turns=len(rows),
            bytes=sum(size for _, size in rows),
        )
        _add_counts(conn, guild_id, batch, -1)
        _notify(conn, guild_id, "remove", [meeting_id])
    return True


def _turns_about(conn: Any) -> int:
    """How many turns the table holds: exactly below `REBUILD_BELOW`, else the planner's estimate."""
    (few,) = conn.execute("SELECT count(*) FROM (SELECT 1 FROM search_turns LIMIT %s) t", (REBUILD_BELOW,)).fetchone()
    (estimate,) = conn.execute(
        "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_partition_tree('search_turns') p"
        " JOIN pg_class c ON c.oid = p.relid WHERE p.isleaf"
    ).fetchone()
    return max(int(few), int(estimate))


def _build(ddl: str) -> Callable[[Any], None]:
    def build(conn: Any) -> None:
        with conn.transaction():
            conn.execute(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'")
            conn.execute(ddl)

    return build


def _analyze(table: str) -> Callable[[Any], None]:
    def analyze(conn: Any) -> None:
        conn.execute(f"ANALYZE {table}")
        conn.commit()

    return analyze


def build_indexes(conn: Any, streams: int = 1) -> None:
    """Make the indexes that are missing (all of `BULK_INDEXES` after a bulk import; none, usually),
    on `streams` connections at once. A partitioned table's are built partition by partition (a
    GIN build is one process's work: on two connections, two partitions at once), then made the
    table's, which takes the partitions' as they are. An unpartitioned table's goes first: one
    long build (the word counts', 6.5M rows at 10M turns), which last left the other connections idle."""
    with conn.transaction():
        missing = [name for name in BULK_INDEXES if conn.execute("SELECT to_regclass(%s) IS NULL", (name,)).fetchone()[0]]
        parts = _partitions(conn)
    whole = [name for name in missing if not parts[BULK_INDEXES[name][0]]]
    with Streams(conn, streams) as workers:
        for name in whole:
            workers.submit(_build(index_ddl(name)))
        for name in missing:  # a partitioned table's index, where it is there, is on every partition
            for leaf in parts[BULK_INDEXES[name][0]]:
                workers.submit(_build(index_ddl(name, leaf)))
    for name in missing:
        if name not in whole:
            _build(index_ddl(name))(conn)


AGGREGATES = ("search_words", "search_word_df", "search_scopes", "search_meetings", "search_speakers")


def _analyze_tables(conn: Any, streams: int) -> None:
    """The planner's statistics of what an import wrote: the turns' partitions on `streams`
    connections at once (a partition's `tsvector` statistics are most of it)."""
    with conn.transaction():
        tables = [*leaves(conn, "search_turns"), *AGGREGATES]
    if streams == 1:
        conn.execute(f"ANALYZE {', '.join(tables)}")
        return
    with Streams(conn, streams) as workers:
        for table in tables:
            workers.submit(_analyze(table))


def _partitions(conn: Any) -> dict[str, list[str]]:
    """The partitions of each table `BULK_INDEXES` are on (none: the table is not partitioned)."""
    tables = {table for table, _ in BULK_INDEXES.values()}
    return {table: [leaf for leaf in leaves(conn, table) if leaf != table] for table in tables}


def _drop_indexes(conn: Any) -> None:
    parts = _partitions(conn)
    for name, (table, _) in BULK_INDEXES.items():
        conn.execute(f"DROP INDEX IF EXISTS {name}")
        for leaf in parts[table]:  # a partition's, built by an import that died before making it the table's
            conn.execute(f"DROP INDEX IF EXISTS {index_name(name, leaf)}")


def import_records(
    conn: Any,
    records: Iterable[Record],
    guild_id: int = SHARED,
    guild_of: Any = None,
    rebuild: bool | None = None,
    streams: int = STREAMS,
    processes: int = PROCESSES,
    batch_bytes: int = BATCH_BYTES,
) -> dict[str, int]:
    """Bulk import: records in batches of about `BATCH_BYTES` of text, one transaction per guild and batch.

    `guild_of(record)`, when given, says each record's guild (a benchmark spreading records over
    many); otherwise every record goes to `guild_id`. Into a small table, or one this import at
    least half doubles (`rebuild`, decided here when None), `BULK_INDEXES` are dropped first
    and built at the end: searches meanwhile are slow, not wrong. Batches are written on `streams`
    connections at once (one when the caller has a transaction open; one more, `WORKER_STREAMS`,
    when `processes` worker processes make their rows, from the first full batch on: `rows.RowMaker`;
    with one stream, here). Counts of what was written.
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
            _drop_indexes(conn)
        else:
            (free,) = conn.execute("SELECT pg_try_advisory_lock(%s)", (BULK_LOCK,)).fetchone()
            if free:  # no bulk import is running: indexes a broken one left dropped are made again
                build_indexes(conn)
                conn.execute("SELECT pg_advisory_unlock(%s)", (BULK_LOCK,))
    began = time.perf_counter()
    try:
        writers = streams + WORKER_STREAMS - STREAMS if streams > 1 and processes > 0 else streams
        totals = _import(conn, records, guild_id, guild_of, writers, processes if streams > 1 else 0, batch_bytes)
    finally:
        written = time.perf_counter()
        if rebuild:
            build_indexes(conn, streams)
            with conn.transaction():
                conn.execute("SELECT pg_advisory_unlock(%s)", (BULK_LOCK,))
    built = time.perf_counter()
    _analyze_tables(conn, streams)
    conn.commit()  # committed with the server's usual durability: the batches' quicker commits are on disk too
    log.info(
        "bulk import: %d turns written in %.1f s, indexes built in %.1f s, statistics in %.1f s",
        totals["turns"],
        written - began,
        built - written,
        time.perf_counter() - built,
    )
    return totals


def _import(
    conn: Any, records: Iterable[Record], guild_id: int, guild_of: Any, streams: int, processes: int, batch_bytes: int
) -> dict[str, int]:
    pending: defaultdict[int, list[Record]] = defaultdict(list)
    size = 0
    totals = Counter({"meetings": 0, "turns": 0, "bytes": 0})
    counting = threading.Lock()
    known: dict[str, int] = {}  # the dictionary's ids of the words met, for every batch of this import

    def job(guild: int, records: list[Record]) -> Callable[[Any], None]:
        def write(conn: Any) -> None:
            batch = _Batch()
            with conn.transaction():
                conn.execute("SET LOCAL synchronous_commit = off")  # an import is run again if the server fails mid-way
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (guild,))
                _write(conn, guild, records, batch, make)
                fresh = _add_counts(conn, guild, batch, 1, known)
                _notify(conn, guild, "import", batch.meetings)
            with counting:
                known.update(fresh)  # written for the rest of this import (words are never taken out)
                totals.update({"meetings": len(batch.meetings), "turns": batch.turns, "bytes": batch.bytes})

        return write

    with RowMaker(processes) as make, Streams(conn, streams) as workers:
        for record in records:
            guild = guild_of(record) if guild_of is not None else guild_id
            pending[guild].append(record)
            size += sum(len(t.text) for t in record.turns)
            if size >= batch_bytes:  # what is pending, of every guild, is written: memory stays a few batches'
                make.start()  # a small import is not worth the workers' start
                for waiting in list(pending):
                    workers.submit(job(waiting, pending.pop(waiting)))
                size = 0
        for guild in list(pending):
            workers.submit(job(guild, pending.pop(guild)))
    return dict(totals)
