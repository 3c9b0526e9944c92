"""The one place where record formats are registered and chosen, by content first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parser import icann
from parser.models import Record


@dataclass(frozen=True)
class Reader:
    """A record format: how to recognise its text and how to read it."""

    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[str], bool]
    read: Callable[[str, Path], Record]


# Most specific first: the first reader whose sniff accepts the text reads it.
READERS: tuple[Reader, ...] = (Reader(icann.NAME, (".txt", ".md", ".markdown", ".text"), icann.sniff, icann.read_text),)

TEXT_EXTENSIONS = frozenset(ext for reader in READERS for ext in reader.extensions)


def choose(text: str, path: Path) -> Reader | None:
    """The reader for this text: the first that recognises the content, whatever the extension."""
    for reader in READERS:
        if reader.sniff(text):
            return reader
    return None
