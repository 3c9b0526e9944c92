"""Nothing skipped silently: every file or folder a load passes over is in its report, with why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parser.readers.loader import load
from tests.conftest import SAMPLE


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    records = tmp_path / "records"
    records.mkdir()
    (records / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    return records


def test_a_dangling_link_is_reported_as_unreadable(folder: Path) -> None:
    (folder / "gone.txt").symlink_to(folder / "deleted-meeting.txt")
    result = load([folder])
    assert [e.line() for e in result.errors] == [
        f"{folder / 'gone.txt'}: cannot be read: a link that leads nowhere (dangling, or a loop)"
    ]
    assert len(result.records) == 1


def test_a_link_to_a_folder_is_noted_and_not_followed(folder: Path) -> None:
    (folder / "loop").symlink_to(folder)
    result = load([folder])
    assert result.skipped == [(str(folder / "loop"), "a link to a folder, not followed")]
    assert len(result.records) == 1 and not result.errors


def test_a_pipe_in_a_folder_is_noted_not_waited_on(folder: Path) -> None:
    os.mkfifo(folder / "pipe.txt")
    result = load([folder])
    assert result.skipped == [(str(folder / "pipe.txt"), "not a regular file")]
    assert len(result.records) == 1


def test_an_unreadable_folder_is_reported(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = folder / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_bytes(SAMPLE.read_bytes())
    if os.geteuid() == 0:  # root reads any folder: let the system refuse it as it would refuse anyone else
        real = os.scandir

        def refusing(path: object = ".") -> object:
            if Path(str(path)) == locked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "scandir", refusing)
    else:
        locked.chmod(0)
    try:
        result = load([folder])
    finally:
        locked.chmod(0o755)
    assert [e.line() for e in result.errors] == [f"{locked}: folder cannot be read: Permission denied"]
    assert len(result.records) == 1
