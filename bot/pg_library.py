"""The records served from PostgreSQL (`VERBATIM_SEARCH=postgres`): one database shared by every bot process.

Nothing is indexed in this process: the shared records are imported into the database once
(`bot.pg_shared`), a server's `/add` writes the record's bytes (`bot.storage`) and its search rows
(`parser.index.postgres.writer`) in one transaction, and every search asks the database.

Each process listens (`parser.index.postgres.listen`) for what any process changes: a server's
view is cached until a change for that server, for the shared records, or a lost connection is
heard, so a record added or removed anywhere is seen everywhere within a second.

Who posts a watch's alert: records added by this process are told to the `added` listeners at
once; records added by another process (or imported by hand, `python -m parser … --into`) when
this process hears them. The Discord client posts an alert only in the servers of its own shards,
so with sharded processes each alert is posted once, by the process that runs that server. Records
imported at a process's own start are not announced by it (as the in-memory bot announces only
records that appear while it runs); processes already running announce them for their shards.

A database that is away makes every call raise `RecordsUnavailable` (the commands answer "The
records are unavailable, try again in a minute."); the pools open new connections by themselves
when it is back, and the listener drops every cached view, since changes may have been missed.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.library import DatabaseUnavailable, Library, open_storage
from bot.pg_shared import Synced, index_kept, rehome_clashes, shared_lock, sync_shared
from config.aliases import load_aliases
from config.settings import libpq_url
from parser.index.postgres.connect import LOCK_TIMEOUT, RecordsUnavailable
from parser.index.postgres.listen import Change, Listener
from parser.index.postgres.schema import SHARED
from parser.index.postgres.store import PgStore
from parser.index.postgres.writer import add_record, remove_record
from parser.models import Meeting, Record
from parser.readers.limits import limits_of

if TYPE_CHECKING:
    from bot.storage.database import Database
    from config.settings import Settings
    from parser.index.archive import Archive

log = logging.getLogger(__name__)


@contextmanager
def unavailable_when_away() -> Iterator[None]:
    """The bot database's connection errors as `RecordsUnavailable` (the same database as the records)."""
    import psycopg
    from sqlalchemy import exc

    try:
        yield
    except (exc.OperationalError, exc.InterfaceError, exc.TimeoutError) as err:
        raise RecordsUnavailable(getattr(err, "orig", None) or err) from err
    except psycopg.OperationalError as err:  # from the driver's own connection (the search rows' writer)
        if isinstance(err, psycopg.errors.QueryCanceled):
            raise
        raise RecordsUnavailable(err) from err


def wait_briefly_for_locks(conn: Any) -> None:
    """A record's write waits `LOCK_TIMEOUT` at most for tables another session holds (an import or a
    migration: minutes at 10M turns); past it the command says the records are unavailable. The
    guild's writer lock is waited for as long: another `/add` of the same server takes well under a second."""
    conn.execute(f"SET LOCAL lock_timeout = {LOCK_TIMEOUT}")  # to the end of the bot database's transaction


VIEWS = 64  # servers' views kept (each keeps its meetings, speakers and its last searches' turns)


class PgLibrary(Library):
    """Every record in PostgreSQL (`records`: a `PgStore`), each server's view cached until a change is heard."""

    def __init__(self, records: PgStore, database: Database, settings: Settings, url: str) -> None:
        super().__init__(database, settings)
        self.records = records
        self.url = url
        self.listener: Listener | None = None
        self._views: OrderedDict[int | None, Archive] = OrderedDict()  # the servers asking lately, at most `VIEWS`
        self._generation = 0  # bumped by every change heard or made: a view made meanwhile is not cached
        self._views_lock = threading.Lock()
        self._own: set[tuple[int | None, str, int | None, tuple[str, ...]]] = set()  # our changes, not yet heard
        self._own_imports: set[int] = set()  # server pids of this process's imports
        self._shared: set[str] = set()  # the shared meetings' ids as last known: an import replaces them all

    @classmethod
    def open(cls, settings: Settings, corpus: Sequence[Path]) -> PgLibrary:
        """Migrate, import the shared records if they differ from the corpus, index kept records, listen."""
        if not settings.database_url:
            raise DatabaseUnavailable("VERBATIM_SEARCH=postgres needs VERBATIM_DATABASE_URL")
        url = libpq_url(settings.database_url)
        database = open_storage(settings)  # the bot's own tables, in the same database
        records = PgStore(url, load_aliases(settings.aliases))
        try:
            records.migrate()
            library = cls(records, database, settings, url)
            library.sync(corpus, announce=False)
        except RecordsUnavailable as err:
            records.close()
            database.close()
            raise DatabaseUnavailable(f"The records' database could not be opened: {err}") from err
        except BaseException:
            records.close()
            database.close()
            raise
        library.listener = Listener(url, library._heard).start()
        return library

    def close(self) -> None:
        if self.listener is not None:
            self.listener.stop()
        self.records.close()
        super().close()

    def _guarded(self) -> AbstractContextManager[None]:
        return unavailable_when_away()

    # ----- the shared records -----

    def sync(self, corpus: Sequence[Path], announce: bool = True) -> Synced:
        """Bring the shared records up to date with the corpus files; the new ones told to the watches if `announce`."""
        limits = limits_of(self.settings)
        with shared_lock(self.url) as conn:
            self._own_imports.add(conn.info.backend_pid)
            synced = sync_shared(conn, corpus, self.settings.aliases, limits)
            if synced.imported:
                rehome_clashes(conn, limits)
            index_kept(conn, limits)
        with self._views_lock:
            self._shared = set(self.records.meetings(None))
        if synced.imported:
            self._forget(SHARED)
        if announce and synced.new:
            self._tell(self._meetings(SHARED, synced.new))
        return synced

    # ----- what a server sees -----

    def view(self, guild_id: int | None) -> Archive:
        """What a server sees (None: a DM), from the database: the shared records and its own."""
        key = None if guild_id in (None, SHARED) else guild_id
        with self._views_lock:
            made = self._views.get(key)
            generation = self._generation
            if made is not None:
                self._views.move_to_end(key)
        if made is None:
            made = self._make_view(key)
            with self._views_lock:
                if self._generation == generation:
                    self._views[key] = made
                    while len(self._views) > VIEWS:  # a thousand servers' views would each keep their turns
                        self._views.popitem(last=False)
        return made

    def _make_view(self, guild_id: int | None) -> Archive:
        from parser.index.postgres.archive import PgArchive

        return PgArchive(self.records, guild_id)

    def _forget(self, guild_id: int | None) -> None:
        """Views that may have changed: the guild's, or every one (a shared change, a resync: `None`/0)."""
        with self._views_lock:
            self._generation += 1
            if guild_id in (None, SHARED):
                self._views.clear()
            else:
                self._views.pop(guild_id, None)

    def _meetings(self, guild_id: int, ids: Sequence[str]) -> list[Meeting]:
        """The meetings of these ids in the guild (shared: scope None), as the alerts want them."""
        scope = None if guild_id == SHARED else guild_id
        seen = self.records.meetings(scope)
        return [seen[i].model_copy(update={"scope": scope}) for i in ids if i in seen]

    def _heard(self, change: Change) -> None:
        """On the listener's thread: a change any process made (this one too)."""
        if change.action == "resync":
            log.info("listening again to the records' database: every cached view is dropped")
            self._forget(None)
            return
        self._forget(change.guild)
        if change.action not in ("add", "import") or change.guild is None:
            return
        with self._views_lock:
            mine = (change.pid, change.action, change.guild, tuple(change.meetings))
            if mine in self._own:
                self._own.discard(mine)
                return
            if change.action == "import" and change.pid in self._own_imports:
                return
        if change.guild == SHARED and change.action == "import":
            self._tell(self._new_shared())
            return
        self._tell(self._meetings(change.guild, change.meetings))

    def _new_shared(self) -> list[Meeting]:
        """The shared meetings that were not there before: an import of the shared records replaces every
        one of them (and says so in several notifications), and only the new ones are news."""
        seen = self.records.meetings(None)
        with self._views_lock:
            new = [m.model_copy(update={"scope": None}) for k, m in seen.items() if k not in self._shared]
            self._shared = set(seen)
        return new

    # ----- records a server adds -----

    def add(self, guild_id: int, user_id: int, name: str, data: bytes, source: str) -> tuple[Meeting, Record]:
        """Read the bytes as a record; keep its bytes and its search rows in one transaction; tell the watches."""
        from bot.storage.database import StoredRecord

        name, record = self._read(guild_id, name, data)

        def index(conn: Any) -> str:
            wait_briefly_for_locks(conn)
            meeting_id = add_record(conn, record, guild_id)
            with self._views_lock:  # before the commit: the notification can never come first
                self._own.add((conn.info.backend_pid, "add", guild_id, (meeting_id,)))
            return meeting_id

        kept = StoredRecord(guild_id, record.meeting.id, name, source, data, user_id, dt.datetime.now(dt.UTC))
        with unavailable_when_away():
            kept = self.database.add_record(kept, index)
        self._forget(guild_id)
        meeting = record.meeting.model_copy(update={"id": kept.meeting_id})
        self._tell([meeting])
        return meeting, record

    def remove(self, guild_id: int, meeting_id: str) -> bool:
        """Take one of this server's records out: its bytes and its search rows, in one transaction."""

        def unindex(conn: Any) -> bool:
            wait_briefly_for_locks(conn)
            return remove_record(conn, meeting_id, guild_id)

        with unavailable_when_away():
            done = self.database.remove_record(guild_id, meeting_id, unindex)
        self._forget(guild_id)
        return done
