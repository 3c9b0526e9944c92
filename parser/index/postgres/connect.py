"""Connections to the records' database: one pool per process, and one error when it is away.

Commands catch `RecordsUnavailable` and answer "the records are unavailable, try again in a
minute"; the pool checks a connection before lending it and opens new ones as the server comes
back, so nothing needs restarting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

log = logging.getLogger(__name__)

CONNECT_TIMEOUT = 3  # seconds to open one connection
WAIT = 5.0  # seconds a command waits for a connection from the pool before giving up
STATEMENT_TIMEOUT = 10_000  # milliseconds a query may run (a command is answered, or it is our bug)
# milliseconds a statement may wait for a table another session holds (a migration moving the rows,
# an import building an index): past it the records are unavailable for now, not broken
LOCK_TIMEOUT = 5_000
IDLE_CHECK = 2.0  # seconds a connection may have lain in the pool before it is checked again when lent


class RecordsUnavailable(Exception):
    """The records' database cannot be reached (down, restarting, too busy to lend a connection), or
    its tables are held by another session for longer than `LOCK_TIMEOUT`."""

    message = "The records are unavailable, try again in a minute."

    def __init__(self, cause: BaseException | None = None) -> None:
        why = "" if cause is None else " ".join(str(cause).split())  # libpq's messages span lines
        super().__init__(f"{self.message} ({type(cause).__name__}: {why})" if cause is not None else self.message)


def _configure(conn: Any) -> None:
    conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT}")
    conn.execute(f"SET lock_timeout = {LOCK_TIMEOUT}")
    conn.execute("SET pg_trgm.similarity_threshold = 0.1")
    conn.execute("SET jit = off")  # compiling costs more than the short queries of a command could save
    # planned with the guilds asked for, always: a generic plan of a prepared statement reads every partition
    conn.execute("SET plan_cache_mode = force_custom_plan")
    conn.commit()


def _check(conn: Any) -> None:
    """Check a connection before lending it, unless it came back working moments ago: a command
    takes one a dozen times in a row, and each check is a round trip to the server."""
    if time.monotonic() - getattr(conn, "verbatim_used", float("-inf")) > IDLE_CHECK:
        from psycopg_pool import ConnectionPool

        ConnectionPool.check_connection(conn)


class Database:
    """A pool of connections to one database URL (opened on first use, checked before each use)."""

    def __init__(self, url: str, min_size: int = 1, max_size: int = 4, wait: float = WAIT) -> None:
        from psycopg_pool import ConnectionPool  # lazily: the in-memory bot never pays for it

        self.url = url
        self.wait = wait
        self.pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={"connect_timeout": CONNECT_TIMEOUT, "autocommit": False},
            configure=_configure,
            check=_check,
            reconnect_timeout=0,  # keep trying for ever: the server will be back
            open=False,
            name="verbatim-records",
        )
        self._opened = False

    def open(self) -> None:
        if not self._opened:
            self.pool.open(wait=False)
            self._opened = True

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A connection in a transaction, committed at the end; `RecordsUnavailable` if the server is away."""
        import psycopg
        from psycopg_pool import PoolTimeout

        self.open()
        try:
            with self.pool.connection(timeout=self.wait) as conn:
                yield conn
                conn.verbatim_used = time.monotonic()  # it worked: the next few lendings need no check
        except PoolTimeout as error:
            raise RecordsUnavailable(error) from error
        except psycopg.OperationalError as error:
            if isinstance(error, psycopg.errors.QueryCanceled):
                raise  # a statement timeout is a slow query of ours, not an absent server
            if isinstance(error, psycopg.errors.LockNotAvailable):
                log.warning("records' tables held by another session (a migration, an import): %s", error)
            else:
                log.warning("records' database unreachable: %s", error)
            raise RecordsUnavailable(error) from error

    @contextmanager
    def reading(self) -> Iterator[Any]:
        """A connection for reads only, each statement its own transaction: no BEGIN and COMMIT
        around a search's few statements (two round trips each); `RecordsUnavailable` as `connection`."""
        with self.connection() as conn:
            conn.autocommit = True
            try:
                yield conn
            finally:
                if not conn.closed:
                    conn.autocommit = False

    def close(self) -> None:
        if self._opened:
            self.pool.close()
            self._opened = False


def connect(url: str) -> Any:
    """One plain connection (imports, listeners, migrations): `RecordsUnavailable` if it cannot be made."""
    import psycopg

    try:
        return psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT)
    except psycopg.OperationalError as error:
        raise RecordsUnavailable(error) from error
