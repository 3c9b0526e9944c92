"""Plain-text transcripts with speaker labels in any case, believed over the file as a whole.

`records/mixed-case-labels.txt` was written for this test in the shape of older ICANN English
transcripts: 8 labels, 4 speakers (Marie-Claire Dupont ×3, Ana de la Cruz ×2, Dr. A. Smith ×2,
Kwame Mensah ×1), padded, one with a space before its colon; `Note:`, `On travel:`, `Action
item:` and `Agenda:` inside turns are words, not speakers.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from pathlib import Path

import pytest

from parser.models import RecordError
from parser.readers import labels
from parser.readers.loader import NotARecord, read_file

RECORDS = Path(__file__).parent / "records"


def test_mixed_case_padded_labels_are_speakers() -> None:
    record = read_file(RECORDS / "mixed-case-labels.txt")
    assert [t.speaker for t in record.turns] == [
        "Marie-Claire Dupont",
        "Ana de la Cruz",
        "Dr. A. Smith",
        "Marie-Claire Dupont",
        "Ana de la Cruz",
        "Dr. A. Smith",
        "Kwame Mensah",
        "Marie-Claire Dupont",
    ]
    assert record.turns[0].text == "Good morning, everyone, and welcome. Note: we are recording."
    assert record.turns[1].text == "Thank you, Marie-Claire. I have two points on the budget.\nThe first is the travel line."
    assert record.turns[3].text.endswith("Action item: Ana to write the proposal.")
    assert record.meeting.title == "Community Working Group — Monthly Call"
    assert record.meeting.date == dt.date(2019, 5, 14)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Marie-Claire Dupont:          Good morning", "Marie-Claire Dupont"),
        ("Alice Smith: hello", "Alice Smith"),
        ("Ana de la Cruz: hola", "Ana de la Cruz"),
        ("Dr. A. Smith: yes", "Dr. A. Smith"),
        ("Name : words", "Name"),
        ("GÖRAN MARBY : Merci", "GÖRAN MARBY"),
        ("Note: this is recorded", None),
        ("Action item: send the notes", None),
        ("Agenda: budget", None),
        ("10:30: we start", None),
        ("So here is the thing: it works", None),
        ("The plan was simple: cut travel", None),
    ],
)
def test_what_may_be_a_label(line: str, name: str | None) -> None:
    found = labels.split(line)
    assert (found.name if found and labels.speaker_like(found.name) else None) == name


def test_prose_with_colons_is_not_a_transcript(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(
        "Project notes\n\nNote: the server moved.\nAgenda: budget, travel.\nAction item: Ana sends the notes.\n"
        "10:30: call with the vendor.\nThe plan was simple: cut travel by half.\nBudget: 200 euros.\n",
        encoding="utf-8",
    )
    with pytest.raises(NotARecord):
        read_file(notes)


def test_random_printable_junk_is_not_a_meeting(tmp_path: Path) -> None:
    junk = tmp_path / "junk.txt"
    junk.write_text("".join(random.Random(3).choices(string.printable, k=60_000)), encoding="utf-8")
    with pytest.raises(RecordError):
        read_file(junk)


def test_one_off_labels_in_a_long_list_are_not_speakers() -> None:
    counts = labels.candidates([f"Item{chr(65 + i)} Thing: x" for i in range(10)])
    assert labels.believed(counts) == frozenset()
