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
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from parser.index.builder import PAIR_BITS, WORD_BITS, Built, index_speakers
from parser.index.columns import TurnColumns
from parser.index.postings import Postings
from parser.index.store import TurnStore
from parser.index.vocab import Vocabulary
from parser.models import Meeting

log = logging.getLogger(__name__)

FORMAT = 2  # bump whenever what is saved, or how the store folds and indexes words, changes


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
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]  # numpy 2.x stubs: `allow_pickle` could come from **arrays
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def load_snapshot(path: Path, key: str) -> TurnStore | None:
    """The store saved at `path` if it was built from records with this `key`, else None."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(data["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or meta.get("key") != key:
                return None
            arrays = {name: data[name] for name in data.files}
    except FileNotFoundError:
        return None
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, UnicodeDecodeError) as err:
        log.warning("ignoring unreadable snapshot %s: %s", path, err)
        return None
    store = TurnStore(built=_built(meta, arrays))
    store.snapshot_extra = meta.get("extra", {})
    return store


def _built(meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> Built:
    meetings = [Meeting.model_validate(m) for m in meta["meetings"]]
    columns = TurnColumns(
        blob=arrays["blob"],
        offsets=arrays["offsets"],
        label_ids=arrays["label_ids"],
        labels=meta["labels"],
        index=arrays.get("index"),
        meeting_ids=[m.id for m in meetings],
        meeting_starts=meta["meeting_starts"],
        page=arrays.get("page"),
        start=arrays.get("start"),
        end=arrays.get("end"),
    )
    return Built(
        columns=columns,
        meetings={m.id: m for m in meetings},
        vocab=Vocabulary.from_arrays(arrays["vocab"], arrays["df"]),
        words=Postings.from_arrays(arrays, "w", meta["word_segments"], WORD_BITS),
        pairs=Postings.from_arrays(arrays, "p", meta["pair_segments"], PAIR_BITS),
        pair_words=arrays["pair_words"],
        speakers=index_speakers(columns, meta["aliases"]),
    )
