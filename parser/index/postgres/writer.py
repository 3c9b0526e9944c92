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
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from psycopg.pq import TransactionStatus

from parser.index.postgres.schema import BULK_INDEXES, CHANNEL, SHARED, index_ddl, index_name, leaves
from parser.index.postgres.streams import Streams
from parser.index.postgres.tsvector import tsvector_text
from parser.models import Record, free_id
from parser.text import stem, tokens

_stem = functools.lru_cache(maxsize=1 << 17)(stem)  # a word's stem, once: most words of a batch were in the last

log = logging.getLogger(__name__)

POSITION_BITS = 20  # a turn's id is its meeting's seq << 20 | its position: a meeting holds < 1,048,576 turns
BATCH_BYTES = 8 << 20  # records written per COPY batch in a bulk import (by their text's size)
REBUILD_BELOW = 200_000  # turns: a bulk import into a table smaller than this builds its indexes at the end…
REBUILD_SHARE = 0.5  # …and so does one bringing at least this share of the turns already there
BULK_LOCK = 7254892  # advisory lock held by a bulk import whose indexes are away
STREAMS = 2  # connections a bulk import writes on at once
BUILD_MEMORY = "512MB"  # maintenance_work_mem for building them (the GIN build sorts in it)
TURN_COLUMNS = (
    "guild_id, id, meeting_id, position, turn_index, speaker, text, folded, words, bytes, page, start_s, end_s, chat, tsv"
)
TURN_FOLDED = 7  # where `folded` stands in them


@dataclass
class _Batch:
    """What a batch of records adds to one guild's aggregates."""

    df: Counter[str] = field(default_factory=Counter)  # turns holding each folded word
    said: Counter[str] = field(default_factory=Counter)  # how often each is said (distinctive words compare these)
    turns: int = 0
    bytes: int = 0
    meetings: list[str] = field(default_factory=list)


def _labels(record: Record, printed: list[int]) -> Iterator[tuple[str, int, int, float | None, int]]:
    """(label, turns, printed words, seconds or None, first position) for each speaker label of the record
    (`printed` is each turn's count of printed words)."""
    first: dict[str, int] = {}
    turns: Counter[str] = Counter()
    words: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    for position, turn in enumerate(record.turns):
        first.setdefault(turn.speaker, position)
        turns[turn.speaker] += 1
        words[turn.speaker] += printed[position]
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


def _server_made(conn: Any, rows: list[list[Any]], left: list[int]) -> None:
    """The `tsvector` of the rows at `left`, which `tsvector_text` leaves to the server, asked of it."""
    made = conn.execute(
        "SELECT to_tsvector('simple', x)::text FROM unnest(%s::text[]) WITH ORDINALITY AS u(x, n) ORDER BY n",
        ([rows[i][TURN_FOLDED] for i in left],),
    ).fetchall()
    for i, (tsv,) in zip(left, made, strict=True):
        rows[i][-1] = tsv


def _turn_rows(
    rows: list[list[Any]],
    left: list[int],
    guild_id: int,
    record: Record,
    meeting_id: str,
    base: int,
    printed: list[int],
    batch: _Batch,
) -> None:
    """The COPY rows of a record's turns added to `rows` (those whose tsvector is left to the server
    noted in `left`), and their words counted in `batch`: per record, as one C call for each count."""
    said: list[list[str]] = []
    chat = record.meeting.chat
    for position, turn in enumerate(record.turns):
        text = turn.text
        words = tokens(text)
        said.append(words)
        folded = " ".join(words)
        tsv = tsvector_text(folded, words)
        if tsv is None:
            left.append(len(rows))
        size = len(text.encode())
        batch.bytes += size
        rows.append(
            [
                guild_id,
                base + position,
                meeting_id,
                position,
                turn.index,
                turn.speaker,
                text,
                folded,
                printed[position],
                size,
                turn.page,
                turn.start,
                turn.end,
                chat or turn.chat,
                tsv,
            ]
        )
    batch.said.update(chain.from_iterable(said))
    batch.df.update(chain.from_iterable(map(set, said)))
    batch.turns += len(record.turns)


def _write(conn: Any, guild_id: int, records: list[Record], batch: _Batch) -> list[str]:
    """Meetings, turns and speaker rows of `records` (one COPY for the turns); the meeting ids used."""
    ids: list[str] = []
    placed: list[tuple[Record, str, int, list[int]]] = []
    for record in records:
        meeting = record.meeting
        meeting_id = _unique_id(conn, guild_id, meeting.id, set(ids))
        printed = [len(t.text.split()) for t in record.turns]
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
                sum(printed),
            ),
        ).fetchone()
        if len(record.turns) >= 1 << POSITION_BITS:
            raise ValueError(f"{meeting_id}: {len(record.turns)} turns is more than a meeting may hold here")
        ids.append(meeting_id)
        placed.append((record, meeting_id, seq, printed))
    rows: list[list[Any]] = []
    left: list[int] = []  # rows whose tsvector the server makes
    for record, meeting_id, seq, printed in placed:
        _turn_rows(rows, left, guild_id, record, meeting_id, seq << POSITION_BITS, printed, batch)
    if left:
        _server_made(conn, rows, left)
    with conn.cursor().copy(f"COPY search_turns ({TURN_COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    speaker_rows = [
        (guild_id, meeting_id, label, n, words, seconds, (seq << POSITION_BITS) + first)
        for record, meeting_id, seq, printed in placed
        for label, n, words, seconds, first in _labels(record, printed)
    ]
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO search_speakers (guild_id, meeting_id, label, turns, words, seconds, first_turn)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            speaker_rows,
        )
    batch.meetings += ids
    return ids


def _word_ids(conn: Any, words: Iterable[str], known: dict[str, int], add: bool) -> dict[str, int]:
    """The dictionary's ids of those of `words` not in `known` (ids never change: words are never
    taken out), the ones it lacks added first when `add`.

    New words go in sorted, so that two writers adding some of the same wait for each other rather
    than deadlock; a word another writer added since this statement began is read again after.
    """
    missing = sorted(w for w in words if w not in known)
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
    ids = [known[w] if w in known else fresh[w] for w in df]
    counts = (
        guild_id,
        " ".join(map(str, ids)),
        " ".join(str(sign * n) for n in df.values()),
        " ".join(str(sign * said[w]) for w in df),
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
    table's, which takes the partitions' as they are."""
    with conn.transaction():
        missing = [name for name in BULK_INDEXES if conn.execute("SELECT to_regclass(%s) IS NULL", (name,)).fetchone()[0]]
        parts = {table: leaves(conn, table) for table, _ in BULK_INDEXES.values()}
    with Streams(conn, streams) as workers:
        for name in missing:  # a partitioned table's index, where it is there, is on every partition
            table = BULK_INDEXES[name][0]
            for leaf in parts[table] if parts[table] != [table] else []:
                workers.submit(_build(index_ddl(name, leaf)))
    for name in missing:
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


def _drop_indexes(conn: Any) -> None:
    for name, (table, _) in BULK_INDEXES.items():
        conn.execute(f"DROP INDEX IF EXISTS {name}")
        for leaf in leaves(conn, table):  # a partition's, built by an import that died before making it the table's
            if leaf != table:
                conn.execute(f"DROP INDEX IF EXISTS {index_name(name, leaf)}")


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
            _drop_indexes(conn)
        else:
            (free,) = conn.execute("SELECT pg_try_advisory_lock(%s)", (BULK_LOCK,)).fetchone()
            if free:  # no bulk import is running: indexes a broken one left dropped are made again
                build_indexes(conn)
                conn.execute("SELECT pg_advisory_unlock(%s)", (BULK_LOCK,))
    began = time.perf_counter()
    try:
        totals = _import(conn, records, guild_id, guild_of, streams)
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


def _import(conn: Any, records: Iterable[Record], guild_id: int, guild_of: Any, streams: int) -> dict[str, int]:
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
                _write(conn, guild, records, batch)
                fresh = _add_counts(conn, guild, batch, 1, known)
                _notify(conn, guild, "import", batch.meetings)
            with counting:
                known.update(fresh)  # written for the rest of this import (words are never taken out)
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
