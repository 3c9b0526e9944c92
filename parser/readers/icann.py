"""ICANN transcripts as text or markdown: capital speaker labels, pages, a disclaimer box.

The record is a PDF turned into text: `---` (or a form feed) ends a page, and a sentence that
runs over a page break — or around the disclaimer box — is one sentence again once read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError, Turn
from parser.readers import limits
from parser.readers.metadata import make_meeting, title_and_date
from parser.text import fold

NAME = "icann"

_PAGE_BREAK = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|\f)\s*$")
# A label: capitals (any script's upper case), spaces, dots, hyphens, apostrophes, brackets,
# then an optional (French, non-breaking) space and a colon.
_LABEL = re.compile(
    r"^(?:>>\s*)?(?:\*\*)?(?P<label>[^\W\d_](?:[^\W\d_]|[ .'’()\-])*?)[\s\u00a0\u202f]*:(?:\*\*)?"
    r"[\s\u00a0\u202f]*(?P<rest>.*)$"
)
# Furniture, one pattern so that a line costs one match: a page header, a language tag, an end marker.
_FURNITURE = re.compile(
    r"^(?:(?i:\s*(?:page|página|pagina|seite)\s+\d+\s+(?:of|de|sur|/|von)\s+\d+\s*)"
    r"|\s*(?:EN|FR|ES|PT|AR|RU|ZH)\s*"
    r"|(?i:\W*\[?\s*(?:END OF TRANSCRIPTION|END OF TRANSCRIPT|FIN DE LA TRANSCRIPTION|"
    r"FIN DE LA TRANSCRIPCIÓN|FIN DE LA TRANSCRIPCION|FIM DA TRANSCRIÇÃO)\s*\]?\W*))$"
)
_DISCLAIMER_START = re.compile(r"^\W*(?:remarque|note|nota|notice)\s*:", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…:;]['\"»”’)\]*]*\s*$")


def is_label(line: str) -> re.Match[str] | None:
    """The speaker label that starts `line`, if it is one: all capitals, a colon, at most 8 words."""
    if ":" not in line:  # most lines, and the regular expression is slow to say so
        return None
    m = _LABEL.match(line)
    if not m:
        return None
    label = m["label"].strip()
    letters = [c for c in label if c.isalpha()]
    if len(letters) < 2 or any(c.islower() for c in letters) or len(label.split()) > 8:
        return None
    if len(label) > 60:
        return None
    return m


def is_disclaimer(paragraph: str) -> bool:
    """The box that says the transcript is not authoritative: nobody's words."""
    return bool(_DISCLAIMER_START.match(paragraph)) and "transcri" in fold(paragraph)


def is_furniture(line: str) -> bool:
    """A line the page carries but nobody said: page numbers, language tags, end markers."""
    return _FURNITURE.match(line) is not None


@dataclass
class _Turn:
    speaker: str
    page: int
    paragraphs: list[str] = field(default_factory=list)


def _paragraphs(text: str) -> list[tuple[list[str], int, bool]]:
    """Split the record into (lines of a paragraph, its page, whether a break precedes it).

    A page counts once it holds somebody's words or the header, so the disclaimer box, which
    the text form sets between two `---`, is not a page of its own.
    """
    out: list[tuple[list[str], int, bool]] = []
    page = 0
    new_page = True
    broken = False
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
        if _PAGE_BREAK.match(raw) or "\f" in raw:
            flush()
            broken = new_page = True
            raw = raw.replace("\f", "")
            if _PAGE_BREAK.match(raw) or not raw.strip():
                continue
        line = raw.strip().replace("\u00a0", " ")
        if not line or is_furniture(line):
            flush()
            continue
        if line.startswith(">>"):
            line = line[2:].strip()
            flush()  # every caption line starts a new paragraph
        label = is_label(line)
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
    return not _SENTENCE_END.search(previous) or (first.isalpha() and first.islower())


def read_text(text: str, path: Path) -> Record:
    """Read an ICANN transcript already in text form (from .txt/.md, or from a PDF or DOCX)."""
    paragraphs = _paragraphs(text)
    header: list[str] = []
    turns: list[_Turn] = []
    carried_break = False
    for lines, page, after_break in paragraphs:
        paragraph = " ".join(lines)
        if turns and len(lines) == 1 and lines[0] in header:
            carried_break |= after_break  # the page header, repeated on every page
            continue
        after_break, carried_break = after_break or carried_break, False
        m = is_label(paragraph)
        if m:
            turns.append(_Turn(speaker=m["label"].strip(), page=page))
            limits.check("turns", len(turns), path)  # refused while the record is still small
            rest = m["rest"].strip()
            if rest:
                turns[-1].paragraphs.append(rest)
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
        raise RecordError(path, "no speaker turns found (expected labels like 'NAME :' at line starts)")
    title, date = title_and_date(header)
    meeting_id = path.stem
    made = [
        Turn(meeting_id=meeting_id, index=i, speaker=t.speaker, text="\n".join(t.paragraphs), page=t.page)
        for i, t in enumerate(turns)
    ]
    return Record(meeting=make_meeting(path, NAME, made, title=title, date=date), turns=made)


def sniff(text: str) -> bool:
    """Capital labels with colons at line starts, several times: an ICANN-style transcript."""
    labels = 0
    for line in text[:200_000].split("\n"):
        stripped = line.strip()
        if is_label(stripped):
            labels += 1
            if labels >= 2:
                return True
    return False
