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

from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import read_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "samples" / "icann70-lacralo-roundtable-fr.txt"
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

    The environment is set for the whole session (subprocesses inherit it); charts and
    Hypothesis's own files (see pytest_configure) go to temp folders too. At the end, the project's own
    `.verbatim-cache/` must be exactly as it was before the run.
    """
    cache = tmp_path_factory.mktemp("verbatim-cache")
    charts = tmp_path_factory.mktemp("charts")
    before = _state(PROJECT_CACHE)
    saved = {name: os.environ.get(name) for name in ("VERBATIM_CACHE_DIR", "VERBATIM_CHART_DIR")}
    os.environ["VERBATIM_CACHE_DIR"] = str(cache)
    os.environ["VERBATIM_CHART_DIR"] = str(charts)
    yield cache
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    if _state(PROJECT_CACHE) != before:
        pytest.fail(f"the tests wrote into the project's own cache, {PROJECT_CACHE}: give that store a temp cache_dir")


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
