"""`python -m parser … --into DATABASE_URL` stores the records; the in-memory bot never loads the driver."""

from __future__ import annotations

import subprocess
import sys

from parser.index.postgres.store import PgStore
from tests.conftest import ROOT, SAMPLE


def test_records_imported_from_the_command_line_are_searchable(database_url: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parser", str(SAMPLE), "--into", database_url, "--guild", "5"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 meetings, 38 turns,")
    assert "into guild 5" in done.stdout
    store = PgStore(database_url)
    try:
        assert list(store.meetings(5)) == ["icann70-lacralo-roundtable-fr"]
        found, total = store.find_words(5, "DAAR")
        assert (total, found[0].turn.speaker) == (1, "GÖRAN MARBY")
        assert store.find_words(6, "DAAR")[1] == 0
    finally:
        store.close()


def test_an_unreachable_database_is_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parser", str(SAMPLE), "--into", "postgresql://postgres@127.0.0.1:9/none"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: The records are unavailable, try again in a minute.")
    assert len(done.stderr.strip().splitlines()) == 1


def test_the_in_memory_bot_does_not_load_the_database_driver() -> None:
    script = (
        "import sys; from bot.__main__ import main; main(['ask', '!help']);"
        " print(sorted(m for m in sys.modules if 'psycopg' in m))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
