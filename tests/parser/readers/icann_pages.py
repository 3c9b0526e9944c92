"""Build PDF and DOCX copies of the real ICANN text record, laid out the way ICANN publishes them.

Each `---` page of the text becomes a page with the running header (session title + `FR`),
a `Page N de M` footer and, on page 1, the disclaimer box; long paragraphs wrap. The tests
then check the PDF/DOCX readers give back what the text reader reads from the text itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from parser.models import Record
from tests.conftest import CORPUS

ICANN_TEXT = CORPUS / "icann" / "icann70-lacralo-roundtable-fr.txt"
HEADER_TAG = "FR"
_SENTENCE_END = re.compile(r"[.!?…»:]\**$")


@dataclass(frozen=True)
class Layout:
    """The record cut into printed pages: paragraphs per page, the title, the disclaimer box."""

    title: str
    pages: list[list[str]]
    disclaimer: str

    def footer(self, number: int) -> str:
        return f"Page {number} de {len(self.pages)}"


def words(text: str) -> str:
    """Text with its spacing made plain: extraction may wrap or space a paragraph differently."""
    return " ".join(text.split())


def summary(record: Record) -> list[tuple[str, str, int | None]]:
    """What a reader must get right: who, the words, the page."""
    return [(t.speaker, words(t.text), t.page) for t in record.turns]


def layout(source: Path = ICANN_TEXT) -> Layout:
    """The text record's pages, with the disclaimer box (its own `---` block in the text) taken out."""
    chunks = [chunk.strip() for chunk in re.split(r"(?m)^---\s*$", source.read_text(encoding="utf-8"))]
    pages: list[list[str]] = []
    disclaimer = ""
    for chunk in filter(None, chunks):
        if chunk.startswith("**Remarque"):
            disclaimer = chunk.strip("*").strip()
            continue
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", chunk) if p.strip()]
        # The title and date lines are one block in the text; on paper they are two lines.
        pages.append([line.strip() for p in paragraphs for line in (p.split("\n") if not pages else [p])])
    return Layout(title=pages[0][0], pages=pages, disclaimer=disclaimer)


def _bold(paragraph: str) -> tuple[str, bool]:
    """`**[FIN DE LA TRANSCRIPTION]**` is set in bold on paper, without the stars."""
    if paragraph.startswith("**") and paragraph.endswith("**"):
        return paragraph.strip("*"), True
    return paragraph, False


def build_pdf(target: Path, spaced: bool = True, blank_after: int | None = None) -> Path:
    """Write the record as an A4 PDF (DejaVu, bundled with matplotlib, for the accents, `œ` and `–`).

    `spaced=False` sets paragraphs with no space between them; `blank_after=n` adds a page with
    only its header and footer after page n.
    """
    import matplotlib
    from fpdf import FPDF

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    doc = layout()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    printed = list(doc.pages)
    if blank_after is not None:
        printed.insert(blank_after, [])
    for number, paragraphs in enumerate(printed, 1):
        pdf.add_page()
        pdf.set_font("DejaVu", "", 9)
        pdf.set_xy(20, 10)
        pdf.cell(150, 6, doc.title)
        pdf.set_font("DejaVu", "B", 14)
        pdf.set_xy(172, 9)
        pdf.cell(18, 7, HEADER_TAG, align="R")
        pdf.set_xy(20, 24)
        for paragraph in paragraphs:
            text, bold = _bold(paragraph)
            pdf.set_font("DejaVu", "B" if bold else "", 10)
            pdf.multi_cell(170, 5, text)
            if spaced:
                pdf.ln(3)
        if number == 1:
            pdf.set_font("DejaVu", "B", 8)
            pdf.set_xy(20, 245)
            pdf.multi_cell(170, 4, doc.disclaimer, border=1, padding=1)
        if pdf.get_y() > 280:
            raise AssertionError(f"page {number} overflows its A4 page")
        pdf.set_font("DejaVu", "", 9)
        pdf.set_xy(20, 284)
        pdf.cell(170, 5, f"Page {number} de {len(printed)}", align="C")
    pdf.output(str(target))
    return target


def build_docx(target: Path, breaks: str = "hard", furniture_in_body: bool = False) -> Path:
    """Write the record as a DOCX.

    `breaks`: "hard" (a page-break paragraph between pages), "rendered" (only Word's
    `w:lastRenderedPageBreak`, inside the paragraph a page cuts in two) or "none" (no page
    marks: a sentence the text cuts at a page break is one paragraph again).
    `furniture_in_body`: header and footer as body lines on every page, as PDF-to-Word
    converters leave them; otherwise they are in Word's header and footer parts.
    """
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = layout()
    document = docx.Document()
    if not furniture_in_body:
        section = document.sections[0]
        section.header.paragraphs[0].text = f"{doc.title}\t\t{HEADER_TAG}"
        footer = section.footer.paragraphs[0]
        footer.add_run("Page ")
        footer._p.append(_field(OxmlElement, qn, "PAGE", "1"))
        footer.add_run(" de ")
        footer._p.append(_field(OxmlElement, qn, "NUMPAGES", str(len(doc.pages))))

    def disclaimer_box() -> None:
        table = document.add_table(rows=1, cols=1)
        table.style = "Table Grid"
        table.cell(0, 0).paragraphs[0].add_run(doc.disclaimer).bold = True

    previous = None
    for number, paragraphs in enumerate(doc.pages, 1):
        if number > 1 and breaks == "hard":
            document.add_page_break()
        if furniture_in_body:
            document.add_paragraph(f"{doc.title}\t{HEADER_TAG}")
        if number == 1 and breaks == "rendered":
            disclaimer_box()  # a table cannot sit inside the paragraph page 1 cuts in two
        for i, paragraph in enumerate(paragraphs):
            text, bold = _bold(paragraph)
            continues = i == 0 and previous is not None and not _SENTENCE_END.search(previous.text)
            if breaks != "hard" and continues and not furniture_in_body:
                run = previous.add_run(f" {text}")  # one paragraph that Word laid out over two pages
            else:
                previous = document.add_paragraph()
                run = previous.add_run(text)
            run.bold = bold
            if i == 0 and number > 1 and breaks == "rendered":
                run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
        if number == 1 and breaks != "rendered":
            disclaimer_box()
        if furniture_in_body:
            previous = document.add_paragraph(doc.footer(number))
    document.save(str(target))
    return target


def _field(element, qn, instruction: str, shown: str):  # type: ignore[no-untyped-def]
    """A simple field (`PAGE`, `NUMPAGES`) as Word stores it in a footer."""
    field = element("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = element("w:r")
    text = element("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    return field
