"""Files and folders in, records out: one clear line per file that could not be read."""

from __future__ import annotations

import logging
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
    """Two records of one meeting in one folder (a transcript and its corrected copy) answer once.

    Records are compared by their turns' words: when most turns of the smaller are in the other,
    the later one is set aside. Only a folder's records are remembered, as hashes.
    """

    SAME = 0.6  # share of the smaller record's turns found in the other
    MIN_WORDS = 4  # shorter turns ("Yes.", "Thank you.") say nothing about which meeting it is

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.kept: list[tuple[str, int]] = []  # (file name, how many turns hashed)
        self.owners: dict[int, list[int]] = {}  # turn hash → kept records holding it

    def copy_of(self, path: Path, record: Record) -> str | None:
        """The file name of a kept record this one repeats, else None (and this one is remembered)."""
        if path.parent != self.folder:
            self.folder, self.kept, self.owners = path.parent, [], {}
        hashes = {hash(" ".join(words)) for t in record.turns if len(words := t.text.lower().split()) >= self.MIN_WORDS}
        if len(hashes) >= 3:
            shared: dict[int, int] = {}
            for h in hashes:
                for owner in self.owners.get(h, ()):
                    shared[owner] = shared.get(owner, 0) + 1
            for owner, count in shared.items():
                if count >= self.SAME * min(len(hashes), self.kept[owner][1]):
                    return self.kept[owner][0]
        number = len(self.kept)
        self.kept.append((path.name, len(hashes)))
        for h in hashes:
            self.owners.setdefault(h, []).append(number)
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
