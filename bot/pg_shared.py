"""The shared records in PostgreSQL (guild 0): imported from the corpus files when they differ, once for all processes.

Every bot process calls `sync_shared` at start (and at a reload): under one advisory lock, so a
second process starting at the same time waits, then finds the records already there. What was
imported is kept in `shared_corpus`: the files' key (`bot.corpus.corpus_key`: paths, sizes, times,
the parser's code) and a digest of the records' content. An unchanged key with the same number
of meetings costs nothing; a changed key reads the records and hashes them, and imports only if
the content or the meeting ids differ from what the database holds. An import replaces every
shared record with the bulk path (COPY) in one transaction: other processes see the old shared
records until it commits, and a crash halfway leaves them as they were.

Also under the lock: a server's record whose id a newly imported shared record took is read again
from its bytes under a free id (`weekly-2`), as the in-memory bot does; and records a server added
that have no search rows yet (kept while the bot searched in memory, before
`VERBATIM_SEARCH=postgres`) are indexed from their bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.corpus import CorpusError, corpus_key
from bot.library import read_kept
from parser.index.postgres.connect import connect
from parser.index.postgres.schema import SHARED
from parser.index.postgres.writer import add_record, import_records, remove_record
from parser.models import Record, RecordError
from parser.readers.limits import Limits
from parser.readers.loader import LoadResult, iter_records

log = logging.getLogger(__name__)

LOCK = 7254893  # the advisory lock every process takes to check and import the shared records


@dataclass(frozen=True)
class Synced:
    """What a sync did: whether it imported, how many shared meetings there are, and the ids that are new."""

    imported: bool
    meetings: int
    new: list[str]
    errors: list[RecordError]


@contextmanager
def shared_lock(url: str) -> Iterator[Any]:
    """A connection (autocommit) holding the shared records' lock: one process at a time checks and imports."""
    conn = connect(url)
    conn.autocommit = True
    try:
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK,))
        yield conn
    finally:
        conn.close()  # ends the session, and with it the lock


def _digest_of(record: Record, into: Any) -> None:
    into.update(json.dumps(record.meeting.model_dump(mode="json"), sort_keys=True).encode())
    for turn in record.turns:
        into.update(json.dumps(turn.model_dump(mode="json"), sort_keys=True).encode())


def _read(paths: Sequence[Path], limits: Limits | None) -> tuple[str, list[str], list[RecordError]]:
    """The digest of every record under `paths` and their meeting ids, one record at a time in memory."""
    digest = hashlib.sha256()
    ids: list[str] = []
    result = LoadResult()
    for record in iter_records(paths, result, limits):
        ids.append(record.meeting.id)
        _digest_of(record, digest)
    for error in result.errors:
        log.warning("%s", error.line())
    return digest.hexdigest(), ids, result.errors


def _replace_shared(conn: Any, records: Iterable[Record], key: str, digest: str, meetings: int) -> dict[str, int]:
    """Every shared record and its counts replaced by `records`, with what they were read from, in one
    transaction: other processes see the old shared records until it commits, then the new ones; a
    crash leaves the old ones (and their digest: the next start imports again)."""
    conn.autocommit = False
    try:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SHARED,))  # the writer's per-guild lock; opens the transaction
        conn.execute("DELETE FROM search_turns WHERE guild_id = %s", (SHARED,))  # no foreign key takes them (writer: bulk speed)
        conn.execute("DELETE FROM search_meetings WHERE guild_id = %s", (SHARED,))  # speakers go with them
        conn.execute("DELETE FROM search_word_df WHERE guild_id = %s", (SHARED,))
        conn.execute("DELETE FROM search_scopes WHERE guild_id = %s", (SHARED,))
        _remember(conn, key, digest, meetings)
        # Inside the open transaction the writer's batches are savepoints; its closing commit commits them all.
        return import_records(conn, records, SHARED)
    except BaseException:
        conn.rollback()
        raise
    finally:
        conn.autocommit = True


def sync_shared(conn: Any, paths: Sequence[Path], aliases: Path | None, limits: Limits | None) -> Synced:
    """Make guild 0 hold the records under `paths` (call with `shared_lock` held); `CorpusError` if none can be read."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing and len(missing) == len(paths):
        raise CorpusError(f"No such file or folder: {', '.join(map(str, missing))}")
    key = corpus_key(paths, aliases, limits)
    stored = conn.execute("SELECT files_key, digest, meetings FROM shared_corpus WHERE guild_id = %s", (SHARED,)).fetchone()
    have = [r[0] for r in conn.execute("SELECT meeting_id FROM search_meetings WHERE guild_id = %s", (SHARED,)).fetchall()]
    if stored is not None and stored[0] == key and stored[2] == len(have):
        log.info("the shared records in the database are up to date: %d meetings", len(have))
        return Synced(False, len(have), [], [])
    digest, ids, errors = _read(paths, limits)
    if not ids:
        raise CorpusError(f"No meeting record could be read from {', '.join(map(str, paths))}.")
    if stored is not None and stored[1] == digest and sorted(ids) == sorted(have):
        log.info("the shared records in the database are up to date (the files were touched): %d meetings", len(have))
        _remember(conn, key, digest, len(ids))
        return Synced(False, len(have), [], errors)
    log.info("importing %d shared meetings into the database (it held %d)", len(ids), len(have))
    done = _replace_shared(conn, iter_records(paths, LoadResult(), limits), key, digest, len(ids))
    log.info("imported %d shared meetings, %d turns", done["meetings"], done["turns"])
    before = set(have)
    return Synced(True, done["meetings"], [i for i in ids if i not in before], errors)


def _remember(conn: Any, key: str, digest: str, meetings: int) -> None:
    conn.execute(
        "INSERT INTO shared_corpus (guild_id, files_key, digest, meetings, imported_at) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (guild_id) DO UPDATE SET files_key = excluded.files_key, digest = excluded.digest,"
        " meetings = excluded.meetings, imported_at = excluded.imported_at",
        (SHARED, key, digest, meetings, dt.datetime.now(dt.UTC)),
    )


def index_kept(conn: Any, limits: Limits | None) -> int:
    """Search rows for every kept record that has none (call with `shared_lock` held); how many were indexed."""
    missing = conn.execute(
        "SELECT r.guild_id, r.meeting_id, r.file_name, r.data FROM records r WHERE NOT EXISTS"
        " (SELECT 1 FROM search_meetings m WHERE m.guild_id = r.guild_id AND m.meeting_id = r.meeting_id)"
        " ORDER BY r.added_at, r.guild_id, r.id"
    ).fetchall()
    done = 0
    for guild_id, meeting_id, file_name, data in missing:
        record = read_kept(guild_id, meeting_id, file_name, bytes(data), limits)
        if record is None:
            continue
        with conn.transaction():
            kept_as = add_record(conn, record, guild_id)
            if kept_as != meeting_id:
                log.warning("record %s of server %s is now %s: a shared record took its id", meeting_id, guild_id, kept_as)
                conn.execute(
                    "UPDATE records SET meeting_id = %s WHERE guild_id = %s AND meeting_id = %s", (kept_as, guild_id, meeting_id)
                )
        done += 1
    if done:
        log.info("indexed %d records kept in the database", done)
    return done


def rehome_clashes(conn: Any, limits: Limits | None) -> int:
    """A server's records whose id a shared record now has, read again from their bytes under a free
    id (`-2`…) as the in-memory bot does, so the server sees both (call with `shared_lock` held)."""
    clashes = conn.execute(
        "SELECT r.guild_id, r.meeting_id, r.file_name, r.data FROM records r"
        " JOIN search_meetings s ON s.guild_id = %s AND s.meeting_id = r.meeting_id"
        " WHERE r.guild_id <> %s ORDER BY r.added_at, r.guild_id, r.id",
        (SHARED, SHARED),
    ).fetchall()
    for guild_id, meeting_id, file_name, data in clashes:
        record = read_kept(guild_id, meeting_id, file_name, bytes(data), limits)
        if record is None:
            continue
        with conn.transaction():
            remove_record(conn, meeting_id, guild_id)
            kept_as = add_record(conn, record, guild_id)  # the writer gives it an id no record the server sees has
            conn.execute(
                "UPDATE records SET meeting_id = %s WHERE guild_id = %s AND meeting_id = %s", (kept_as, guild_id, meeting_id)
            )
        log.warning("record %s of server %s is now %s: a shared record took its id", meeting_id, guild_id, kept_as)
    return len(clashes)
