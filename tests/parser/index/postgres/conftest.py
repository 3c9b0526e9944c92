"""A database of its own for each test session, on the PostgreSQL server the tests are given.

Other people's tests use the same server at the same time: each session creates a uniquely named
database and drops it after, and never touches another.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

HOW = (
    "PostgreSQL tests need a server: VERBATIM_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test "
    ".venv/bin/python -m pytest tests/parser/index/postgres"
)


def server_url() -> str:
    url = os.environ.get("VERBATIM_TEST_DATABASE_URL")
    if not url:
        pytest.skip(HOW)
    return url


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """The URL of an empty database made for this session (dropped at its end)."""
    yield from fresh_database()


def fresh_database() -> Iterator[str]:
    """Make an empty database, yield its URL, drop it (a module that must hold its own rows)."""
    psycopg = pytest.importorskip("psycopg")
    from psycopg.conninfo import make_conninfo

    url = server_url()
    name = f"verbatim_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_conninfo(url, dbname=name)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
