"""VERBATIM_SEARCH=postgres: the shared records imported once, a server's records kept whole, every process told.

Each test makes its own database on the server the tests are given (VERBATIM_TEST_DATABASE_URL)
and drops it after; other people's tests use the same server.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.library import MemoryLibrary
from bot.pg_library import VIEWS, PgLibrary
from bot.storage.database import StoredRecord
from config.settings import Settings
from parser.index.postgres.writer import add_record
from parser.index.store import TurnStore
from parser.models import Meeting, Record, RecordError
from tests.conftest import SAMPLE
from tests.parser.index.postgres.conftest import server_url

GUILD = 11
WEEKLY = (
    b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana Lima>The zyxwv report is ready.\n\n"
    b"00:00:05.000 --> 00:00:08.000\n<v Bob Stone>Thanks, Ana.\n"
)
BUDGET = b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Carla Diaz>The budget is approved.\n"


@pytest.fixture
def url() -> Iterator[str]:
    """A URL (as users set VERBATIM_DATABASE_URL) of an empty database made for this test."""
    psycopg = pytest.importorskip("psycopg")
    server = server_url()
    name = f"verbatim_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    return folder


def settings(url: str, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, search="postgres", database_url=url, data_dir=tmp_path / "data")  # type: ignore[call-arg]


def test_the_shared_records_are_imported_once_and_again_only_when_the_files_change(
    url: str, corpus: Path, tmp_path: Path
) -> None:
    first = PgLibrary.open(settings(url, tmp_path), [corpus])
    assert list(first.records.meetings(None)) == ["icann70-lacralo-roundtable-fr"]
    assert first.records.find_words(None, "DAAR")[1] == 1
    assert not first.sync([corpus]).imported  # nothing changed: nothing read again
    os.utime(corpus / SAMPLE.name)  # touched, the same words: read, found equal, not imported
    assert not first.sync([corpus]).imported
    (corpus / "weekly.vtt").write_bytes(WEEKLY)
    synced = first.sync([corpus])
    assert (synced.imported, synced.meetings, synced.new) == (True, 2, ["weekly"])
    assert first.records.find_words(GUILD, "zyxwv")[1] == 1
    (corpus / "weekly.vtt").unlink()
    assert first.sync([corpus]).imported
    assert list(first.records.meetings(GUILD)) == ["icann70-lacralo-roundtable-fr"]
    assert first.records.find_words(None, "zyxwv")[1] == 0
    first.close()


def test_two_processes_starting_at_once_import_the_shared_records_once(url: str, corpus: Path, tmp_path: Path) -> None:
    opened: list[PgLibrary] = []
    failed: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(PgLibrary.open(settings(url, tmp_path), [corpus]))
        except BaseException as err:  # reported below, with the other thread's
            failed.append(err)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failed, failed
    for library in opened:
        assert list(library.records.meetings(None)) == ["icann70-lacralo-roundtable-fr"]  # not a second "-2" copy
        assert library.records.totals(None)["turns"] == 38
        library.close()


def test_a_record_added_in_one_process_is_seen_and_announced_in_the_other_and_removed_from_both(
    url: str, corpus: Path, tmp_path: Path
) -> None:
    one = PgLibrary.open(settings(url, tmp_path), [corpus])
    other = PgLibrary.open(settings(url, tmp_path), [corpus])
    told_one: queue.Queue[list[Meeting]] = queue.Queue()
    told_other: queue.Queue[list[Meeting]] = queue.Queue()
    one.added.append(told_one.put)
    other.added.append(told_other.put)
    try:
        assert one.listener is not None and other.listener is not None
        assert one.listener.listening.wait(10) and other.listener.listening.wait(10)
        meeting, record = one.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
        assert (meeting.id, meeting.scope, len(record.turns)) == ("weekly", GUILD, 2)
        assert one.records.find_words(GUILD, "zyxwv")[1] == 1  # at once where it was added
        heard = told_other.get(timeout=10)
        assert [(m.id, m.scope, m.title) for m in heard] == [("weekly", GUILD, "weekly")]
        assert other.records.find_words(GUILD, "zyxwv")[1] == 1
        assert other.records.find_words(GUILD + 1, "zyxwv")[1] == 0  # another server never sees it
        assert [m.id for m in told_one.get(timeout=1)] == ["weekly"]
        other.add(GUILD, 6, "budget.vtt", BUDGET, "attachment")
        assert [m.id for m in told_one.get(timeout=10)] == ["budget"]
        assert told_one.empty()  # its own record was told once, not again when heard
        assert other.remove(GUILD, "weekly")
        assert not other.remove(GUILD, "weekly")
        assert not one.remove(GUILD, "icann70-lacralo-roundtable-fr")  # a shared record is no server's
        assert one.records.find_words(GUILD, "zyxwv")[1] == 0
        assert [(r.guild_id, r.meeting_id) for r in one.database.records()] == [(GUILD, "budget")]
    finally:
        one.close()
        other.close()


def test_a_failure_after_the_search_rows_are_written_keeps_neither(url: str, corpus: Path, tmp_path: Path) -> None:
    library = PgLibrary.open(settings(url, tmp_path), [corpus])
    record = library._read(GUILD, "weekly.vtt", WEEKLY)[1]

    def index_then_fail(conn: object) -> str:
        add_record(conn, record, GUILD)
        raise RuntimeError("the process dies here")

    kept = StoredRecord(GUILD, "weekly", "weekly.vtt", "attachment", WEEKLY, 5, dt.datetime.now(dt.UTC))
    with pytest.raises(RuntimeError):
        library.database.add_record(kept, index_then_fail)
    assert list(library.database.records()) == []
    assert "weekly" not in library.records.meetings(GUILD)
    meeting, _ = library.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
    assert meeting.id == "weekly"  # not weekly-2: nothing of the failed one is left
    with pytest.raises(RecordError):
        library.add(GUILD, 5, "notes.txt", b"eggs, milk, bread\n", "attachment")
    assert [r.meeting_id for r in library.database.records()] == ["weekly"]
    library.close()


def test_records_kept_while_searching_in_memory_are_searchable_after_the_switch(url: str, corpus: Path, tmp_path: Path) -> None:
    shared = TurnStore([])
    memory = MemoryLibrary.open(shared, Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    memory.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
    memory.close()
    library = PgLibrary.open(settings(url, tmp_path), [corpus])
    assert library.records.find_words(GUILD, "zyxwv")[1] == 1
    assert library.remove(GUILD, "weekly")
    assert list(library.database.records()) == []
    library.close()


def test_the_shared_records_are_replaced_in_one_transaction(url: str, corpus: Path, tmp_path: Path) -> None:
    """While they are imported again the others see the old ones; a failure halfway leaves the old ones."""
    from bot.pg_shared import _replace_shared, shared_lock
    from parser.readers.loader import read_file

    library = PgLibrary.open(settings(url, tmp_path), [corpus])
    weekly = tmp_path / "weekly.vtt"
    weekly.write_bytes(WEEKLY)
    seen_meanwhile: list[list[str]] = []

    def records() -> Iterator[Record]:
        yield read_file(weekly)
        seen_meanwhile.append(list(library.records.meetings(None)))  # another connection, mid-import
        raise RuntimeError("the corpus could not be read to its end")

    with shared_lock(library.url) as conn, pytest.raises(RuntimeError):
        _replace_shared(conn, records(), "key", "digest", 1)
    assert seen_meanwhile == [["icann70-lacralo-roundtable-fr"]]
    assert list(library.records.meetings(None)) == ["icann70-lacralo-roundtable-fr"]
    assert library.records.find_words(None, "DAAR")[1] == 1
    assert not library.sync([corpus]).imported  # what was imported before is still known as imported
    library.close()


def test_a_servers_record_whose_id_a_new_shared_record_takes_is_kept_under_another_and_still_removed(
    url: str, corpus: Path, tmp_path: Path
) -> None:
    library = PgLibrary.open(settings(url, tmp_path), [corpus])
    library.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
    (corpus / "weekly.vtt").write_bytes(BUDGET)  # a shared 'weekly' appears on disk
    assert library.sync([corpus]).new == ["weekly"]
    seen = library.records.meetings(GUILD)
    assert sorted(seen) == ["icann70-lacralo-roundtable-fr", "weekly", "weekly-2"]
    assert library.records.find_words(GUILD, "zyxwv")[1] == 1  # the server's own record, under its new id
    assert library.records.find_words(GUILD, "budget approved")[1] == 1  # and the shared one
    assert not library.remove(GUILD, "weekly")  # the shared one is no server's to remove
    assert library.remove(GUILD, "weekly-2")
    assert list(library.database.records()) == []
    library.close()


def test_shared_records_imported_by_another_process_are_announced_only_when_new(url: str, corpus: Path, tmp_path: Path) -> None:
    importer = PgLibrary.open(settings(url, tmp_path), [corpus])
    other = PgLibrary.open(settings(url, tmp_path), [corpus])
    told: queue.Queue[list[Meeting]] = queue.Queue()
    other.added.append(lambda meetings: meetings and told.put(meetings))
    try:
        assert other.listener is not None and other.listener.listening.wait(10)
        (corpus / "weekly.vtt").write_bytes(WEEKLY)
        assert importer.sync([corpus]).imported  # every shared record written again; one is new
        assert [(m.id, m.scope) for m in told.get(timeout=10)] == [("weekly", None)]
        (corpus / "budget.vtt").write_bytes(BUDGET)
        assert importer.sync([corpus]).imported
        assert [m.id for m in told.get(timeout=10)] == ["budget"]
        assert told.empty()
    finally:
        importer.close()
        other.close()


def test_a_process_keeps_the_views_of_the_servers_asking_lately_only(url: str, corpus: Path, tmp_path: Path) -> None:
    """A bot in a thousand servers would otherwise keep a view (meetings, speakers, turns) of each."""
    library = PgLibrary.open(settings(url, tmp_path), [corpus])
    first = library.view(1)
    assert library.view(1) is first
    for guild in range(2, VIEWS + 2):
        library.view(guild)
    assert library.view(VIEWS + 1) is library.view(VIEWS + 1)
    again = library.view(1)  # the oldest was let go: made again, answering the same
    assert again is not first and again.totals() == first.totals()
    library.close()
