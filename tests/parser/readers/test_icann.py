"""The ICANN reader on the real ICANN70 LACRALO record (checked by hand against the file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parser.models import Record, RecordError
from parser.readers.icann import read_text
from parser.readers.loader import read_file
from tests.facts import (
    BY_SPEAKER,
    DAAR_PAGE,
    DAAR_SPEAKER,
    DAAR_TURN,
    DATE,
    LANGUAGE,
    MEETING_ID,
    PAGES,
    SPEAKERS_IN_ORDER,
    TITLE,
    TURNS,
)


def test_meeting_header(icann_record: Record) -> None:
    meeting = icann_record.meeting
    assert (meeting.id, meeting.title, meeting.date, meeting.language) == (MEETING_ID, TITLE, DATE, LANGUAGE)


def test_turns_and_speakers_in_order(icann_record: Record) -> None:
    turns = icann_record.turns
    assert len(turns) == TURNS
    assert list(dict.fromkeys(t.speaker for t in turns)) == SPEAKERS_IN_ORDER
    assert sum(t.speaker == "SERGIO SALINAS PORTO" for t in turns) == BY_SPEAKER["SERGIO SALINAS PORTO"][0]
    assert [t.index for t in turns] == list(range(TURNS))
    assert turns[-1].speaker == "SERGIO SALINAS PORTO"
    assert turns[-1].text.endswith("On se retrouve très prochainement. Merci. Merci à tous.")


def test_disclaimer_and_end_marker_are_nobodys_words(icann_record: Record) -> None:
    for turn in icann_record.turns:
        assert "Remarque" not in turn.text
        assert "transcription d'un fichier audio" not in turn.text
        assert "FIN DE LA TRANSCRIPTION" not in turn.text
        assert "---" not in turn.text


def test_sentences_cut_by_page_breaks_are_joined(icann_record: Record) -> None:
    first = icann_record.turns[0].text
    # "Veuillez" ends page 1, the disclaimer box follows, "indiquer votre nom" starts page 2.
    assert "Veuillez indiquer votre nom pour le compte-rendu" in first
    # "une participation plus" / "informée pour avoir…" across the break after page 2.
    assert "une participation plus informée pour avoir une meilleure incidence" in icann_record.turns[1].text
    # Joined into one paragraph: no line break inside the sentence.
    assert "plus\ninformée" not in icann_record.turns[1].text


def test_same_line_labels_and_markers_kept(icann_record: Record) -> None:
    by_index = icann_record.turns
    assert by_index[17].speaker == "INTERPRÈTE"
    assert by_index[17].text.startswith("Nous nous excusons, l'audio de l'intervenant s'est coupé")
    assert by_index[34].speaker == "ALBERTO SOTO" and by_index[34].text == "On m'entend ?"
    assert any("[inaudible]" in t.text for t in by_index)


@pytest.mark.parametrize(
    ("index", "speaker", "page"),
    [
        # page = the '---' lines above the label, less the opening one and the disclaimer's, by hand
        (0, "CLAUDIA RUIZ", 1),
        (1, "SERGIO SALINAS PORTO", 2),
        (2, "GÖRAN MARBY", 4),
        (17, "INTERPRÈTE", 28),
        (DAAR_TURN, DAAR_SPEAKER, DAAR_PAGE),
        (32, "LAURAN MARGOLIS", 40),
        (34, "ALBERTO SOTO", 41),
        (36, "ALBERTO SOTO", PAGES),
    ],
)
def test_pages(icann_record: Record, index: int, speaker: str, page: int) -> None:
    turn = icann_record.turns[index]
    assert (turn.speaker, turn.page) == (speaker, page)


ENGLISH = """\
ICANN72 | Virtual Annual General Meeting – At-Large Leadership Wrap-Up
Thursday, October 28, 2021 – 10:30 to 12:00 PDT
EN

Note: The following is the output resulting from transcribing an audio file into a word/text
document. Although the transcription is largely accurate, in some cases may be incomplete.

MAUREEN HILYARD: Thank you very much, everyone. We are going to talk about the

---

Page 2 of 3

ICANN72 | Virtual Annual General Meeting – At-Large Leadership Wrap-Up
EN

work of the ALAC this year.

>> UNIDENTIFIED MALE: Can you hear me? [inaudible]

>>JONATHAN ZUCK:
Yes, we can.

[END OF TRANSCRIPTION]
"""


def test_english_conventions() -> None:
    record = read_text(ENGLISH, Path("icann72-wrapup.txt"))
    assert record.meeting.date == dt.date(2021, 10, 28)
    assert record.meeting.title.startswith("ICANN72 | Virtual Annual General Meeting")
    assert [t.speaker for t in record.turns] == ["MAUREEN HILYARD", "UNIDENTIFIED MALE", "JONATHAN ZUCK"]
    first = record.turns[0].text
    assert "talk about the work of the ALAC this year." in first
    assert "Note:" not in first and "Page 2" not in first and "EN" not in first.split()
    assert record.turns[1].text == "Can you hear me? [inaudible]"
    assert record.turns[2].text == "Yes, we can."
    assert [t.page for t in record.turns] == [1, 2, 2]


SPANISH = """\
ICANN70 | Foro de la comunidad – Mesa redonda de LACRALO
Lunes 22 de marzo de 2021 – 14:30 a 16:00 EST

Nota: El contenido del presente documento es producto de una transcripción de un archivo de audio a un archivo de texto.

HUMBERTO CARRASCO : Muchas gracias.

Página 2 de 36

SERGIO SALINAS PORTO: Gracias, Humberto.

[FIN DE LA TRANSCRIPCIÓN]
"""


def test_spanish_conventions() -> None:
    record = read_text(SPANISH, Path("lacralo-es.md"))
    assert record.meeting.date == dt.date(2021, 3, 22)
    assert [(t.speaker, t.text) for t in record.turns] == [
        ("HUMBERTO CARRASCO", "Muchas gracias."),
        ("SERGIO SALINAS PORTO", "Gracias, Humberto."),
    ]


def test_text_without_any_speaker_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Just some notes.\nNothing said by anyone here.\n", encoding="utf-8")
    with pytest.raises(RecordError, match=r"notes\.txt: not a meeting record this bot can read"):
        read_file(path)


def test_page_headers_set_the_page_of_what_follows() -> None:
    """`records/paged-headers.txt` (written for this test): `Page N of 3` headers, 4 turns on pages 1, 2, 2, 3."""
    record = read_file(Path(__file__).parent / "records" / "paged-headers.txt")
    assert [(t.speaker, t.page) for t in record.turns] == [("CHAIR", 1), ("MARIA OKONJO", 2), ("DAVID PARK", 2), ("CHAIR", 3)]
    assert record.turns[1].text == "The accounts were audited in January\nand the auditors found nothing of note."
    assert record.meeting.title == "Budget Committee — Public Session"
    assert not any("Page" in t.text for t in record.turns)


def test_page_footers_close_their_page(tmp_path: Path) -> None:
    path = tmp_path / "footers.txt"
    path.write_text(
        "ANA LIMA: First page words.\nPage 1 of 2\nBO CHEN: Second page words.\nANA LIMA: Still page two.\nPage 2 of 2\n",
        encoding="utf-8",
    )
    assert [t.page for t in read_file(path).turns] == [1, 2, 2]
