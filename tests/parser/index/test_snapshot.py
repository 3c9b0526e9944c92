"""Snapshots: a restart reads the built store back, and a changed record is never answered from it."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

import bot.corpus
import parser.index.snapshot
from bot.corpus import build_store
from parser.index.search import find_closest, find_phrase, find_words
from parser.index.snapshot import load_snapshot, save_snapshot
from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import read_file


@pytest.fixture
def records(corpus: Path, tmp_path: Path) -> Path:
    """A folder of real records that a test may change."""
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(corpus / "icann" / "icann70-lacralo-roundtable-fr.txt", folder)
    shutil.copy(corpus / "vtt-voice" / "python-bytes-451.vtt", folder)
    (folder / "README.md").write_text("Notes about these records, not a record.\n", encoding="utf-8")
    return folder


def _same(a: TurnStore, b: TurnStore) -> None:
    assert list(a.turns) == list(b.turns)
    assert a.meetings == b.meetings
    assert [(s.name, dict(s.labels), list(s.turn_ids)) for s in a.speakers.speakers] == [
        (s.name, dict(s.labels), list(s.turn_ids)) for s in b.speakers.speakers
    ]
    for query in ("cheveux blancs", "29 asociés", "databases are", "renouvellement des generations"):
        assert find_phrase(a, query) == find_phrase(b, query)
        assert list(find_words(a, query)) == list(find_words(b, query))
        assert find_closest(a, query) == find_closest(b, query)


def test_a_snapshot_gives_back_the_same_store(icann_record: Record, corpus: Path, tmp_path: Path) -> None:
    vtt = read_file(corpus / "vtt-voice" / "python-bytes-451.vtt")
    built = TurnStore([icann_record, vtt], {"MIGUEL IGNACIO ESTRADA": ["Nacho"]})
    path = tmp_path / "store.npz"
    save_snapshot(built, path, key="k1", extra={"errors": []})
    loaded = load_snapshot(path, key="k1")
    assert loaded is not None
    _same(built, loaded)
    assert loaded.speakers.resolve("Nacho")[0].speaker.name == "MIGUEL IGNACIO ESTRADA"
    assert loaded.snapshot_extra == {"errors": []}
    with np.load(path, allow_pickle=False) as data:  # numbers and bytes only: nothing to unpickle
        assert all(data[name].dtype != object for name in data.files)


def test_a_snapshot_of_other_records_or_another_version_is_not_used(
    icann_record: Record, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.npz"
    save_snapshot(TurnStore([icann_record]), path, key="k1")
    assert load_snapshot(path, key="k2") is None
    monkeypatch.setattr(parser.index.snapshot, "FORMAT", parser.index.snapshot.FORMAT + 1)
    assert load_snapshot(path, key="k1") is None
    assert load_snapshot(tmp_path / "missing.npz", key="k1") is None
    path.write_bytes(b"not a snapshot")
    assert load_snapshot(path, key="k1") is None


def test_a_restart_reads_the_snapshot_not_the_records(records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first, result = build_store([records], cache_dir=cache)
    assert len(list(cache.glob("store-*.npz"))) == 1
    assert [p for p, _ in result.skipped] == [str(records / "README.md")]

    def no_reading(paths: object, result: object) -> None:
        raise AssertionError("the records were read again")

    monkeypatch.setattr(bot.corpus, "iter_records", no_reading)
    again, result = build_store([records], cache_dir=cache)
    _same(first, again)
    assert [p for p, _ in result.skipped] == [str(records / "README.md")]


def test_a_changed_record_is_never_answered_from_the_snapshot(records: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    old, _ = build_store([records], cache_dir=cache)
    assert find_phrase(old, "cheveux blancs")
    record = records / "icann70-lacralo-roundtable-fr.txt"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("cheveux blancs", "cheveux gris"), encoding="utf-8")
    new, _ = build_store([records], cache_dir=cache)
    assert not find_phrase(new, "cheveux blancs")
    assert find_phrase(new, "cheveux gris")
    again, _ = build_store([records], cache_dir=cache)  # and the new snapshot is the one kept
    assert find_phrase(again, "cheveux gris")


def test_a_new_or_removed_record_rebuilds(records: Path, corpus: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before, _ = build_store([records], cache_dir=cache)
    shutil.copy(corpus / "srt" / "podcast-namespace-episode.srt", records)
    added, _ = build_store([records], cache_dir=cache)
    assert len(added.meetings) == len(before.meetings) + 1
    (records / "podcast-namespace-episode.srt").unlink()
    removed, _ = build_store([records], cache_dir=cache)
    assert removed.meetings == before.meetings


def test_changed_aliases_rebuild(records: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    aliases = tmp_path / "aliases.toml"
    aliases.write_text('"MIGUEL IGNACIO ESTRADA" = ["Nacho"]\n', encoding="utf-8")
    store, _ = build_store([records], aliases, cache_dir=cache)
    assert store.speakers.resolve("Nachito")[0].score < 90
    aliases.write_text('"MIGUEL IGNACIO ESTRADA" = ["Nacho", "Nachito"]\n', encoding="utf-8")
    store, _ = build_store([records], aliases, cache_dir=cache)
    assert store.speakers.resolve("Nachito")[0].speaker.name == "MIGUEL IGNACIO ESTRADA"


def test_an_unwritable_cache_costs_only_the_next_start(records: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        store, _ = build_store([records], cache_dir=blocked)
    assert len(store) > 0
    assert "could not save a snapshot" in caplog.text


def test_old_snapshots_are_pruned(records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setattr(bot.corpus, "KEEP", 2)
    for name in ("a", "b", "c"):
        folder = tmp_path / name
        shutil.copytree(records, folder)
        build_store([folder], cache_dir=cache)
    assert len(list(cache.glob("store-*.npz"))) == 2


@pytest.mark.parametrize("named", ["folder", "file"])
def test_an_edited_sidecar_rebuilds(records: Path, tmp_path: Path, named: str) -> None:
    """A sidecar's title is the meeting's name: editing it is seen at the next start, whether the folder or the file was named."""
    cache = tmp_path / "cache"
    record = records / "python-bytes-451.vtt"
    sidecar = records / "python-bytes-451.meta.toml"
    paths = [records] if named == "folder" else [record]
    sidecar.write_text('title = "Python Bytes, episode 451"\n', encoding="utf-8")
    before, _ = build_store(paths, cache_dir=cache)
    assert before.meetings["python-bytes-451"].title == "Python Bytes, episode 451"
    sidecar.write_text('title = "Python Bytes #451"\n', encoding="utf-8")
    after, _ = build_store(paths, cache_dir=cache)
    assert after.meetings["python-bytes-451"].title == "Python Bytes #451"


def test_the_load_report_says_what_was_mended_after_a_restart_too(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A record read with invalid characters is reported at every start, not only the one that built the snapshot."""
    folder = tmp_path / "records"
    folder.mkdir()
    # A QMSum-shaped record of two turns by two speakers; the second name holds a lone surrogate (JSON's \\ud800).
    turns = '{"speaker": "Ana", "content": "Good morning everyone."}, {"speaker": "B\\ud800b", "content": "Morning."}'
    (folder / "call.json").write_text(f'{{"meeting_transcripts": [{turns}]}}', encoding="utf-8")
    cache = tmp_path / "cache"
    for start in ("built", "from the snapshot"):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            store, result = build_store([folder], cache_dir=cache)
        assert len(store) == 2, start
        assert any("lone surrogates" in note for _, note in result.notes), start
        assert "lone surrogates" in caplog.text, start
