"""The bot's database: SQLite in the data folder by default, PostgreSQL when a URL names one.

Every write is committed before the caller answers, so what the bot acknowledged survives a
restart, a redeploy or a crash. Calls are synchronous (SQLAlchemy Core): the bot makes them on
worker threads, never on the event loop.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, delete, func, insert, select, text, update
from sqlalchemy.engine import make_url

from bot.storage.schema import guild_settings, records, watches

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_NAME = "verbatim.sqlite3"
CONNECT_TIMEOUT = 3  # seconds to open a connection to PostgreSQL
POOL_TIMEOUT = 5.0  # seconds a call waits for a free connection


def normalise_url(url: str) -> str:
    """A URL SQLAlchemy drives with psycopg 3: Heroku's `postgres://…` and plain `postgresql://…` included."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def database_url(configured: str | None, data_dir: Path) -> str:
    """The configured database, or a SQLite file in the data folder (made if missing)."""
    if configured and configured.strip():
        return normalise_url(configured.strip())
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / SQLITE_NAME}"


def shown(url: str) -> str:
    """The URL without its password, for the log."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class StoredRecord:
    """A record added from the chat, as kept: its bytes, and who added it where and when."""

    guild_id: int
    meeting_id: str
    file_name: str
    source: str
    data: bytes
    added_by: int
    added_at: dt.datetime


@dataclass(frozen=True)
class Watch:
    """Words (and a speaker) that a person asked to be told about in one channel."""

    guild_id: int
    id: int
    channel_id: int
    user_id: int
    words: str
    speaker: str | None
    created_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Database:
    """The tables behind one engine; `open_database` migrates them first."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        self.engine.dispose()

    # ----- records -----

    def add_record(self, record: StoredRecord, index: Callable[[Any], str] | None = None) -> StoredRecord:
        """Keep the record; the record as kept.

        `index(connection)`, when given (PostgreSQL only), writes the record's search rows on the
        driver's own connection inside the same transaction, and says the meeting id they took: the
        bytes and the search rows are committed together or not at all.
        """
        with self.engine.begin() as db:
            number = db.scalar(select(func.coalesce(func.max(records.c.id), 0) + 1).where(records.c.guild_id == record.guild_id))
            if index is not None:  # the statement above opened the transaction: the search rows join it
                record = dataclasses.replace(record, meeting_id=index(db.connection.driver_connection))
            db.execute(insert(records).values(id=number, **record.__dict__))
        return record

    def remove_record(self, guild_id: int, meeting_id: str, unindex: Callable[[Any], bool] | None = None) -> bool:
        """Forget the record; whether it was kept. `unindex(connection)` takes its search rows out in the same transaction."""
        with self.engine.begin() as db:
            done = db.execute(delete(records).where(records.c.guild_id == guild_id, records.c.meeting_id == meeting_id))
            unindexed = unindex(db.connection.driver_connection) if unindex is not None else False
        return bool(done.rowcount) or unindexed

    def records(self) -> Iterator[StoredRecord]:
        """Every added record, oldest first (the order they were acknowledged in)."""
        columns = [records.c[name] for name in StoredRecord.__dataclass_fields__]
        with self.engine.connect() as db:
            query = select(*columns).order_by(records.c.added_at, records.c.guild_id, records.c.id)
            for row in db.execute(query):
                yield StoredRecord(**row._mapping)

    # ----- settings -----

    def add_role(self, guild_id: int) -> int | None:
        with self.engine.connect() as db:
            return db.scalar(select(guild_settings.c.add_role_id).where(guild_settings.c.guild_id == guild_id))

    def set_add_role(self, guild_id: int, role_id: int | None) -> None:
        with self.engine.begin() as db:
            changed = db.execute(update(guild_settings).where(guild_settings.c.guild_id == guild_id).values(add_role_id=role_id))
            if not changed.rowcount:
                db.execute(insert(guild_settings).values(guild_id=guild_id, add_role_id=role_id))

    # ----- watches -----

    def add_watch(self, guild_id: int, channel_id: int, user_id: int, words: str, speaker: str | None) -> Watch:
        with self.engine.begin() as db:
            number = db.scalar(select(func.coalesce(func.max(watches.c.id), 0) + 1).where(watches.c.guild_id == guild_id))
            watch = Watch(guild_id, int(number or 1), channel_id, user_id, words, speaker, _now())
            db.execute(insert(watches).values(**watch.__dict__))
        return watch

    def remove_watch(self, guild_id: int, watch_id: int) -> bool:
        with self.engine.begin() as db:
            done = db.execute(delete(watches).where(watches.c.guild_id == guild_id, watches.c.id == watch_id))
        return bool(done.rowcount)

    def watches(self, guild_id: int | None = None, channel_id: int | None = None) -> list[Watch]:
        """The watches of one server (one channel of it), or of every server; oldest first."""
        query = select(*[watches.c[name] for name in Watch.__dataclass_fields__]).order_by(watches.c.guild_id, watches.c.id)
        if guild_id is not None:
            query = query.where(watches.c.guild_id == guild_id)
        if channel_id is not None:
            query = query.where(watches.c.channel_id == channel_id)
        with self.engine.connect() as db:
            return [Watch(**row._mapping) for row in db.execute(query)]


def migrate(engine: Engine) -> None:
    """Bring the tables to the newest schema (Alembic; a no-op when they are)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # two processes starting at once: one migrates, the other waits
            connection.execute(text("SELECT pg_advisory_xact_lock(7254892)"))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(url: str) -> Database:
    """Connect, migrate, and hand the tables over."""
    options: dict[str, object] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options["connect_args"] = {"check_same_thread": False, "timeout": 30}
    elif url.startswith("postgresql"):  # a server that is away costs seconds, not a hung command
        options["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
        options["pool_timeout"] = POOL_TIMEOUT
    engine = create_engine(url, **options)
    migrate(engine)
    log.info("database %s ready", shown(url))
    return Database(engine)
