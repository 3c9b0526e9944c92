"""The command tests run on both stores: the sample meeting in memory, and the same meeting in PostgreSQL.

Every test here that takes `store` runs twice and asserts the same answer each time, so the two
stores must agree on what a user sees. The PostgreSQL run needs `VERBATIM_TEST_DATABASE_URL`
(CI sets it); it makes a database of its own for the session and drops it after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from parser.models import Record

HOW = "PostgreSQL runs of the command tests need VERBATIM_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def sample_in_postgres(icann_record: Record) -> Iterator[Any]:
    """A PgStore of a database holding the sample meeting as the shared records."""
    base = os.environ.get("VERBATIM_TEST_DATABASE_URL")
    if not base:
        pytest.skip(HOW)
    import psycopg
    from psycopg.conninfo import make_conninfo

    from config.aliases import load_aliases
    from parser.index.postgres.schema import SHARED
    from parser.index.postgres.store import PgStore
    from parser.index.postgres.writer import import_records

    name = f"verbatim_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_conninfo(base, dbname=name)
    store = PgStore(url, load_aliases())
    try:
        store.migrate()
        with psycopg.connect(url) as conn:
            import_records(conn, [icann_record], SHARED)
        yield store
    finally:
        store.close()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
