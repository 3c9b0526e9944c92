"""Loading the records the bot answers from, and saying what could not be read.

A built store is kept as a snapshot in the cache folder (`VERBATIM_CACHE_DIR`), keyed by every
record file's path, size and modification time (and a named file's sidecar), the aliases file,
the limits and the parser's own code: a restart with nothing changed reads the snapshot instead
of every record, and any change, however small, rebuilds it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import parser as parser_package
from config.aliases import DEFAULT_ALIASES, AliasError, load_aliases
from parser.index.snapshot import FORMAT, clean_partials, load_snapshot, save_snapshot
from parser.index.store import TurnStore
from parser.models import Record, RecordError
from parser.readers.limits import Limits
from parser.readers.loader import LoadResult, iter_files, iter_records
from parser.readers.naming import sidecar_path

log = logging.getLogger(__name__)

KEEP = 8  # snapshots kept in the cache folder, the most recently used: one per corpus, a few corpora


class CorpusError(Exception):
    """Nothing answerable was loaded; the message says what to do."""


def _stat(path: Path) -> list[object]:
    try:
        st = path.stat()
    except OSError:
        return [str(path), None]
    return [str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def corpus_key(paths: Sequence[Path], aliases_path: Path | None, limits: Limits | None = None) -> str:
    """What the store is built from: every file under `paths`, the aliases, the limits, the parser's code."""
    code = sorted(Path(parser_package.__file__).parent.rglob("*.py"))
    parts = {
        "format": FORMAT,
        "limits": list(dataclasses.astuple(limits or Limits())),
        "records": [_stat(path) for path, _ in iter_files(paths)],
        # a file named on its own is read with its sidecar too (a folder's sidecars are among its files)
        "sidecars": [_stat(sidecar_path(path)) for path, in_folder in iter_files(paths) if not in_folder],
        "aliases": _stat(aliases_path or DEFAULT_ALIASES),
        "parser": [_stat(path) for path in code],
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def snapshot_path(paths: Sequence[Path], cache_dir: Path) -> Path:
    """One snapshot file per set of corpus paths."""
    named = json.dumps(sorted(str(Path(p).resolve()) for p in paths))
    return cache_dir / f"store-{hashlib.sha256(named.encode('utf-8')).hexdigest()[:16]}.npz"


def _report(result: LoadResult) -> None:
    """The load report: one line per file passed over (INFO), mended or not read (WARNING)."""
    for path, reason in result.skipped:
        log.info("skipped %s: %s", path, reason)
    for path, note in result.notes:
        log.warning("%s: %s", path, note)
    for error in result.errors:
        log.warning("%s", error.line())


def _left_out(result: LoadResult) -> Callable[[Record, Exception], None]:
    """What to do with a record the store could not take: our bug, logged; the record reported, the rest built."""

    def note(record: Record, err: Exception) -> None:
        where = record.meeting.source or record.meeting.id
        log.error("adding %s to the store failed", where, exc_info=err)
        result.errors.append(RecordError(where, f"could not be added ({type(err).__name__}: {err})"))

    return note


def build_store(
    paths: Sequence[Path],
    aliases_path: Path | None = None,
    cache_dir: Path | None = None,
    limits: Limits | None = None,
) -> tuple[TurnStore, LoadResult]:
    """Read every record under `paths` into a turn store; a bad file is reported, not fatal.

    With a `cache_dir`, an up-to-date snapshot is used instead of the records, and a new one
    is written after a build (a cache that cannot be written only costs the next start).
    """
    missing = [p for p in paths if not Path(p).exists()]
    if missing and len(missing) == len(paths):
        raise CorpusError(f"No such file or folder: {', '.join(map(str, missing))}")
    key = corpus_key(paths, aliases_path, limits) if cache_dir is not None else ""
    if cache_dir is not None:
        clean_partials(cache_dir)
        snapshot = snapshot_path(paths, cache_dir)
        store = load_snapshot(snapshot, key)
        if store is not None:
            try:
                snapshot.touch()  # most recently used: the last to be pruned
            except OSError as err:  # a read-only cache still serves
                log.info("could not mark %s as used: %s", snapshot, err)
            extra = store.snapshot_extra
            result = LoadResult(
                errors=[RecordError(e["path"], e["problem"], e.get("where")) for e in extra.get("errors", [])],
                skipped=[(s[0], s[1]) for s in extra.get("skipped", [])],
                notes=[(n[0], n[1]) for n in extra.get("notes", [])],
            )
            _report(result)
            log.info("loaded %s: %d meetings, %d turns", snapshot, len(store.meetings), len(store))
            return store, result
    try:
        aliases = load_aliases(aliases_path)
    except AliasError as err:
        raise CorpusError(str(err)) from None
    result = LoadResult()  # records are streamed into the store, not kept: `result` holds what failed
    store = TurnStore(iter_records(paths, result, limits), aliases, on_error=_left_out(result))
    _report(result)
    if not store.meetings:
        raise CorpusError(f"No meeting record could be read from {', '.join(map(str, paths))}.")
    log.info("loaded %d meetings, %d turns, %d speakers", len(store.meetings), len(store), len(store.speakers.speakers))
    if cache_dir is not None:
        extra = {
            "errors": [{"path": e.path, "problem": e.problem, "where": e.where} for e in result.errors],
            "skipped": [list(s) for s in result.skipped],
            "notes": [list(n) for n in result.notes],
        }
        try:
            save_snapshot(store, snapshot_path(paths, cache_dir), key, extra)
            _prune(cache_dir)
        except OSError as err:
            log.warning("could not save a snapshot in %s: %s", cache_dir, err)
    return store, result


def _prune(cache_dir: Path) -> None:
    """Forget all but the most recently used snapshots: a corpus that moved leaves its old one behind."""

    def used(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    snapshots = sorted(cache_dir.glob("store-*.npz"), key=used, reverse=True)
    for old in snapshots[KEEP:]:
        old.unlink(missing_ok=True)
