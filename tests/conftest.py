"""Shared fixtures: the real records in ../shared/corpus, the bundled sample meeting, and a cache of the run's own."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import hypothesis.configuration
import pytest
from hypothesis import settings

from config.settings import user_cache_dir
from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import read_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "bot" / "samples" / "icann70-lacralo-roundtable-fr.txt"
PROJECT_CACHE = ROOT / ".verbatim-cache"

# No example database in the project's .hypothesis/: a failure prints its example and how to reproduce it.
settings.register_profile("verbatim", database=None)
settings.load_profile("verbatim")


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis keeps other files (constants of the code under test) in a temp folder, not in the project."""
    home = Path(tempfile.mkdtemp(prefix="verbatim-hypothesis-"))
    hypothesis.configuration.set_hypothesis_home_dir(home)
    config.add_cleanup(lambda: shutil.rmtree(home, ignore_errors=True))


def need(path: Path) -> Path:
    """A file or folder of the shared corpus: missing, it skips the test — or fails it under CI, where nothing may skip."""
    if path.exists():
        return path
    where = (
        f"{path} is missing. The real records are the team's shared folder, expected beside the checkout as "
        f"{CORPUS.parent}; put a copy or a link to it there (e.g. `ln -s /path/to/shared {CORPUS.parent}`)."
    )
    if os.environ.get("CI"):
        pytest.fail(f"{where} Under CI (CI is set) a missing corpus is an error, not a skip.", pytrace=False)
    pytest.skip(where)


def _state(folder: Path) -> list[tuple[str, int, int]] | None:
    """What a folder holds, down to each file's size and modification time; None if it does not exist."""
    if not folder.exists():
        return None
    return sorted((str(p.relative_to(folder)), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every store this run builds, in this process or in a `python -m bot` it starts, is cached in a temp folder.

    The environment is set for the whole session (subprocesses inherit it); Hypothesis's own files
    (see pytest_configure) go to a temp folder too. At the end, the project's `.verbatim-cache/` (of
    earlier versions) and the user's cache folder must be exactly as they were before the run.
    """
    cache = tmp_path_factory.mktemp("verbatim-cache")
    guarded = [PROJECT_CACHE, user_cache_dir()]
    before = [_state(folder) for folder in guarded]
    saved = os.environ.get("VERBATIM_CACHE_DIR")
    os.environ["VERBATIM_CACHE_DIR"] = str(cache)
    yield cache
    if saved is None:
        os.environ.pop("VERBATIM_CACHE_DIR", None)
    else:
        os.environ["VERBATIM_CACHE_DIR"] = saved
    for folder, was in zip(guarded, before, strict=True):
        if _state(folder) != was:
            pytest.fail(f"the tests wrote into {folder}, a cache outside the run: give that store a temp cache_dir")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real records (read-only: derive variants in tmp_path)."""
    return need(CORPUS)


@pytest.fixture(scope="session")
def icann_record() -> Record:
    return read_file(SAMPLE)


@pytest.fixture(scope="session")
def store(icann_record: Record) -> TurnStore:
    """The sample meeting in a turn store, with the project's speaker aliases."""
    from config.aliases import load_aliases

    return TurnStore([icann_record], load_aliases())


@pytest.fixture(autouse=True)
def data_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test starts keeps its database in a temporary folder, never in the user's data folder."""
    monkeypatch.setenv("VERBATIM_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("VERBATIM_DATABASE_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
