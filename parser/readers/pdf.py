"""PDF transcripts, as ICANN publishes most of them: the text layer, page by page.

pypdf's layout mode keeps the blank space between paragraphs, which is how wrapped lines
are told from new paragraphs; plain extraction is the fallback for pages it cannot lay out.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from parser.models import Record, RecordError
from parser.readers import limits
from parser.readers.paged import Page, read_pages, reason

if TYPE_CHECKING:
    from pypdf import PageObject

NAME = "pdf"

log = logging.getLogger(__name__)


def magic(data: bytes) -> bool:
    """A PDF opens with `%PDF-`: at its first bytes, or after some bytes when it also ends as a PDF does.

    A text transcript that mentions `%PDF-` in its first kilobyte is not a PDF.
    """
    at = data.find(b"%PDF-", 0, 1024)
    if at < 0:
        return False
    return not data[:at].strip(b" \t\r\n\x00\xef\xbb\xbf") or b"%%EOF" in data[-2048:]


def _page_lines(page: PageObject) -> Page:
    """The lines of one page, blank lines where the page leaves space."""
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception as err:  # layout mode trips on some fonts; plain text still has the words
        log.debug("layout extraction failed (%s); using plain text", reason(err))
        text = page.extract_text()
    return text.split("\n")


def extract_pages(data: bytes, path: Path) -> list[Page]:
    """The text lines of every page; a `RecordError` for a damaged, encrypted or image-only PDF."""
    from pypdf import PdfReader  # imported when a PDF is read: a start that reads none does not pay for it

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as err:  # e.g. AES without the optional `cryptography` package
                raise RecordError(path, f"the PDF is encrypted and cannot be opened ({reason(err)})") from None
            if not opened:
                raise RecordError(path, "the PDF is password-protected")
        pages = []
        unpacked = 0
        for page in reader.pages:  # pypdf caps each stream itself; this caps their sum
            pages.append(_page_lines(page))
            unpacked += sum(len(line) + 1 for line in pages[-1])
            limits.check("unpacked_bytes", unpacked, path, f"page {len(pages)}")
    except RecordError:
        raise
    except Exception as err:  # pypdf raises many kinds of errors on damaged files
        raise RecordError(path, f"not a readable PDF, damaged or truncated ({reason(err)})") from None
    if not pages:
        raise RecordError(path, "the PDF has no pages")
    if not any(line.strip() for page in pages for line in page):
        raise RecordError(path, "the PDF has no text layer (a scanned image?): it needs OCR first")
    return pages


def read_bytes(data: bytes, path: Path) -> Record:
    """Read a PDF transcript: its text, cleaned of page furniture, read as an ICANN transcript."""
    return read_pages(extract_pages(data, path), path, NAME)
