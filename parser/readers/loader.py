"""Files and folders in, records out: one clear line per file that could not be read."""

from __future__ import annotations

import logging
import os
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError, free_id
from parser.readers import limits
from parser.readers.decode import decode
from parser.readers.door import admit
from parser.readers.naming import SIDECAR_SUFFIX, not_on_disk, preferred
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
            # a corrected copy before the raw one (see `_Copies`)
            entries = sorted(it, key=lambda e: (not preferred(Path(e.name)), e.name))
    except OSError as err:
        if result is not None:
            result.errors.append(RecordError(folder, f"folder cannot be read: {err.strerror or err}"))
        return
    folders: list[Path] = []  # after the folder's own files, so that a folder's files come together
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                folders.append(path)
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
    for sub in folders:
        yield from _walk(sub, result)


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
    return read_bytes(_read_bytes(path), path)


def read_bytes(data: bytes, path: Path) -> Record:
    """Read one record from its bytes; `path` names it (its name gives the id, and the format a hint).

    Records added from the chat come this way: their bytes are kept, never written as files.
    """
    if len(data) > limits.current().file_bytes:
        raise limits.over("file_bytes", len(data), path)
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


def admitted_bytes(data: bytes, path: Path, limits_: limits.Limits | None = None) -> tuple[Record, list[str]]:
    """A record read from bytes that are not a file here (the chat's), within `limits_` and checked at
    the door, with what was mended: a sidecar in the current folder with the same name is not read."""
    with limits.reading_with(limits_), not_on_disk():
        return admit(read_bytes(data, path), path)


class _Copies:
    """Two records of one meeting (a transcript and its corrected copy; the same captions as .srt and
    .vtt) answer once: the first read is kept, and corrected copies are read first.

    Records are compared by their turns: a record is a copy when the turns it shares with a kept
    record in its folder, or with a kept record of the same id, are most of either. Each record is
    remembered by a small sketch (the smallest hashes of its turns), never by its text.
    """

    K = 32  # hashes kept per record
    KEYS = 8  # of which these find the records to compare with, within a folder
    SAME = 0.4  # shared share of the two records' turns together (0.4 ≈ 60 % of each)
    MIN_CHARS = 20  # shorter turns ("Yes.", "Thank you.") say nothing about which meeting it is

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.in_folder: dict[int, list[tuple[str, array[int]]]] = {}
        self.by_id: dict[str, list[tuple[str, array[int]]]] = {}

    def _sketch(self, record: Record) -> array[int]:
        hashes = {zlib.crc32(t.text.encode("utf-8", "surrogatepass")) for t in record.turns if len(t.text) >= self.MIN_CHARS}
        return array("q", sorted(hashes)[: self.K])

    def _same(self, a: array[int], b: array[int]) -> bool:
        union = sorted(set(a) | set(b))[: self.K]
        both = set(a) & set(b)
        return sum(1 for h in union if h in both) >= self.SAME * len(union)

    def copy_of(self, path: Path, record: Record) -> str | None:
        """The kept record this one repeats, else None (and this one is remembered)."""
        if path.parent != self.folder:
            self.folder, self.in_folder = path.parent, {}
        sketch = self._sketch(record)
        if len(sketch) < 3:
            return None
        same_id = self.by_id.setdefault(record.meeting.id, [])
        near = [entry for key in sketch[: self.KEYS] for entry in self.in_folder.get(key, ())]
        for name, other in [*near, *same_id]:
            if self._same(sketch, other):
                return name
        entry = (str(path), sketch)
        same_id.append(entry)
        for key in sketch[: self.KEYS]:
            self.in_folder.setdefault(key, []).append(entry)
        return None


def _renamed(record: Record, new_id: str) -> Record:
    meeting = record.meeting.model_copy(update={"id": new_id})
    return Record(meeting=meeting, turns=[t.model_copy(update={"meeting_id": new_id}) for t in record.turns])


def _unique_id(base: str, path: Path, taken: set[str]) -> str:
    """`base`, or, when another record has it, with its folders' names in front (`acdt-2026-08-17_092`)."""
    candidate = base
    for folder in list(path.parents)[:3]:
        if candidate not in taken:
            return candidate
        if folder.name and candidate != folder.name and not candidate.startswith(f"{folder.name}-"):
            candidate = f"{folder.name}-{candidate}"
    return free_id(candidate, taken)


def iter_records(paths: Iterable[Path | str], result: LoadResult, limits_: limits.Limits | None = None) -> Iterator[Record]:
    """Each record under `paths` in turn, with the files that failed or were skipped noted in `result`.

    One broken file never takes the others down. A file named on its own is always read by its
    content. In a folder, files of an unknown extension, and text that holds no speaker turns (a
    README, notes), are skipped with a note. Nothing is kept here, so a store can be built from a
    corpus larger than its records would take as Python objects all at once.
    """
    copies = _Copies()
    taken: set[str] = set()
    for path, in_folder in iter_files(paths, result):
        if in_folder and path.name.endswith(SIDECAR_SUFFIX):
            continue  # read with its record by `naming.read_sidecar`
        if in_folder and path.suffix.lower() not in KNOWN_EXTENSIONS:
            result.skipped.append((str(path), f"unknown kind of file ({path.suffix or 'no extension'})"))
            continue
        try:
            record = read_admitted(path, result, limits_)
            kept = copies.copy_of(path, record)
            if kept is not None:
                result.skipped.append((str(path), f"a copy of the same meeting as {kept}, which is kept"))
                continue
            new_id = _unique_id(record.meeting.id, path, taken)
            taken.add(new_id)
            yield record if new_id == record.meeting.id else _renamed(record, new_id)
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
