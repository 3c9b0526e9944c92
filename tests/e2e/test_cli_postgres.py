"""`python -m bot ask` with VERBATIM_SEARCH=postgres: the shared records imported into the database, and
the same answers as the in-memory store gives, word for word."""

from __future__ import annotations

import json

from tests.e2e.test_cli import run

ASKED = [
    "!quote DAAR",
    "!quote UIT",
    '!quote "merci beaucoup" page:2',
    "!whosaid nous avons 29 associes",
    "!whosaid je ne trouvais pas mo micro",
    "!whosaid the quick brown fox jumps over the lazy dog",
    "!speaker Goran",
    "!stats speaker:leon",
    "!stats",
    "!meetings",
    "!context icann70-lacralo-roundtable-fr 21 1",
    "!quote internet speaker:leon",
]


def _replies(env: dict[str, str] | None = None) -> list[dict[str, object]]:
    done = run("-m", "bot", "ask", "--json", *ASKED, env=env)
    assert done.returncode == 1, done.stderr  # the fox is nobody's: one reply is an error
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    for reply in replies:
        reply.pop("attachments")  # charts are files named at random
    return replies


def test_ask_answers_from_postgresql_as_from_memory(postgres_url: str) -> None:
    memory = _replies()
    postgres = _replies({"VERBATIM_SEARCH": "postgres", "VERBATIM_DATABASE_URL": postgres_url})
    assert [r["command"] for r in postgres] == [m.split()[0][1:] for m in ASKED]
    for asked, expected, got in zip(ASKED, memory, postgres, strict=True):
        assert got == expected, asked
    again = _replies({"VERBATIM_SEARCH": "postgres", "VERBATIM_DATABASE_URL": postgres_url})  # no second import
    assert again == postgres


def test_postgres_needs_a_postgresql_url() -> None:
    done = run("-m", "bot", "ask", "!quote DAAR", env={"VERBATIM_SEARCH": "postgres"})
    assert done.returncode == 2
    assert "VERBATIM_DATABASE_URL" in done.stderr and "Traceback" not in done.stderr
