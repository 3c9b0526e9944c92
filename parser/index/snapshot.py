"""A built turn store saved to disk, so a restart loads it instead of rebuilding from every record.

The file is a plain `.npz` (numpy arrays in a zip, read with `allow_pickle=False`, so it can
hold nothing but numbers and bytes) plus one JSON document for the meetings and labels. It is
versioned and carries the key of the records it was built from; a file whose version or key
differs is never used, so a changed record is never answered from stale turns.
"""

from __future__ import annotations

import json
import logging
import os
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field, ValidationError

from parser.index.builder import PAIR_BITS, WORD_BITS, Built, index_speakers
from parser.index.columns import TurnColumns
from parser.index.postings import SEGMENT, Postings
from parser.index.store import TurnStore
from parser.index.vocab import Vocabulary
from parser.models import Meeting

log = logging.getLogger(__name__)

PARTIAL_GRACE = 120.0  # seconds a save may take; an older partial file is a leftover, whatever its pid
FORMAT = 4  # bump whenever what is saved, or how the store folds and indexes words, changes


def clean_partials(cache_dir: Path) -> None:
    """Remove the half-written snapshots of processes that died while saving (a kill, a SIGTERM)."""
    try:
        partials = list(cache_dir.glob(".store-*.partial"))
    except OSError:
        return
    for partial in partials:
        try:
            pid = int(partial.name.rsplit(".", 2)[-2])
            fresh = time.time() - partial.stat().st_mtime < PARTIAL_GRACE
        except (ValueError, OSError):
            pid, fresh = 0, False
        if fresh and pid > 0 and _alive(pid):
            continue  # a process of this bot (a second shard, or this one) is writing it now
        try:
            partial.unlink(missing_ok=True)
            log.info("removed %s, left by an interrupted save", partial)
        except OSError as err:
            log.warning("could not remove %s: %s", partial, err)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def save_snapshot(store: TurnStore, path: Path, key: str, extra: dict[str, Any] | None = None) -> None:
    """Write `store` to `path` (atomically: a reader never sees half a file)."""
    columns = store.columns
    meta = {
        "format": FORMAT,
        "key": key,
        "meetings": [m.model_dump(mode="json") for m in store.meetings.values()],
        "meeting_starts": columns.meeting_starts,
        "labels": columns.labels,
        "aliases": store.speakers.aliases,
        "word_segments": len(store.words.posts),
        "pair_segments": len(store.pairs.posts),
        "extra": extra or {},
    }
    arrays: dict[str, np.ndarray] = {
        "meta": np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        **columns.arrays(),
        **store.vocab.arrays(),
        **store.words.arrays("w"),
        **store.pairs.arrays("p"),
        "pair_words": store.pair_words,
        "term_counts": store.built.term_counts,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]  # numpy 2.x stubs: `allow_pickle` could come from **arrays
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


class SnapshotError(Exception):
    """A snapshot file that is not one this code wrote: it is rebuilt, never trusted."""


class _Meta(BaseModel):
    """The JSON document of a snapshot, checked before any of it is used."""

    format: int
    key: str
    meetings: list[dict[str, Any]]
    meeting_starts: list[int]
    labels: list[str]
    aliases: dict[str, list[str]]
    word_segments: int = Field(ge=0)
    pair_segments: int = Field(ge=0)
    extra: dict[str, Any] = {}


def _members(archive: zipfile.ZipFile, size: int) -> None:
    """Refuse members that would unpack past the file itself: `np.savez` stores them uncompressed."""
    for info in archive.infolist():
        if info.compress_type != zipfile.ZIP_STORED or info.file_size > size or not info.filename.endswith(".npy"):
            raise SnapshotError(f"member {info.filename!r} is not one this code writes")


def _read(path: Path, key: str) -> tuple[_Meta, dict[str, np.ndarray]] | None:
    """The snapshot's metadata and arrays, None when it was built from other records."""
    size = path.stat().st_size
    if not zipfile.is_zipfile(path):
        raise SnapshotError("not a zip of arrays")
    with zipfile.ZipFile(path) as archive:
        _members(archive, size)
    with np.load(path, allow_pickle=False) as data:
        raw = data["meta"]
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise SnapshotError("its metadata is not text")
        try:
            meta = _Meta.model_validate_json(raw.tobytes())
        except ValidationError as err:
            raise SnapshotError(f"its metadata is not what this code writes ({err.error_count()} problems)") from None
        if meta.format != FORMAT or meta.key != key:
            return None
        return meta, {name: data[name] for name in data.files if name != "meta"}


def load_snapshot(path: Path, key: str) -> TurnStore | None:
    """The store saved at `path` if it was built from records with this `key`, else None.

    Anything wrong with the file (another kind of file, damaged, inconsistent, too large a member)
    is a warning and None: the caller rebuilds from the records.
    """
    try:
        read = _read(path, key)
        if read is None:
            return None
        meta, arrays = read
        built = _built(meta, arrays)
        _check(built, arrays)
        store = TurnStore(built=built)
    except FileNotFoundError:
        return None
    except (SnapshotError, OSError, KeyError, ValueError, TypeError, IndexError, zipfile.BadZipFile) as err:
        log.warning("ignoring unusable snapshot %s, rebuilding: %s", path, err)
        return None
    except Exception as err:  # a snapshot is a cache: whatever is wrong with it, the records are still there
        log.warning("ignoring unusable snapshot %s, rebuilding: %s: %s", path, type(err).__name__, err)
        return None
    store.snapshot_extra = meta.extra
    return store


def _check(built: Built, arrays: dict[str, np.ndarray]) -> None:
    """Arrays that agree with each other, or a `SnapshotError`: a disagreeing one would give wrong answers."""
    columns = built.columns
    n = len(columns.label_ids)

    def need(ok: bool, what: str) -> None:
        if not ok:
            raise SnapshotError(f"its arrays disagree ({what})")

    offsets = columns.offsets
    need(offsets.ndim == 1 and len(offsets) == n + 1 and int(offsets[0]) == 0, "offsets")
    need(int(offsets[-1]) == len(columns.blob) and bool(np.all(offsets[1:] >= offsets[:-1])), "text offsets")
    need(not n or int(columns.label_ids.max()) < len(columns.labels), "speaker labels")
    counts = columns.word_counts
    need(counts.ndim == 1 and len(counts) == n and counts.dtype == np.uint32, "word counts")
    for name in ("index", "page", "start", "end"):
        column = arrays.get(name)
        need(column is None or (column.ndim == 1 and len(column) == n), name)
    starts = list(columns.meeting_starts)
    need(len(starts) == len(built.meetings) and starts == sorted(starts), "meeting starts")
    need(not starts or (starts[0] == 0 and starts[-1] <= n), "meeting starts")
    need(len(built.vocab.df) == len(built.vocab.words), "vocabulary")
    terms = built.term_counts
    need(terms.ndim == 1 and len(terms) == len(built.vocab.words) and terms.dtype == np.int64, "term counts")
    need(int(terms.min(initial=0)) >= 0, "term counts")
    need(not len(built.pair_words) or int(built.pair_words.max()) < len(built.vocab.words), "pair words")
    segments = -(-n // SEGMENT)
    for postings in (built.words, built.pairs):
        need(len(postings.posts) <= max(1, segments), "segments")
        rows = len(postings.directory)
        need(len(postings.starts) == rows and len(postings.ends) == rows, "posting directory")
        if not rows:
            continue
        segment_of = (postings.directory >> np.uint64(postings.bits)).astype(np.int64)
        need(int(segment_of.max()) < len(postings.posts) and bool(np.all(postings.starts <= postings.ends)), "postings")
        lengths = np.array([len(p) for p in postings.posts], dtype=np.int64)
        need(bool(np.all(postings.ends.astype(np.int64) <= lengths[segment_of])), "posting lists")
        for s, post in enumerate(postings.posts):
            need(not len(post) or int(post.max()) < min(SEGMENT, n - s * SEGMENT), "turn ids")


def _built(meta: _Meta, arrays: dict[str, np.ndarray]) -> Built:
    meetings = [Meeting.model_validate(m) for m in meta.meetings]
    columns = TurnColumns(
        blob=arrays["blob"],
        offsets=arrays["offsets"],
        label_ids=arrays["label_ids"],
        labels=meta.labels,
        index=arrays.get("index"),
        meeting_ids=[m.id for m in meetings],
        meeting_starts=meta.meeting_starts,
        word_counts=arrays["word_counts"],
        page=arrays.get("page"),
        start=arrays.get("start"),
        end=arrays.get("end"),
    )
    return Built(
        columns=columns,
        meetings={m.id: m for m in meetings},
        vocab=Vocabulary.from_arrays(arrays["vocab"], arrays["df"]),
        words=Postings.from_arrays(arrays, "w", meta.word_segments, WORD_BITS),
        pairs=Postings.from_arrays(arrays, "p", meta.pair_segments, PAIR_BITS),
        pair_words=arrays["pair_words"],
        term_counts=arrays["term_counts"],
        speakers=index_speakers(columns, meta.aliases),
    )
