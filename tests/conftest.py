"""Shared fixtures: the real records in ../shared/corpus and the bundled sample meeting."""

from __future__ import annotations

from pathlib import Path

import pytest

from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import read_file

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE = ROOT / "bot" / "samples" / "icann70-lacralo-roundtable-fr.txt"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real records (read-only: derive variants in tmp_path)."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS}")
    return CORPUS


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
