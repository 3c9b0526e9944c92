"""Fixtures of the parser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from parser.models import Record
from parser.readers.icann import read_text
from tests.parser.readers.icann_pages import ICANN_TEXT


@pytest.fixture(scope="module")
def reference(corpus: Path) -> Record:
    """The ICANN record read directly as text: what its PDF and DOCX editions must give."""
    return read_text(ICANN_TEXT.read_text(encoding="utf-8"), ICANN_TEXT)
