"""Paged documents (PDF, DOCX) to the ICANN text form: page furniture out, one line per paragraph.

What a page carries but nobody said — the running header (session title + `EN`), the footer
(`Page 3 of 39`), the disclaimer box — goes here, before the ICANN reader sees the text, and
each page's text is followed by a form feed so every turn keeps the page it starts on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

from parser.models import Record
from parser.readers import icann
from parser.text import fold

Page = list[str]  # lines as extracted; "" marks a gap between paragraphs

_EDGE = 4  # lines at the top and at the bottom of a page where headers and footers live
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|página|pagina|seite|p\.)\s*)?\d+(?:\s*(?:of|de|sur|/|von)\s*\d+)?$|^-\s*\d+\s*-$", re.IGNORECASE
)
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")  # a drawn line; the ICANN reader would take it for a page break
_DISCLAIMER_START = re.compile(r"^\W*(?:remarque|note|nota|notice|aviso|observação)\s*:", re.IGNORECASE)
_DISCLAIMER_END = ("autorit", "authoritative", "registro oficial")
_DISCLAIMER_LINES = 15
_SENTENCE_END = re.compile(r"[.!?…:;][\s'\"»”’)\]*]*$")  # French sets `? »` apart


def reason(err: Exception) -> str:
    """A library's error in one short line, for a `RecordError` a user reads."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else ""
    return f"{type(err).__name__}: {first}"[:160] if first else type(err).__name__


def _sentence_end(text: str) -> bool:
    return _SENTENCE_END.search(text[-64:]) is not None


def _clean(line: str) -> str:
    """Extracted lines carry justification spaces and NBSPs; words are what count."""
    return " ".join(line.replace("\u00a0", " ").split())


def _key(line: str) -> str:
    """A line as compared across pages: spacing and numbers aside (`Page 3` is `Page 4`)."""
    return _DIGITS.sub("#", fold(line))


def _edges(page: Page) -> list[int]:
    """Indexes of the first and last few non-blank lines of a page."""
    filled = [i for i, line in enumerate(page) if line.strip()]
    return sorted(set(filled[:_EDGE] + filled[-_EDGE:]))


def _is_page_furniture(line: str) -> bool:
    """A page number or language tag; only trusted at a page's edge, where a lone `12` is no word."""
    return bool(_PAGE_NUMBER.match(line) or icann.is_furniture(line))


def repeated_lines(pages: list[Page]) -> set[str]:
    """Keys of lines found at the top or bottom of most pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for page in pages:
        seen.update({_key(page[i]) for i in _edges(page) if not icann.is_label(_clean(page[i]))})
    needed = max(2, math.ceil(0.6 * len(pages)))
    return {key for key, count in seen.items() if count >= needed and key}


def _strip_edge(lines: Page, repeated: set[str]) -> Page:
    """Drop furniture lines from the start of `lines`; each repeated line once, so a title like the header stays."""
    used: set[str] = set()
    start = 0
    while start < len(lines):
        line = _clean(lines[start])
        key = _key(line)
        if not line:
            start += 1
        elif _is_page_furniture(line) or (key in repeated and key not in used):
            used.add(key)
            start += 1
        else:
            break
    return lines[start:]


def strip_furniture(pages: list[Page]) -> list[Page]:
    """Every page without its running header, footer and page number."""
    repeated = repeated_lines(pages)
    out = []
    for page in pages:
        top = _strip_edge(page, repeated)
        out.append(_strip_edge(top[::-1], repeated)[::-1])
    return out


def drop_disclaimers(page: Page) -> Page:
    """Without the box that says the transcript is not authoritative; it ends a paragraph."""
    out: Page = []
    i = 0
    while i < len(page):
        line = _clean(page[i])
        if _DISCLAIMER_START.match(line) and "transcri" in fold(" ".join(page[i : i + 4])):
            j = i
            while j < len(page) and j < i + _DISCLAIMER_LINES and page[j].strip():
                j += 1
                if any(word in fold(page[j - 1]) for word in _DISCLAIMER_END):
                    break
            out.append("")
            i = j
            continue
        out.append(page[i])
        i += 1
    return out


def paragraphs(page: Page, header: bool = False) -> tuple[list[str], bool]:
    """One string per paragraph, wrapped lines joined; and whether the record's header still runs.

    A speaker label always starts a paragraph, but a label-like line inside one only after a
    finished sentence, so a wrapped line that happens to begin `ALAC : …` stays in its sentence.
    Before the first label (the title and date lines) lines stay lines, as the ICANN reader wants.
    """
    out: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            out.append(("\n" if header else " ").join(current))
            current.clear()

    for raw in page:
        line = _clean(raw)
        if not line or _RULE.match(line) or icann.is_furniture(line):
            flush()
            continue
        label = icann.is_label(line)
        alone = label is not None and not label.rest
        if label and current and (alone or header or _sentence_end(current[-1]) or icann.is_label(current[-1])):
            flush()
        header = header and not label
        current.append(line)
        if alone:
            flush()
    flush()
    return out, header


def read_pages(pages: list[Page], path: Path, fmt: str, paged: bool = True) -> Record:
    """Read cleaned pages with the ICANN reader; turns keep their physical page, or None when unpaged."""
    cleaned: list[list[str]] = []
    header = True
    for page in strip_furniture(pages):
        found, header = paragraphs(drop_disclaimers(page), header)
        cleaned.append(found)
    text = "\n\f\n".join("\n\n".join(page) for page in cleaned)
    record = icann.read_text(text, path)
    # The ICANN reader numbers only pages with words; map its numbers back to the document's.
    physical = [number for number, page in enumerate(cleaned, 1) if page]
    turns = []
    for turn in record.turns:
        number = turn.page
        if not paged:
            number = None
        elif number is not None and 0 < number <= len(physical):
            number = physical[number - 1]
        turns.append(turn.model_copy(update={"page": number}))
    return Record(meeting=record.meeting.model_copy(update={"format": fmt}), turns=turns)
