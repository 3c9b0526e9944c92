"""The records the bot answers from while it runs: the shared ones read at start, and each server's own.

`Library` is what the commands and the adapters use: add and remove a server's records, a
server's view, settings, watches, and the `added` listeners. Two kinds:

- `MemoryLibrary` (VERBATIM_SEARCH=memory): records added in a server live in the database (their
  bytes, who added them, when) and in the live store, appended to it (`parser.index.live`):
  searchable the moment the database has them. At start every stored record is read again from
  its bytes. Each change makes a new store and swaps it in, so a command running meanwhile
  finishes on the store it began with.
- `bot.pg_library.PgLibrary` (VERBATIM_SEARCH=postgres): every record searched in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from parser.index.live import extended, without
from parser.index.store import TurnStore
from parser.models import Meeting, Record, RecordError
from parser.readers.limits import Limits, limits_of
from parser.readers.loader import admitted_bytes

if TYPE_CHECKING:
    from bot.storage.database import Database, Watch
    from config.settings import Settings

log = logging.getLogger(__name__)

NAME_LIMIT = 120  # characters of a file name kept: the meeting id is made from it


class DatabaseUnavailable(Exception):
    """The database could not be opened at start; the message says which and why, in one line."""


class LimitError(Exception):
    """A person or a server has as many watches as the settings allow."""


def watches_said(n: int) -> str:
    """`1 watch`, `2 watches`."""
    return f"{n} watch" if n == 1 else f"{n} watches"


def clean_name(name: str) -> str:
    """A file name as given, without folders, cut to a length any database keeps (the extension stays)."""
    name = Path(name.replace("\\", "/")).name.strip() or "record"
    if len(name) <= NAME_LIMIT:
        return name
    stem, dot, suffix = name.rpartition(".")
    return (stem[: NAME_LIMIT - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else name[:NAME_LIMIT]


def _scoped(record: Record, guild_id: int, meeting_id: str | None = None) -> Record:
    update: dict[str, object] = {"scope": guild_id}
    if meeting_id is not None:
        update["id"] = meeting_id
    return record.model_copy(update={"meeting": record.meeting.model_copy(update=update)})


def read_kept(guild_id: int, meeting_id: str, file_name: str, data: bytes, limits: Limits | None) -> Record | None:
    """A record a server added, read again from its kept bytes under the id it was added as; None
    (and a warning) when today's parser can no longer read it."""
    try:
        record, _ = admitted_bytes(data, Path(file_name), limits)
    except RecordError as err:
        log.warning("a record added in server %s can no longer be read: %s", guild_id, err.line())
        return None
    return _scoped(record, guild_id, meeting_id)


def open_storage(settings: Settings) -> Database:
    """The database of added records, settings and watches, migrated; `DatabaseUnavailable` in one line if it cannot be."""
    from sqlalchemy.exc import SQLAlchemyError  # SQLAlchemy only when a bot runs

    from bot.storage.database import database_url, open_database, shown

    try:
        url = database_url(settings.database_url, settings.data_dir)
    except OSError as err:  # no URL: the SQLite file's folder is made here
        why = err.strerror or str(err)
        raise DatabaseUnavailable(f"The data folder {settings.data_dir} (VERBATIM_DATA_DIR) cannot be made: {why}") from err
    try:
        return open_database(url)
    except (SQLAlchemyError, OSError) as err:
        cause = getattr(err, "orig", None) or err
        raise DatabaseUnavailable(f"The database {shown(url)} could not be opened: {' '.join(str(cause).split())}") from err


class Library(ABC):
    """The records a bot serves and the database behind them; `added` listeners hear of every new record.

    Two kinds: `MemoryLibrary` (every record indexed in this process) and `bot.pg_library.PgLibrary`
    (searched in PostgreSQL, shared by every process). Servers' settings and watches are the same for both.
    """

    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.added: list[Callable[[list[Meeting]], None]] = []
        self._watch_lock = threading.Lock()  # the limits checked and the watch added as one step; never behind a reload

    @abstractmethod
    def view(self, guild_id: int | None) -> Any:
        """What a server sees (None: a DM): the shared records and its own."""

    @abstractmethod
    def add(self, guild_id: int, user_id: int, name: str, data: bytes, source: str) -> tuple[Meeting, Record]:
        """Read the bytes as a record and add it for this server; `RecordError` (nothing kept) if they are not one."""

    @abstractmethod
    def remove(self, guild_id: int, meeting_id: str) -> bool:
        """Take one of this server's records out; False if it has no such record."""

    def close(self) -> None:
        self.database.close()

    def _tell(self, meetings: list[Meeting]) -> None:
        for listener in self.added:
            try:
                listener(meetings)
            except Exception:
                log.exception("a listener of new records failed")

    def _read(self, guild_id: int, name: str, data: bytes) -> tuple[str, Record]:
        """The file name as kept and the record the bytes hold, scoped to the server; `RecordError` if none."""
        name = clean_name(name)
        record = _scoped(admitted_bytes(data, Path(name), limits_of(self.settings))[0], guild_id)
        if not record.turns:
            raise RecordError(name, "holds no turns")
        return name, record

    # ----- settings and watches -----

    def _guarded(self) -> AbstractContextManager[None]:
        """Around every call to the database: how its errors reach the commands (as they are, here)."""
        return nullcontext()

    def add_role(self, guild_id: int) -> int | None:
        with self._guarded():
            return self.database.add_role(guild_id)

    def set_add_role(self, guild_id: int, role_id: int | None) -> None:
        with self._guarded():
            self.database.set_add_role(guild_id, role_id)

    def add_watch(self, guild_id: int, channel_id: int, user_id: int, words: str, speaker: str | None) -> Watch:
        """A new watch, within the limits per person and per server; `LimitError` says which is reached."""
        with self._watch_lock, self._guarded():
            existing = self.database.watches(guild_id)
            mine = [w for w in existing if w.user_id == user_id]
            if len(mine) >= self.settings.watches_per_person:
                raise LimitError(f"You have {watches_said(len(mine))} in this server, the most one person may keep.")
            if len(existing) >= self.settings.watches_per_server:
                raise LimitError(f"This server has {watches_said(len(existing))}, the most it may keep.")
            return self.database.add_watch(guild_id, channel_id, user_id, words, speaker)

    def watches(self, guild_id: int | None = None, channel_id: int | None = None) -> list[Watch]:
        with self._guarded():
            return self.database.watches(guild_id, channel_id)

    def remove_watch(self, guild_id: int, watch_id: int) -> bool:
        with self._guarded():
            return self.database.remove_watch(guild_id, watch_id)


class MemoryLibrary(Library):
    """The live store (every record indexed in this process) and the database behind it.

    Each change makes a new store and swaps it in, so a command running meanwhile finishes on the store it began with.
    """

    def __init__(self, store: TurnStore, database: Database, settings: Settings) -> None:
        super().__init__(database, settings)
        self.store = store
        self._kept_as: dict[str, str] = {}  # meeting id in the store → id in the database, where they differ
        self._lock = threading.Lock()  # one change at a time: each builds on the store the last one made

    @classmethod
    def open(cls, shared: TurnStore, settings: Settings) -> MemoryLibrary:
        """Connect to the database (migrating it), and add every stored record to the shared ones."""
        library = cls(shared, open_storage(settings), settings)
        library.store = library._with_added(shared)
        return library

    def view(self, guild_id: int | None) -> TurnStore:
        """What a server sees (None: a DM): the shared records and its own."""
        return self.store.view(guild_id)

    def _with_added(self, shared: TurnStore) -> TurnStore:
        """`shared` with every stored record read again from its bytes, under the id it was added as."""
        limits = limits_of(self.settings)
        records = []
        for stored in self.database.records():
            record = read_kept(stored.guild_id, stored.meeting_id, stored.file_name, stored.data, limits)
            if record is not None:
                records.append(record)
        self._kept_as = {}
        if not records:
            return shared
        store, meetings = extended(shared, records)
        for record, meeting in zip(records, meetings, strict=True):
            if meeting.id != record.meeting.id:
                self._kept_as[meeting.id] = record.meeting.id
                log.warning(
                    "record %s of server %s is now %s: a shared record took its id", record.meeting.id, meeting.scope, meeting.id
                )
        log.info("added %d records kept in the database", len(records))
        return store

    def add(self, guild_id: int, user_id: int, name: str, data: bytes, source: str) -> tuple[Meeting, Record]:
        """Read the bytes as a record and add it for this server; `RecordError` (nothing kept) if they are not one."""
        from bot.storage.database import StoredRecord

        name, record = self._read(guild_id, name, data)
        with self._lock:
            store, (meeting,) = extended(self.store, [record])
            kept = StoredRecord(guild_id, meeting.id, name, source, data, user_id, dt.datetime.now(dt.UTC))
            self.database.add_record(kept)  # committed before anyone is told
            self.store = store
        self._tell([meeting])
        return meeting, record

    def remove(self, guild_id: int, meeting_id: str) -> bool:
        """Take one of this server's records out, from the database and the store."""
        with self._lock:
            meeting = self.store.meetings.get(meeting_id)
            if meeting is None or meeting.scope != guild_id:
                return False
            self.database.remove_record(guild_id, self._kept_as.get(meeting_id, meeting_id))
            self.store = without(self.store, meeting_id)
        return True

    def replace_shared(self, shared: TurnStore) -> list[Meeting]:
        """Serve a new reading of the shared records (with every server's own on top); the shared meetings that are new."""
        with self._lock:
            before = {k for k, m in self.store.meetings.items() if m.scope is None}
            self.store = self._with_added(shared)
            new = [m for m in self.store.meetings.values() if m.scope is None and m.id not in before]
        if new:
            self._tell(new)
        return new
