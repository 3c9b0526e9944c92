"""The command tests run on both stores: the sample meeting in memory, and the same meeting in PostgreSQL.

Every test here that takes `store` runs twice and asserts the same answer each time, so the two
stores must agree on what a user sees. The PostgreSQL run needs `VERBATIM_TEST_DATABASE_URL`
(CI sets it); it makes a database of its own for the session and drops it after.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from parser.models import Record
from tests.parser.index.postgres.conftest import fresh_database


@pytest.fixture(scope="session")
def sample_in_postgres(icann_record: Record) -> Iterator[Any]:
    """A PgStore of a database of its own holding the sample meeting as the shared records."""
    with contextmanager(fresh_database)() as url:
        import psycopg

        from config.aliases import load_aliases
        from parser.index.postgres.schema import SHARED
        from parser.index.postgres.store import PgStore
        from parser.index.postgres.writer import import_records

        store = PgStore(url, load_aliases())
        try:
            store.migrate()
            with psycopg.connect(url) as conn:
                import_records(conn, [icann_record], SHARED)
            yield store
        finally:
            store.close()


@pytest.fixture(scope="session", params=["memory", "postgres"])
def store(request: pytest.FixtureRequest, icann_record: Record) -> Any:
    """The sample meeting as the commands see it in a DM: in memory, or in PostgreSQL."""
    if request.param == "memory":
        return request.getfixturevalue("memory_store")
    from parser.index.postgres.archive import PgArchive

    return PgArchive(request.getfixturevalue("sample_in_postgres"), None)


@pytest.fixture(scope="session")
def memory_store(icann_record: Record) -> Any:
    from config.aliases import load_aliases
    from parser.index.store import TurnStore

    return TurnStore([icann_record], load_aliases())
