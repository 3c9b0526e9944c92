"""ICANN transcripts as text or markdown: capital speaker labels, pages, a disclaimer box.

The record is a PDF turned into text: `---` (or a form feed) ends a page, and a sentence that
runs over a page break — or around the disclaimer box — is one sentence again once read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError, Turn
from parser.readers import labels, limits, markup
from parser.readers.metadata import make_meeting, title_and_date
from parser.readers.naming import meeting_id
from parser.text import fold

NAME = "icann"

_PAGE_BREAK = re.compile(r"^[^\S\f]*+(?:-{3,}+|\*{3,}+|_{3,}+|\f)\s*+$")
_FURNITURE_MAX = 80  # longer lines are never furniture; the patterns below only see short lines
_PAGE_NUMBER = re.compile(r"^\s*(?i:page|página|pagina|seite)\s+(\d{1,5})\s+(?i:of|de|sur|/|von)\s+\d{1,5}\s*$")
# Furniture, one pattern so that a line costs one match: a language tag, an end marker.
_FURNITURE = re.compile(
    r"^(?:\s*(?:EN|FR|ES|PT|AR|RU|ZH)\s*"
    r"|(?i:[^\w\[]*+\[?\s*(?:END OF TRANSCRIPTION|END OF TRANSCRIPT|FIN DE LA TRANSCRIPTION|"
    r"FIN DE LA TRANSCRIPCIÓN|FIN DE LA TRANSCRIPCION|FIM DA TRANSCRIÇÃO)\s*\]?\W*))$"
)
_DISCLAIMER_START = re.compile(r"^\W*+(?:remarque|note|nota|notice)\s*:", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;]['\"»”’)\]*]*\s*$")


def is_label(line: str) -> labels.Label | None:
    """The speaker label that starts `line`, if it may be one: capitals or a capitalised name, a colon.

    Whether a file's labels are believed is decided over the file (`labels.believed`).
    """
    found = labels.split(line)
    return found if found and labels.speaker_like(found.name) else None


def page_number(line: str) -> int | None:
    """N of a `Page N of M` line, which sets the page of what follows it."""
    if len(line) > _FURNITURE_MAX:
        return None
    m = _PAGE_NUMBER.match(line)
    return int(m[1]) if m else None


def sentence_end(text: str) -> bool:
    """Whether `text` ends a sentence (closing quotes and brackets aside)."""
    return _SENTENCE_END.search(text[-64:]) is not None


def is_disclaimer(paragraph: str) -> bool:
    """The box that says the transcript is not authoritative: nobody's words."""
    return bool(_DISCLAIMER_START.match(paragraph)) and "transcri" in fold(paragraph)


def is_furniture(line: str) -> bool:
    """A line the page carries but nobody said: page numbers, language tags, end markers."""
    if len(line) > _FURNITURE_MAX:
        return False
    return _FURNITURE.match(line) is not None or _PAGE_NUMBER.match(line) is not None


@dataclass
class _Turn:
    speaker: str
    page: int
    paragraphs: list[str] = field(default_factory=list)


def _believed(text: str) -> frozenset[str]:
    """The labels of this text that name speakers, judged over the whole file."""
    found = labels.candidates(line for line in text.split("\n") if ":" in line)
    return labels.believed(found) if labels.prose_like(text) else frozenset()


def _label(line: str, believed: frozenset[str]) -> labels.Label | None:
    found = is_label(line) if ":" in line else None
    return found if found and found.name in believed else None


def _paragraphs(text: str, believed: frozenset[str]) -> list[tuple[list[str], int, bool]]:
    """Split the record into (lines of a paragraph, its page, whether a break precedes it).

    A page counts once it holds somebody's words or the header, so the disclaimer box, which
    the text form sets between two `---`, is not a page of its own. A `Page N of M` line sets
    the page: as a header (after a break, or as the first one was) of what follows, as a footer of what it closes.
    """
    out: list[tuple[list[str], int, bool]] = []
    page = 0
    new_page = True
    broken = False
    since_break = False  # whether words came since the start or the last page break
    headers: bool | None = None  # whether page numbers head their pages, as the first one did
    current: list[str] = []

    def flush() -> None:
        nonlocal current, broken, page, new_page
        if not current:
            return
        lines, current = current, []
        if is_disclaimer(" ".join(lines)):
            broken = True
            return
        if new_page:
            page += 1
            new_page = False
        out.append((lines, page, broken))
        broken = False

    for raw in text.split("\n"):
        if "\f" in raw or _PAGE_BREAK.match(raw):
            flush()
            broken = new_page = True
            since_break = False
            raw = raw.replace("\f", "")
            if _PAGE_BREAK.match(raw) or not raw.strip():
                continue
        line = raw.strip().replace("\u00a0", " ")
        if not line or is_furniture(line):
            flush()
            number = page_number(line) if line else None
            if number is not None:
                header = not since_break or bool(headers)
                headers = header if headers is None else headers
                page = number - 1 if header else number
                broken = new_page = True
                since_break = False
            continue
        since_break = True
        if line.startswith(">>"):
            line = line[2:].strip()
            flush()  # every caption line starts a new paragraph
        label = _label(line, believed)
        if label:
            flush()
        current.append(line)
        if label:
            flush()
    flush()
    return out


def _join(previous: str, following: str) -> bool:
    """Whether a page break cut one sentence in two between these paragraphs."""
    first = following.lstrip("«\"“'( ")[:1]
    return not sentence_end(previous) or (first.isalpha() and first.islower())


def read_text(text: str, path: Path) -> Record:
    """Read an ICANN transcript already in text form (from .txt/.md, or from a PDF or DOCX)."""
    believed = _believed(text)
    paragraphs = _paragraphs(text, believed)
    header: list[str] = []
    turns: list[_Turn] = []
    carried_break = False
    for lines, page, after_break in paragraphs:
        paragraph = " ".join(lines)
        if turns and len(lines) == 1 and lines[0] in header:
            carried_break |= after_break  # the page header, repeated on every page
            continue
        after_break, carried_break = after_break or carried_break, False
        m = _label(paragraph, believed) if len(lines) == 1 else None
        if m:
            turns.append(_Turn(speaker=m.name, page=page))
            limits.check("turns", len(turns), path)  # refused while the record is still small
            if m.rest:
                turns[-1].paragraphs.append(m.rest)
            continue
        if not turns:
            header.extend(lines)
            continue
        current = turns[-1]
        if current.paragraphs and after_break and _join(current.paragraphs[-1], paragraph):
            current.paragraphs[-1] = f"{current.paragraphs[-1].rstrip()} {paragraph.lstrip()}"
        else:
            current.paragraphs.append(paragraph)
    if not turns:
        raise RecordError(path, "no speaker turns found (expected labels like 'Name:' or 'NAME :' at line starts)")
    title, date = title_and_date(header)
    the_id = meeting_id(path)
    made = [
        Turn(
            meeting_id=the_id,
            index=i,
            speaker=t.speaker,
            text="\n".join(filter(None, map(markup.clean, t.paragraphs))),
            page=t.page,
        )
        for i, t in enumerate(turns)
    ]
    return Record(meeting=make_meeting(path, NAME, made, title=title, date=date), turns=made)


def sniff(text: str) -> bool:
    """Speaker labels with colons at line starts, believed over the file: a plain-text transcript."""
    head = text[:200_000]
    found = labels.candidates(line for line in head.split("\n") if ":" in line)
    believed = labels.believed(found)
    return sum(found[name] for name in believed) >= 2 and labels.prose_like(head)
