"""The one place where record formats are registered and chosen, by content first.

Binary readers (PDF, DOCX) are tried on the raw bytes by their magic; text readers on the
decoded text by their `sniff`, most specific first. The extension only decides which files
a folder scan looks at.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from parser.models import Record, RecordError
from parser.readers import docx_reader, icann, json_records, minutes, otter, pdf, subrip, timed_lines, vtt, zoom_chat

log = logging.getLogger(__name__)
Data = TypeVar("Data", str, bytes)


def guarded(name: str, read: Callable[[Data, Path], Record]) -> Callable[[Data, Path], Record]:
    """A reader that lets only `RecordError` out: our own bug is logged with its traceback and said in one line."""

    @functools.wraps(read)
    def read_guarded(data: Data, path: Path) -> Record:
        try:
            return read(data, path)
        except RecordError:
            raise
        except Exception as err:
            log.exception("reading %s as %s failed", path, name)
            raise RecordError(path, f"could not be read as {name} ({type(err).__name__}: {err})") from err

    return read_guarded


@dataclass(frozen=True)
class Reader:
    """A text record format: how to recognise its text and how to read it."""

    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[str], bool]
    read: Callable[[str, Path], Record]

    def __post_init__(self) -> None:
        object.__setattr__(self, "read", guarded(self.name, self.read))


@dataclass(frozen=True)
class BinaryReader:
    """A binary record format, recognised by its first bytes."""

    name: str
    extensions: tuple[str, ...]
    magic: Callable[[bytes], bool]
    read: Callable[[bytes, Path], Record]

    def __post_init__(self) -> None:
        object.__setattr__(self, "read", guarded(self.name, self.read))


BINARY_READERS: tuple[BinaryReader, ...] = (
    BinaryReader(pdf.NAME, (".pdf",), pdf.magic, pdf.read_bytes),
    BinaryReader(docx_reader.NAME, (".docx",), docx_reader.magic, docx_reader.read_bytes),
)

# Most specific first: the first reader whose sniff accepts the text reads it.
READERS: tuple[Reader, ...] = (
    Reader(json_records.NAME, (".json",), json_records.sniff, json_records.read_text),
    Reader(vtt.NAME, (".vtt", ".webvtt"), vtt.sniff, vtt.read_text),
    Reader(subrip.NAME, (".srt",), subrip.sniff, subrip.read_text),
    Reader(zoom_chat.NAME, (".txt",), zoom_chat.sniff, zoom_chat.read_text),
    Reader(otter.NAME, (".txt", ".md", ".markdown", ".text"), otter.sniff, otter.read_text),
    Reader(minutes.NAME, (".md", ".markdown", ".txt", ".text"), minutes.sniff, minutes.read_text),
    Reader(timed_lines.NAME, (".txt", ".text"), timed_lines.sniff, timed_lines.read_text),
    Reader(icann.NAME, (".txt", ".md", ".markdown", ".text"), icann.sniff, icann.read_text),
)

KNOWN_EXTENSIONS = frozenset(ext for reader in READERS for ext in reader.extensions) | frozenset(
    ext for binary in BINARY_READERS for ext in binary.extensions
)


def choose_binary(data: bytes) -> BinaryReader | None:
    """The binary reader whose magic matches these bytes, if any."""
    return next((reader for reader in BINARY_READERS if reader.magic(data)), None)


def choose(text: str) -> Reader | None:
    """The reader for this text: the first that recognises the content, whatever the extension."""
    return next((reader for reader in READERS if reader.sniff(text)), None)
