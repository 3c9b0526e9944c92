"""The databases the end-to-end tests run the bot on: a SQLite file, and a PostgreSQL database of their own."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

POSTGRES_HOW = (
    "PostgreSQL tests need a server: export VERBATIM_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test "
    "(any database the user may create databases from) and run them again"
)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database made for this one test on the server of VERBATIM_TEST_DATABASE_URL, dropped after it.

    Other people's test runs use the same server at the same time: nothing is shared with them.
    """
    base = os.environ.get("VERBATIM_TEST_DATABASE_URL")
    if not base:
        pytest.skip(POSTGRES_HOW)
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"verbatim_test_{uuid.uuid4().hex[:16]}"
    server = make_url(base).set(drivername="postgresql")
    dsn = server.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes it runs on SQLite (a file in tmp_path) and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'verbatim.sqlite3'}"
    return str(request.getfixturevalue("postgres_url"))
