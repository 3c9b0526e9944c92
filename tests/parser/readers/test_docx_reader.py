"""The DOCX reader on Word files made at test time from the real ICANN70 text record.

Pages come from the file's page breaks — hard ones, or the ones Word wrote when it last laid
the document out — and are None when it has neither. Headers and footers live in their own
parts in a Word original, and in the body on every page in a PDF-to-Word conversion.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml import parse_xml

from parser.models import Record, RecordError
from parser.readers.docx_reader import magic, read_bytes
from parser.readers.loader import read_file
from tests.facts import PAGES, TURNS
from tests.parser.readers.icann_pages import ICANN_TEXT, build_docx, layout, summary


@pytest.fixture(scope="module")
def docx_path(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    return build_docx(tmp_path_factory.mktemp("docx") / "icann70-lacralo-roundtable-fr.docx")


def assert_no_furniture(record: Record) -> None:
    for turn in record.turns:
        assert "Page " not in turn.text or f" de {PAGES}" not in turn.text
        assert "Remarque" not in turn.text and "faisant autorité" not in turn.text
        assert layout().title not in turn.text and "\tFR" not in turn.text and not turn.text.endswith("FR")


def test_the_docx_is_realistic(docx_path: Path) -> None:
    """Guard the test itself: the header, footer, page breaks and disclaimer box are in the file."""
    document = docx.Document(str(docx_path))
    assert document.sections[0].header.paragraphs[0].text.endswith("\tFR")
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml").decode()
        footer = "".join(archive.read(n).decode() for n in archive.namelist() if n.startswith("word/footer"))
    assert body.count('w:type="page"') == PAGES - 1
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert "Remarque : Le présent document" in document.tables[0].cell(0, 0).text


def test_hard_page_breaks(docx_path: Path, reference: Record) -> None:
    record = read_file(docx_path)
    assert len(record.turns) == TURNS
    assert summary(record) == summary(reference)
    assert (record.meeting.format, record.meeting.title, record.meeting.date) == (
        "docx",
        reference.meeting.title,
        reference.meeting.date,
    )
    assert "Veuillez indiquer votre nom pour le compte-rendu" in record.turns[0].text
    assert_no_furniture(record)


def test_rendered_page_breaks_inside_a_paragraph(tmp_path: Path, reference: Record) -> None:
    """Word's own pagination (`w:lastRenderedPageBreak`), one paragraph running over two pages."""
    path = build_docx(tmp_path / "rendered.docx", breaks="rendered")
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode()
    assert 'w:type="page"' not in body and body.count("lastRenderedPageBreak") == 41
    record = read_file(path)
    assert summary(record) == summary(reference)
    assert [t.text for t in record.turns] == [t.text for t in reference.turns]
    assert_no_furniture(record)


def test_header_and_footer_in_the_body(tmp_path: Path, reference: Record) -> None:
    """A PDF converted to Word: header, `FR` and `Page N de 42` are body lines on every page."""
    record = read_file(build_docx(tmp_path / "converted.docx", furniture_in_body=True))
    assert summary(record) == summary(reference)
    assert_no_furniture(record)


def test_no_page_breaks_no_pages(tmp_path: Path, reference: Record) -> None:
    record = read_file(build_docx(tmp_path / "flowing.docx", breaks="none"))
    assert summary(record) == [(s, t, None) for s, t, _ in summary(reference)]
    assert_no_furniture(record)


def test_picked_by_content_whatever_the_extension(tmp_path: Path, docx_path: Path) -> None:
    odd = tmp_path / "transcript.pdf"
    shutil.copy(docx_path, odd)
    record = read_file(odd)
    assert (record.meeting.format, len(record.turns)) == ("docx", TURNS)
    assert magic(docx_path.read_bytes()) and not magic(ICANN_TEXT.read_bytes())


def _rezip(source: Path, change: dict[str, bytes | None]) -> bytes:
    """The DOCX with some parts replaced (bytes) or left out (None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w") as new:
        for item in old.infolist():
            data = change.get(item.filename, old.read(item))
            if data is not None:
                new.writestr(item, data)
    return out.getvalue()


def test_damaged_docx_are_record_errors(tmp_path: Path, docx_path: Path) -> None:
    data = docx_path.read_bytes()
    with zipfile.ZipFile(docx_path) as archive:
        body = archive.read("word/document.xml")
    cases = {
        "half.docx": data[: len(data) // 2],
        "tail-cut.docx": data[:-100],
        "cut-xml.docx": _rezip(docx_path, {"word/document.xml": body[: len(body) // 2]}),
        "no-types.docx": _rezip(docx_path, {"[Content_Types].xml": None}),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(RecordError, match="not a readable Word document, damaged or truncated") as caught:
            read_file(path)
        assert "\n" not in caught.value.line()
    empty = docx.Document()
    empty.add_paragraph("   ")
    empty.save(str(tmp_path / "blank.docx"))
    with pytest.raises(RecordError, match="no text"):
        read_bytes((tmp_path / "blank.docx").read_bytes(), tmp_path / "blank.docx")
    notes = docx.Document()
    notes.add_paragraph("Just some notes, nobody speaking.")
    notes.save(str(tmp_path / "notes.docx"))
    with pytest.raises(RecordError, match="no speaker turns"):
        read_file(tmp_path / "notes.docx")


TEXT_BOX = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml">'
    '<w:pict><v:shape style="width:200pt;height:40pt"><v:textbox><w:txbxContent>'
    "<w:p><w:r><w:t>SIDEBAR NOTE :</w:t></w:r></w:p><w:p><w:r><w:t>Slides are on the wiki.</w:t></w:r></w:p>"
    "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
)


def small_meeting(path: Path) -> Path:
    """A four-turn call written with python-docx: every kind of page break, and a text box beside a turn.

    By hand: page 1 holds the title, the date and ANA LIMA's first turn (with the text box);
    a paragraph that starts a page opens page 2 (BOB STONE); a continuous section break keeps
    ANA LIMA's second turn on page 2; a next-page section break puts CARLA DIAZ on page 3.
    """
    document = docx.Document()
    for line in ("ICANN99 | Policy Forum – Test Session", "Monday, 6 June 2022 – 09:00 to 10:00 UTC", "ANA LIMA :"):
        document.add_paragraph(line)
    welcome = document.add_paragraph("Welcome everyone.")
    welcome._p.append(parse_xml(TEXT_BOX))
    bob = document.add_paragraph("BOB STONE :")
    bob.paragraph_format.page_break_before = True
    document.add_paragraph("Thank you, Ana.")
    document.add_section(WD_SECTION.CONTINUOUS)
    document.add_paragraph("ANA LIMA :")
    document.add_paragraph("Let us start with the agenda.")
    document.add_section(WD_SECTION.NEW_PAGE)
    document.add_paragraph("CARLA DIAZ :")
    document.add_paragraph("I have a question.")
    document.save(str(path))
    return path


def test_breaks_of_every_kind_and_a_text_box_that_is_nobodys_words(tmp_path: Path) -> None:
    path = small_meeting(tmp_path / "call.docx")
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml").decode()
    assert "w:pageBreakBefore" in body and "w:txbxContent" in body and 'w:val="continuous"' in body  # the test's own file
    record = read_file(path)
    assert record.meeting.title == "ICANN99 | Policy Forum – Test Session"
    assert [(t.speaker, t.text, t.page) for t in record.turns] == [
        ("ANA LIMA", "Welcome everyone.", 1),
        ("BOB STONE", "Thank you, Ana.", 2),
        ("ANA LIMA", "Let us start with the agenda.", 2),
        ("CARLA DIAZ", "I have a question.", 3),
    ]
