"""Every way a snapshot can be wrong means a rebuild with a warning: never a crash, never a wrong answer."""

from __future__ import annotations

import io
import json
import logging
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.corpus import build_store, snapshot_path
from parser.index.search import find_words
from tests.conftest import SAMPLE


@pytest.fixture
def records(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    return [folder]


def arrays_of(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with path.open("wb") as out:
        np.savez(out, **arrays)  # type: ignore[arg-type]


def meta_of(arrays: dict[str, np.ndarray]) -> dict[str, object]:
    return json.loads(arrays["meta"].tobytes())


def with_meta(arrays: dict[str, np.ndarray], meta: object) -> dict[str, np.ndarray]:
    return {**arrays, "meta": np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)}


def disagreeing_offsets(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**arrays, "offsets": arrays["offsets"][:-5]}


def labels_past_the_list(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**arrays, "label_ids": arrays["label_ids"] + 1000}


def word_counts_short(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**arrays, "word_counts": arrays["word_counts"][:-1]}


def term_counts_short(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**arrays, "term_counts": arrays["term_counts"][:-1]}


def term_counts_as_floats(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**arrays, "term_counts": arrays["term_counts"].astype(np.float64)}


def postings_past_the_turns(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {**arrays, "w0_post": arrays["w0_post"] + 500}


def meeting_starts_disagree(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    meta = meta_of(arrays)
    meta["meeting_starts"] = [0, 5]
    return with_meta(arrays, meta)


def meta_a_list(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return with_meta(arrays, [meta_of(arrays)])


def meta_nested_deep(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    return {**arrays, "meta": np.frombuffer(deep, dtype=np.uint8)}


BROKEN: dict[str, Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]] = {
    "offsets disagree with the turns": disagreeing_offsets,
    "speaker ids past the labels": labels_past_the_list,
    "postings name turns that do not exist": postings_past_the_turns,
    "a word count short": word_counts_short,
    "a term count short": term_counts_short,
    "term counts that are not whole numbers": term_counts_as_floats,
    "meeting starts disagree with the meetings": meeting_starts_disagree,
    "metadata is a list": meta_a_list,
    "metadata nested 100,000 deep": meta_nested_deep,
}


def rebuilt_right(records: list[Path], cache: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The next start warns, rebuilds from the records, answers right, and leaves a good snapshot."""
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        store, _ = build_store(records, cache_dir=cache)
    assert "ignoring unusable snapshot" in caplog.text
    assert len(store) == 38 and [h.turn_id for h in find_words(store, "DAAR")] == [21]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        again, _ = build_store(records, cache_dir=cache)
    assert not caplog.text and len(again) == 38


@pytest.mark.parametrize("fault", list(BROKEN))
def test_a_snapshot_whose_parts_disagree_is_rebuilt(
    fault: str, records: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    build_store(records, cache_dir=cache)
    path = snapshot_path(records, cache)
    write_npz(path, BROKEN[fault](arrays_of(path)))
    rebuilt_right(records, cache, caplog)


def test_a_npy_file_at_the_snapshots_path_is_rebuilt(
    records: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    with snapshot_path(records, cache).open("wb") as out:
        np.save(out, np.arange(10))
    rebuilt_right(records, cache, caplog)


def test_a_compressed_member_is_refused_without_unpacking_it(
    records: list[Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    build_store(records, cache_dir=cache)
    path = snapshot_path(records, cache)
    arrays = arrays_of(path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.save(member, array)
            archive.writestr(f"{name}.npy", member.getvalue())
        deflated = zipfile.ZipInfo("huge.npy")
        deflated.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(deflated, "w") as huge:  # 64 MB of zeros in ~64 KB
            np.lib.format.write_array_header_1_0(huge, {"descr": "|u1", "fortran_order": False, "shape": (64 << 20,)})
            chunk = bytes(1 << 20)
            for _ in range(64):
                huge.write(chunk)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < (64 << 20)
    rebuilt_right(records, cache, caplog)


def test_a_read_only_cache_still_serves_its_snapshot(
    records: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    build_store(records, cache_dir=cache)

    def read_only(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(30, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "touch", read_only)  # what a read-only mount says, even to root
    with caplog.at_level(logging.WARNING):
        store, _ = build_store(records, cache_dir=cache)
    assert len(store) == 38 and not caplog.text


def test_partial_snapshots_left_by_a_kill_are_removed_at_the_next_start(records: list[Path], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    build_store(records, cache_dir=cache)
    name = snapshot_path(records, cache).name
    dead = cache / f".{name}.{2**22 + 12345}.partial"  # above any pid this machine gives out
    dead.write_bytes(b"PK\x03\x04 half a snapshot")
    stale = cache / f".{name}.{os.getpid()}.partial"  # our own pid, but from an older run: hours old
    stale.write_bytes(b"PK\x03\x04 half a snapshot")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    store, _ = build_store(records, cache_dir=cache)
    assert len(store) == 38
    assert sorted(p.name for p in cache.iterdir()) == [name]
