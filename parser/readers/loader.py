"""Files and folders in, records out: one clear line per file that could not be read."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError
from parser.readers import limits
from parser.readers.decode import decode
from parser.readers.door import admit
from parser.readers.registry import KNOWN_EXTENSIONS, choose, choose_binary

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    """What a load made: the records, the files that failed, the files skipped as not records, and what was mended."""

    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (file, what was mended in its record)


class NotARecord(RecordError):
    """Readable text, but no format recognises speaker turns in it (a README beside the records)."""


def _walk(folder: Path, result: LoadResult | None) -> Iterator[Path]:
    """Every file under `folder`, sorted; what is passed over goes to `result` (links to folders are not followed)."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as err:
        if result is not None:
            result.errors.append(RecordError(folder, f"folder cannot be read: {err.strerror or err}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path, result)
            elif entry.is_file():
                yield path
            elif entry.is_symlink():
                if not path.exists():
                    raise FileNotFoundError(0, "a link that leads nowhere (dangling, or a loop)")
                if result is not None:
                    result.skipped.append((str(path), "a link to a folder, not followed"))
            elif result is not None:
                result.skipped.append((str(path), "not a regular file"))
        except OSError as err:
            if result is not None:
                result.errors.append(RecordError(path, f"cannot be read: {err.strerror or err}"))


def iter_files(paths: Iterable[Path | str], result: LoadResult | None = None) -> Iterator[tuple[Path, bool]]:
    """(file, found in a folder) for every file named and every file under every folder named, in a stable order.

    With a `result`, every folder and file passed over is noted there: nothing is skipped silently.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in _walk(path, result):
                yield found, True
        else:
            yield path, False


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refused past the size limit before they are read."""
    most = limits.current().file_bytes
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > most:
                raise limits.over("file_bytes", size, path)
            data = handle.read(most + 1)  # a file still growing is cut here, not read to its end
    except FileNotFoundError:
        raise RecordError(path, "no such file") from None
    except IsADirectoryError:
        raise RecordError(path, "a folder, not a file") from None
    except OSError as err:
        raise RecordError(path, f"cannot be opened: {err.strerror or err}") from None
    if len(data) > most:
        raise limits.over("file_bytes", len(data), path)
    return data


def read_file(path: Path) -> Record:
    """Read one record file; a `RecordError` says why it could not be."""
    data = _read_bytes(path)
    if not data.strip():
        raise RecordError(path, "the file is empty")
    binary = choose_binary(data)
    if binary is not None:
        return binary.read(data, path)
    text = decode(data, path)
    if not text.strip():
        raise RecordError(path, "the file is empty")
    reader = choose(text)
    if reader is None:
        raise NotARecord(path, "not a meeting record this bot can read (no speaker turns recognised)")
    return reader.read(text, path)


def load(paths: Iterable[Path | str], limits_: limits.Limits | None = None) -> LoadResult:
    """Read every record under `paths` into one list; `iter_records` streams them instead."""
    result = LoadResult()
    result.records.extend(iter_records(paths, result, limits_))
    return result


def read_admitted(path: Path, result: LoadResult, limits_: limits.Limits | None = None) -> Record:
    """One file read within `limits_` and checked at the door; what was mended is noted in `result`."""
    with limits.reading_with(limits_):
        record, notes = admit(read_file(path), path)
    result.notes.extend((str(path), note) for note in notes)
    return record


def iter_records(paths: Iterable[Path | str], result: LoadResult, limits_: limits.Limits | None = None) -> Iterator[Record]:
    """Each record under `paths` in turn, with the files that failed or were skipped noted in `result`.

    One broken file never takes the others down. A file named on its own is always read by its
    content. In a folder, files of an unknown extension, and text that holds no speaker turns (a
    README, notes), are skipped with a note. Nothing is kept here, so a store can be built from a
    corpus larger than its records would take as Python objects all at once.
    """
    for path, in_folder in iter_files(paths, result):
        if in_folder and path.suffix.lower() not in KNOWN_EXTENSIONS:
            result.skipped.append((str(path), f"unknown kind of file ({path.suffix or 'no extension'})"))
            continue
        try:
            record = read_admitted(path, result, limits_)
        except NotARecord as err:
            if not in_folder:
                result.errors.append(err)
            else:
                result.skipped.append((err.path, err.problem))
        except RecordError as err:
            result.errors.append(err)
        except Exception as err:  # our bug, not the user's: log it and go on with the other files
            log.exception("reading %s failed", path)
            result.errors.append(RecordError(path, f"could not be read ({type(err).__name__}: {err})"))
        else:
            yield record
