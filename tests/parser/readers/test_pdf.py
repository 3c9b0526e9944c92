"""The PDF reader on a PDF made at test time from the real ICANN70 text record, laid out as ICANN does.

The text record read directly is the reference: the PDF must give the same turns, speakers,
words (spacing aside) and pages, with none of the page furniture.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from parser.models import Record, RecordError
from parser.readers.loader import read_file
from parser.readers.paged import paragraphs
from parser.readers.pdf import magic, read_bytes
from tests.facts import LANGUAGE, MEETING_ID, PAGES, TURNS
from tests.parser.readers.icann_pages import ICANN_TEXT, build_pdf, layout, summary, words

pytestmark = pytest.mark.slow  # every test reads a 42-page PDF laid out at test time


@pytest.fixture(scope="module")
def pdf_path(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    return build_pdf(tmp_path_factory.mktemp("pdf") / "icann70-lacralo-roundtable-fr.pdf")


@pytest.fixture(scope="module")
def pdf_record(pdf_path: Path) -> Record:
    return read_file(pdf_path)


def test_the_pdf_is_realistic(pdf_path: Path) -> None:
    """Guard the test itself: the furniture and the hard wrapping really are in the PDF text."""
    pages = [page.extract_text() for page in PdfReader(pdf_path).pages]
    assert len(pages) == PAGES
    assert all(f"Page {n} de {PAGES}" in text for n, text in enumerate(pages, 1))
    assert all(text.count("Table ronde d'At-Large LACRALO") >= 1 and "FR" in text for text in pages)
    assert "Remarque : Le présent document" in words(pages[0])
    wrapped = pages[1].split("\n")
    assert any(line.startswith("indiquer votre nom") and not line.rstrip().endswith(".") for line in wrapped)


def test_same_turns_as_the_text_record(pdf_record: Record, reference: Record) -> None:
    assert len(pdf_record.turns) == TURNS
    assert [t.speaker for t in pdf_record.turns] == [t.speaker for t in reference.turns]
    assert summary(pdf_record) == summary(reference)
    assert [t.index for t in pdf_record.turns] == list(range(TURNS))
    assert (pdf_record.turns[4].speaker, pdf_record.turns[4].page) == ("LEÓN SANCHEZ", 7)
    assert pdf_record.turns[-1].page == PAGES


def test_meeting(pdf_record: Record, reference: Record) -> None:
    meeting = pdf_record.meeting
    assert (meeting.id, meeting.format, meeting.language) == (MEETING_ID, "pdf", LANGUAGE)
    assert (meeting.title, meeting.date) == (reference.meeting.title, reference.meeting.date)


def test_no_page_furniture_in_any_turn(pdf_record: Record) -> None:
    title = layout().title
    for turn in pdf_record.turns:
        assert not re.search(r"Page \d+ de \d+", turn.text)
        assert "Remarque" not in turn.text and "faisant autorité" not in turn.text
        assert title not in turn.text and "Forum virtuel" not in turn.text
        assert not re.search(r"(?m)^\s*FR\s*$|\bFR$", turn.text)
        assert "FIN DE LA TRANSCRIPTION" not in turn.text


def test_sentences_cut_by_the_page_and_the_disclaimer_are_joined(pdf_record: Record) -> None:
    assert "Veuillez indiquer votre nom pour le compte-rendu" in pdf_record.turns[0].text


def test_paragraphs_without_space_between_them(tmp_path: Path, reference: Record) -> None:
    """No blank space to tell paragraphs apart: labels after a finished sentence still start turns."""
    record = read_file(build_pdf(tmp_path / "dense.pdf", spaced=False))
    assert summary(record) == summary(reference)
    assert record.meeting.title == reference.meeting.title


def test_pages_are_the_pdf_pages(tmp_path: Path, reference: Record) -> None:
    """A page with nothing but its header and footer still counts: turns keep the page printed on them."""
    record = read_file(build_pdf(tmp_path / "blank.pdf", blank_after=10))
    shifted = [(s, t, p + 1 if p is not None and p > 10 else p) for s, t, p in summary(reference)]
    assert summary(record) == shifted


def test_wrapped_lines_are_joined_and_never_taken_for_labels() -> None:
    """A hard-wrapped line may begin with capitals and a colon, or be a lone number: still the same sentence."""
    page = ["SERGIO SALINAS PORTO :", "", "Nous avons parlé avec", "ALAC : ils sont d'accord pour", "2025", ""]
    page += ["et la suite.", "LITO IBARRA : Merci.", "", "Page 3 de 9"]
    found, header = paragraphs(page)
    assert found == [
        "SERGIO SALINAS PORTO :",
        "Nous avons parlé avec ALAC : ils sont d'accord pour 2025",
        "et la suite.",
        "LITO IBARRA : Merci.",
    ]
    assert header is False


def test_picked_by_content_whatever_the_extension(tmp_path: Path, pdf_path: Path) -> None:
    odd = tmp_path / "transcript.txt"
    shutil.copy(pdf_path, odd)
    record = read_file(odd)
    assert (record.meeting.format, len(record.turns)) == ("pdf", TURNS)
    assert magic(pdf_path.read_bytes()) and not magic(ICANN_TEXT.read_bytes())


@pytest.mark.parametrize("cut", [12, 400, 5_000, 1 / 3, 1 / 2, -800, -30])
def test_truncated_pdf_is_a_record_error(tmp_path: Path, pdf_path: Path, cut: float) -> None:
    data = pdf_path.read_bytes()
    end = int(len(data) * cut) if isinstance(cut, float) else cut
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[:end])
    with pytest.raises(RecordError, match="not a readable PDF, damaged or truncated") as caught:
        read_file(path)
    assert "\n" not in caught.value.line()


def test_damaged_pdfs_are_record_errors(tmp_path: Path, pdf_path: Path) -> None:
    from fpdf import FPDF

    data = pdf_path.read_bytes()
    image_only = FPDF()
    image_only.add_page()
    image_only.rect(20, 20, 100, 100, style="F")
    locked = FPDF()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.set_font("helvetica", size=12)
    locked.cell(text="JOHN DOE : hello")
    cases = {
        "garbage.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 20, "not a readable PDF"),
        "holed.pdf": (data[:30_000] + b"\0" * 2_000 + data[32_000:], "not a readable PDF"),
        "scan.pdf": (bytes(image_only.output()), "no text layer"),
        "locked.pdf": (bytes(locked.output()), "password-protected"),
    }
    for name, (content, problem) in cases.items():
        with pytest.raises(RecordError, match=problem):
            read_bytes(content, tmp_path / name)


def test_a_transcript_that_mentions_a_pdf_header_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "about-pdfs.txt"
    path.write_text("ANA LIMA: Every PDF file starts with %PDF-1.7, you know.\nBO CHEN: I did not know that.\n", encoding="utf-8")
    record = read_file(path)
    assert record.meeting.format == "icann" and [t.speaker for t in record.turns] == ["ANA LIMA", "BO CHEN"]
