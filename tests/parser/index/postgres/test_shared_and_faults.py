"""Two processes on one database hear each other's changes; a database that is away is said so.

The restart test stops and starts the real server, which other people's tests use too: it runs
only when asked (`VERBATIM_TEST_PG_RESTART=1`), and always starts the server again.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import time

import pytest

from parser.index.postgres.connect import RecordsUnavailable
from parser.index.postgres.listen import Change, Listener
from parser.index.postgres.store import PgStore
from tests.conftest import ROOT, SAMPLE

WRITER = """
import sys, psycopg
from pathlib import Path
from parser.index.postgres.writer import add_record, remove_record
from parser.readers.loader import read_file
record = read_file(Path(sys.argv[2]))
with psycopg.connect(sys.argv[1]) as conn:
    meeting_id = add_record(conn, record, 11)
    print(meeting_id, flush=True)
    sys.stdin.readline()
    remove_record(conn, meeting_id, 11)
"""


def test_another_process_adds_and_removes_a_record_and_this_one_hears_it(database_url: str) -> None:
    store = PgStore(database_url)
    store.migrate()
    heard: queue.Queue[Change] = queue.Queue()
    listener = Listener(database_url, heard.put).start()
    try:
        assert listener.listening.wait(10)
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, database_url, str(SAMPLE)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None and writer.stdin is not None
        meeting_id = writer.stdout.readline().strip()
        added = heard.get(timeout=10)
        assert (added.action, added.guild, added.meetings) == ("add", 11, [meeting_id])
        assert meeting_id in store.meetings(11)
        assert meeting_id in [f.turn.meeting_id for f in store.find_phrase(11, "nous avons 29 associés").hits]
        assert meeting_id not in store.meetings(12)
        writer.stdin.write("\n")
        writer.stdin.flush()
        assert writer.wait(30) == 0
        removed = heard.get(timeout=10)
        assert (removed.action, removed.guild, removed.meetings) == ("remove", 11, [meeting_id])
        assert meeting_id not in store.meetings(11)
    finally:
        listener.stop()
        store.close()


def test_a_database_that_cannot_be_reached_is_one_clear_error() -> None:
    store = PgStore("postgresql://postgres@127.0.0.1:9/none", wait=0.5)  # port 9: nobody listens
    try:
        with pytest.raises(RecordsUnavailable) as raised:
            store.find_words(1, "DAAR")
        assert str(raised.value).startswith("The records are unavailable, try again in a minute.")
    finally:
        store.close()


CLUSTER = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main"]


@pytest.mark.skipif(
    os.environ.get("VERBATIM_TEST_PG_RESTART") != "1", reason="stops the shared server: VERBATIM_TEST_PG_RESTART=1"
)
def test_the_store_answers_again_once_the_server_is_back(database_url: str) -> None:
    from parser.readers.loader import read_file

    store = PgStore(database_url, wait=1.0)
    store.migrate()
    heard: queue.Queue[Change] = queue.Queue()
    listener = Listener(database_url, heard.put).start()
    try:
        assert listener.listening.wait(10)
        import psycopg

        from parser.index.postgres.writer import add_record

        with psycopg.connect(database_url) as conn:
            add_record(conn, read_file(SAMPLE), 13)
        assert heard.get(timeout=10).action == "add"
        assert store.find_words(13, "DAAR")[1] == 1
        subprocess.run([*CLUSTER, "stop", "-m", "fast"], check=True)
        try:
            with pytest.raises(RecordsUnavailable):
                store.find_words(13, "DAAR")
        finally:
            subprocess.run([*CLUSTER, "start"], check=True)
        back = time.monotonic()
        answered = None
        while answered is None and time.monotonic() - back < 60:
            try:
                answered = store.find_words(13, "DAAR")[1]
            except RecordsUnavailable:
                time.sleep(0.2)
        print(f"answered again {time.monotonic() - back:.1f} s after the server was started")
        assert answered == 1
        assert heard.get(timeout=30).action == "resync"
    finally:
        if subprocess.run([*CLUSTER, "status"], capture_output=True).returncode != 0:
            subprocess.run([*CLUSTER, "start"], check=False)
        listener.stop()
        store.close()


def test_a_process_starting_while_another_migrates_waits_for_it_past_the_timeouts(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes starting at once migrate once: the second waits on the first's lock for as long
    as the migration takes, though a search would give up waiting on a table after `LOCK_TIMEOUT`."""
    import threading

    import psycopg

    from parser.index.postgres import connect

    monkeypatch.setattr(connect, "LOCK_TIMEOUT", 100)
    monkeypatch.setattr(connect, "STATEMENT_TIMEOUT", 300)
    store = PgStore(database_url)
    with psycopg.connect(database_url) as first:
        first.execute("SELECT pg_advisory_xact_lock(7254891)")  # the lock `migrate` takes, held as a migration would
        done = threading.Timer(1.0, first.commit)
        done.start()
        try:
            assert store.migrate() >= 1  # waited a second, past both timeouts, and migrated (or found it done)
        finally:
            done.join()
            store.close()
