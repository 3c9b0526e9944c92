"""Files and folders in, records out: one clear line per file that could not be read."""

from __future__ import annotations

import logging
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError
from parser.readers.decode import decode
from parser.readers.naming import SIDECAR_SUFFIX, preferred
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
            found = (p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            # A folder's files together, a corrected copy before the raw one (see `_Copies`).
            for file in sorted(found, key=lambda p: (p.parent, not preferred(p), p.name)):
                yield file, True
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
    n = 2
    while f"{candidate}-{n}" in taken:
        n += 1
    return candidate if candidate not in taken else f"{candidate}-{n}"


def iter_records(paths: Iterable[Path | str], result: LoadResult) -> Iterator[Record]:
    """Each record under `paths` in turn, with the files that failed or were skipped noted in `result`.

    One broken file never takes the others down. A file named on its own is always read by its
    content. In a folder, files of an unknown extension, and text that holds no speaker turns (a
    README, notes), are skipped with a note. Nothing is kept here, so a store can be built from a
    corpus larger than its records would take as Python objects all at once.
    """
    copies = _Copies()
    taken: set[str] = set()
    for path, in_folder in iter_files(paths):
        if in_folder and path.name.endswith(SIDECAR_SUFFIX):
            continue  # read with its record by `naming.read_sidecar`
        if in_folder and path.suffix.lower() not in KNOWN_EXTENSIONS:
            result.skipped.append((str(path), f"unknown kind of file ({path.suffix or 'no extension'})"))
            continue
        try:
            record = read_file(path)
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
