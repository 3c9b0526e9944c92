"""Which database the bot uses, and that what it keeps is there after the connection is opened again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.library import clean_name
from bot.storage.database import StoredRecord, database_url, normalise_url, open_database


def test_heroku_and_plain_postgresql_urls_use_psycopg() -> None:
    assert normalise_url("postgres://u:p@host:5432/db") == "postgresql+psycopg://u:p@host:5432/db"
    assert normalise_url("postgresql://u@host/db") == "postgresql+psycopg://u@host/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_without_a_url_the_database_is_a_file_in_the_data_folder(tmp_path: Path) -> None:
    assert database_url(None, tmp_path / "data") == f"sqlite:///{tmp_path / 'data' / 'verbatim.sqlite3'}"
    assert (tmp_path / "data").is_dir()


def test_records_settings_and_watches_are_kept(tmp_path: Path) -> None:
    url = database_url(None, tmp_path)
    db = open_database(url)
    db.add_record(StoredRecord(7, "call", "call.vtt", "attachment", b"WEBVTT\n", 3, dt.datetime.now(dt.UTC)))
    db.set_add_role(7, 99)
    first = db.add_watch(7, 1, 3, "dns abuse", None)
    second = db.add_watch(7, 1, 4, "budget", "Ana")
    other_server = db.add_watch(8, 5, 3, "budget", None)
    db.close()
    db = open_database(url)  # migrating again is a no-op
    assert [(r.guild_id, r.meeting_id, r.data) for r in db.records()] == [(7, "call", b"WEBVTT\n")]
    assert db.add_role(7) == 99 and db.add_role(8) is None
    assert (first.id, second.id, other_server.id) == (1, 2, 1)  # numbered per server
    assert [w.words for w in db.watches(7, 1)] == ["dns abuse", "budget"]
    assert db.remove_watch(7, 1) and not db.remove_watch(7, 1)
    assert db.remove_record(7, "call") and list(db.records()) == []
    db.close()


def test_a_file_name_loses_its_folders_and_stays_short() -> None:
    assert clean_name("../../etc/2024-05-02 call.vtt") == "2024-05-02 call.vtt"
    assert clean_name("C:\\\\minutes\\\\call.pdf") == "call.pdf"
    long = clean_name("x" * 300 + ".vtt")
    assert len(long) == 120 and long.endswith(".vtt")
