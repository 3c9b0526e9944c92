"""The live records: what a server adds is kept, read again at start, and stays its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library import DatabaseUnavailable, MemoryLibrary
from config.settings import Settings
from parser.index.store import TurnStore
from parser.models import Meeting, Record, RecordError, Turn

GUILD = 11
# Two cues, two speakers: two turns.
WEEKLY = (
    b"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana Lima>The zyxwv report is ready.\n\n"
    b"00:00:05.000 --> 00:00:08.000\n<v Bob Stone>Thanks, Ana.\n"
)


def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data")  # type: ignore[call-arg]


def shared_store(*ids: str) -> TurnStore:
    return TurnStore(
        [
            Record(meeting=Meeting(id=i, title=i), turns=[Turn(meeting_id=i, index=0, speaker="Chair", text=f"Opening of {i}.")])
            for i in ids
        ]
    )


def test_an_added_record_is_read_again_at_start_under_the_same_id(tmp_path: Path) -> None:
    library = MemoryLibrary.open(shared_store("agm"), settings(tmp_path))
    meeting, record = library.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
    assert (meeting.id, meeting.scope, len(record.turns)) == ("weekly", GUILD, 2)
    library.close()
    again = MemoryLibrary.open(shared_store("agm"), settings(tmp_path))
    assert set(again.view(GUILD).meetings) == {"agm", "weekly"}
    assert set(again.view(GUILD + 1).meetings) == {"agm"}
    assert set(again.view(None).meetings) == {"agm"}
    again.close()


def test_an_unreadable_file_is_not_kept(tmp_path: Path) -> None:
    library = MemoryLibrary.open(shared_store("agm"), settings(tmp_path))
    with pytest.raises(RecordError):
        library.add(GUILD, 5, "notes.txt", b"eggs, milk, bread\n", "attachment")
    assert list(library.database.records()) == []
    library.close()


def test_a_record_whose_id_a_shared_one_took_is_still_removed_for_good(tmp_path: Path) -> None:
    library = MemoryLibrary.open(shared_store("agm"), settings(tmp_path))
    library.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
    new = library.replace_shared(shared_store("agm", "weekly"))  # a shared 'weekly' appears on disk
    assert [m.id for m in new] == ["weekly"]
    assert library.view(GUILD).meetings["weekly-2"].scope == GUILD
    assert library.remove(GUILD, "weekly-2")
    assert list(library.database.records()) == []
    assert not library.remove(GUILD, "weekly")  # a shared record is no server's to remove
    library.close()


def test_a_database_that_cannot_be_opened_is_said_in_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the database's folder should be")
    url = f"sqlite:///{blocked / 'verbatim.sqlite3'}"
    with pytest.raises(DatabaseUnavailable) as caught:
        MemoryLibrary.open(shared_store("agm"), Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    assert str(caught.value) == f"The database {url} could not be opened: unable to open database file"


def test_a_data_folder_that_cannot_be_made_is_one_line_naming_it(tmp_path: Path) -> None:
    """No database URL: the SQLite file goes in the data folder; a folder that cannot be made is said, not a traceback."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder's parent should be")
    with pytest.raises(DatabaseUnavailable) as caught:
        MemoryLibrary.open(shared_store("agm"), Settings(_env_file=None, data_dir=blocked / "data"))  # type: ignore[call-arg]
    assert str(caught.value).startswith(f"The data folder {blocked / 'data'} (VERBATIM_DATA_DIR) cannot be made:")


def test_a_record_from_the_chat_takes_nothing_from_files_where_the_bot_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload has no folder: a sidecar of the same name in the bot's working folder is not its sidecar."""
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "weekly.meta.toml").write_text('title = "Board, closed session"\nurl = "https://example.org/closed"\n')
    monkeypatch.chdir(workdir)
    library = MemoryLibrary.open(shared_store("agm"), settings(tmp_path))
    meeting, _ = library.add(GUILD, 5, "weekly.vtt", WEEKLY, "attachment")
    assert (meeting.title, meeting.url) == ("weekly", None)
    library.close()
    again = MemoryLibrary.open(shared_store("agm"), settings(tmp_path))
    assert (again.store.meetings["weekly"].title, again.store.meetings["weekly"].url) == ("weekly", None)
    again.close()
