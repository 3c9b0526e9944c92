"""Where snapshots go: the setting, else the user's cache folder — never the current folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from config.settings import SAMPLE_CORPUS, Settings

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG rules are Linux's")


def test_the_setting_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERBATIM_CACHE_DIR", str(tmp_path / "chosen"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings(_env_file=None).cache_dir == tmp_path / "chosen"


def test_else_the_users_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERBATIM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert Settings(_env_file=None).cache_dir == tmp_path / "xdg" / "verbatim"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # the XDG spec says to ignore a relative path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert Settings(_env_file=None).cache_dir == tmp_path / "home" / ".cache" / "verbatim"


def test_the_sample_meeting_ships_inside_the_package() -> None:
    assert [p.name for p in SAMPLE_CORPUS.iterdir()] == ["icann70-lacralo-roundtable-fr.txt"]
