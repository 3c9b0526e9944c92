"""Files and folders in, records out: one clear line per file that could not be read."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError
from parser.readers.decode import decode
from parser.readers.registry import KNOWN_EXTENSIONS, choose, choose_binary

log = logging.getLogger(__name__)


@dataclass
class LoadResult:
    """What a load made: the records, the files that failed, and the files skipped as not records."""

    records: list[Record] = field(default_factory=list)
    errors: list[RecordError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


class NotARecord(RecordError):
    """Readable text, but no format recognises speaker turns in it (a README beside the records)."""


def iter_files(paths: Iterable[Path | str]) -> Iterator[tuple[Path, bool]]:
    """(file, found in a folder) for every file named and every file under every folder named, in a stable order."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                yield found, True
        else:
            yield path, False


def read_file(path: Path) -> Record:
    """Read one record file; a `RecordError` says why it could not be."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise RecordError(path, "no such file") from None
    except OSError as err:
        raise RecordError(path, f"cannot be opened: {err.strerror or err}") from None
    return read_bytes(data, path)


def read_bytes(data: bytes, path: Path) -> Record:
    """Read one record from its bytes; `path` names it (its name gives the id, and the format a hint).

    Records added from the chat come this way: their bytes are kept, never written as files.
    """
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


def load(paths: Iterable[Path | str]) -> LoadResult:
    """Read every record under `paths` into one list; `iter_records` streams them instead."""
    result = LoadResult()
    result.records.extend(iter_records(paths, result))
    return result


def iter_records(paths: Iterable[Path | str], result: LoadResult) -> Iterator[Record]:
    """Each record under `paths` in turn, with the files that failed or were skipped noted in `result`.

    One broken file never takes the others down. A file named on its own is always read by its
    content. In a folder, files of an unknown extension, and text that holds no speaker turns (a
    README, notes), are skipped with a note. Nothing is kept here, so a store can be built from a
    corpus larger than its records would take as Python objects all at once.
    """
    for path, in_folder in iter_files(paths):
        if in_folder and path.suffix.lower() not in KNOWN_EXTENSIONS:
            result.skipped.append((str(path), f"unknown kind of file ({path.suffix or 'no extension'})"))
            continue
        try:
            yield read_file(path)
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
