"""Word (DOCX) transcripts: the body's paragraphs in order, split into pages where the file says so.

A DOCX has no pages of its own. Its page breaks are the hard ones (`w:br w:type="page"`, page
break before, a section that starts on a new page) and the ones Word wrote when it last laid the file
out (`w:lastRenderedPageBreak`); breaks with no words between them count once. A file with
neither gives every turn page None. Headers, footers and text boxes are never the meeting.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from parser.models import Record, RecordError
from parser.readers import limits
from parser.readers.paged import Page, read_pages, reason

if TYPE_CHECKING:
    from lxml import etree

NAME = "docx"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def qn(tag: str) -> str:
    """`w:p` → the element's Clark name, as `docx.oxml.ns.qn` says it (python-docx is imported only to read a file)."""
    return _W + tag.removeprefix("w:")


_P, _T, _TAB, _BR, _CR = qn("w:p"), qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_RENDERED = qn("w:lastRenderedPageBreak")
_SKIP = frozenset({qn("w:txbxContent"), qn("w:del"), qn("w:moveFrom")})
_BREAK = "\f"  # a page boundary in the stream of paragraph text


def magic(data: bytes) -> bool:
    """A zip holding `word/document.xml`; a truncated one still shows the name in its entries."""
    return data.startswith(b"PK\x03\x04") and b"word/document.xml" in data


def _is_on(element: etree._Element | None) -> bool:
    """An OOXML on/off property: present and not switched off."""
    return element is not None and element.get(qn("w:val"), "true") not in ("0", "false", "off")


def _own(element: etree._Element, paragraph: etree._Element) -> bool:
    """Whether `element` belongs to `paragraph` itself, not to a text box or deleted text inside it."""
    for ancestor in element.iterancestors():
        if ancestor is paragraph:
            return True
        if ancestor.tag in _SKIP or ancestor.tag == _P:
            return False
    return False


def _starts_a_page(section: etree._Element) -> bool:
    """A section's `w:type` says how that section starts: on a new page unless continuous or a new column."""
    kind = section.find(qn("w:type"))
    return kind is None or kind.get(qn("w:val"), "nextPage") not in ("continuous", "nextColumn")


def _section_ends(body: etree._Element) -> dict[etree._Element, bool]:
    """Each paragraph that ends a section, and whether the section after it starts a new page.

    A paragraph's `w:sectPr` describes the section it ends; the one after is described by the
    next `w:sectPr` (another paragraph's, or the body's own, last).
    """
    in_paragraphs: list[tuple[etree._Element, etree._Element]] = []  # (paragraph, its sectPr)
    for section in body.iter(qn("w:sectPr")):
        properties = section.getparent()
        paragraph = properties.getparent() if properties is not None and properties.tag == qn("w:pPr") else None
        if paragraph is not None:
            in_paragraphs.append((paragraph, section))
    last = body.find(qn("w:sectPr"))
    sections = [section for _, section in in_paragraphs] + ([last] if last is not None else [])
    return {paragraph: _starts_a_page(following) for (paragraph, _), following in zip(in_paragraphs, sections[1:], strict=False)}


def _paragraph_text(paragraph: etree._Element, ends_section: bool | None = None) -> Iterator[str]:
    """The paragraph's text in order, `\\n` for a line break and `_BREAK` at a page break.

    `ends_section`: True when the paragraph ends a section and the next one starts a new page.
    """
    properties = paragraph.find(qn("w:pPr"))
    if properties is not None and _is_on(properties.find(qn("w:pageBreakBefore"))):
        yield _BREAK
    for element in paragraph.iter(_T, _TAB, _BR, _CR, _RENDERED):
        if not _own(element, paragraph):
            continue
        if element.tag == _T:
            yield element.text or ""
        elif element.tag == _RENDERED or (element.tag == _BR and element.get(qn("w:type")) == "page"):
            yield _BREAK
        elif element.tag in (_BR, _CR):
            yield "\n"
        else:
            yield " "
    if ends_section:
        yield _BREAK


def _check_unpacked(data: bytes, path: Path) -> None:
    """Refuse a zip whose members would unpack past the limit (a zip bomb), before any is unpacked.

    The sizes the zip declares are a true bound: Python's zipfile never reads a member past its
    declared size.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # python-docx says what is wrong with it, below
    limits.check("unpacked_bytes", unpacked, path)


def extract_pages(data: bytes, path: Path) -> tuple[list[Page], bool]:
    """The body's lines page by page, and whether the file marks any page break at all."""
    _check_unpacked(data, path)
    import docx

    try:
        body = docx.Document(io.BytesIO(data)).element.body
        ends = _section_ends(body)
        stream = []
        for paragraph in body.iter(_P):
            if any(ancestor.tag in _SKIP for ancestor in paragraph.iterancestors()):
                continue
            stream.append("".join(_paragraph_text(paragraph, ends.get(paragraph))))
    except Exception as err:  # zipfile, lxml and python-docx raise many kinds of errors on damaged files
        raise RecordError(path, f"not a readable Word document, damaged or truncated ({reason(err)})") from None
    pages: list[Page] = [[]]
    paged = False
    for text in stream:
        for n, part in enumerate(text.split(_BREAK)):
            if n and any(line.strip() for line in pages[-1]):
                pages.append([])
                paged = True
            pages[-1].extend(part.split("\n"))
        pages[-1].append("")
    if not any(line.strip() for page in pages for line in page):
        raise RecordError(path, "the Word document has no text")
    return pages, paged


def read_bytes(data: bytes, path: Path) -> Record:
    """Read a DOCX transcript: its body text, cleaned of page furniture, read as an ICANN transcript."""
    pages, paged = extract_pages(data, path)
    return read_pages(pages, path, NAME, paged=paged)
