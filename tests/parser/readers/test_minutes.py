"""The Markdown minutes reader on the real Ethereum AllCoreDevs #139 notes (counts checked with grep).

`grep -cE '^\\s*\\*\\*[^*]+\\*\\*\\s*$'` finds 282 speaker lines (lines 16-864); four follow a line
of the same speaker (`uniq -i`: `lightclient`/`Lightclient` at 86/89, and lines 543, 789, 834),
so 278 turns. Everything after the `------` rule at line 867 — attendees, next meeting, the
Zoom chat — and the summary table before line 16 is the write-up, not the meeting.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections import Counter
from pathlib import Path

import pytest

from parser.models import Record, RecordError
from parser.readers.loader import read_file
from parser.readers.minutes import read_text, sniff

SPEAKERS = [
    "Mikhail Kalinin",
    "Gary Schulte",
    "Micah Zoltu",
    "Angsgar Dietrichs",
    "George kadianakis",
    "Lightclient",
    "Marius van der Wijden",
    "lightclient",
    "Tim Beiko",
    "Tomasz Stanczak",
    "Pari",
    "Trenton Van Epps",
    "Ansgar Dietrichs",
    "Ben Edgington",
    "terrence(prysmaticlabs)",
    "potuz",
    "Andrew Ashikhmin",
    "Marek Moraczynski",
    "pari",
    "stokes",
    "Afri",
    "tukasz Rozmej",
    "Potuz",
    "Peter Szilagyi",
    "Tukasz Rozmej",
    "Peter Chunchi Liu",
    "Kelly",
]


@pytest.fixture(scope="module")
def acd(corpus: Path) -> Record:
    return read_file(corpus / "markdown" / "ethereum-acd-139.md")


def test_meeting_header(acd: Record) -> None:
    assert acd.meeting.format == "minutes"
    assert acd.meeting.id == "ethereum-acd-139"
    assert acd.meeting.title == "Ethereum Core Devs Meeting #139"
    assert acd.meeting.date == dt.date(2022, 5, 27)  # `Meeting Date/Time`, not the next meeting's June 10
    assert acd.meeting.language == "en"


def test_turns_and_speakers(acd: Record) -> None:
    turns = acd.turns
    assert len(turns) == 278
    assert list(dict.fromkeys(t.speaker for t in turns)) == SPEAKERS  # as written, case and typos kept
    counts = Counter(t.speaker for t in turns)
    assert (counts["Tim Beiko"], counts["Micah Zoltu"], counts["Mikhail Kalinin"]) == (90, 46, 37)
    assert (counts["Marius van der Wijden"], counts["lightclient"], counts["Lightclient"]) == (21, 9, 3)
    assert [t.index for t in turns] == list(range(278))
    assert (turns[0].speaker, turns[0].text) == ("Mikhail Kalinin", "Hi, Gary, How are you?")
    assert turns[1].text.startswith("Doing all right. If I joined early")
    assert (turns[-1].speaker, turns[-1].text) == ("lightclient", "Bye. Bye.")
    assert turns[-2].speaker == "Tim Beiko"
    assert turns[-2].text.startswith("Okay, cool. Yeah. Given where it's over, I think we can wrap up here.")
    for turn, following in itertools.pairwise(turns):
        assert turn.speaker.casefold() != following.speaker.casefold()
    assert all(t.start is None and t.end is None and t.page is None for t in turns)


def test_bullets_are_paragraphs_of_one_turn(acd: Record) -> None:
    turns = acd.turns
    # Lines 46-48: two bullets under the eleventh speaker line, `**Mikhail Kalinin**`.
    mikhail = turns[10]
    assert mikhail.speaker == "Mikhail Kalinin"
    first, second = mikhail.text.split("\n")
    assert first.startswith("Yes. But we don't know how much any attacker would like to spend")
    assert second.startswith("Yeah.So we don't know like,Yeah.")
    # Lines 788-792: `**Tim Beiko**` twice in a row, one sentence over the two.
    assert any(t.text.startswith("So,basically if we do put\nRelease of, yeah, if we put out a release") for t in turns)


def test_unusual_bullets_and_labels(acd: Record) -> None:
    texts = {t.text.split("\n")[0]: t for t in acd.turns}
    # Line 274: words with no bullet; line 664: `*That…` with no space; line 682: ` * The…` indented.
    plain = "I guess for the same reason that we can't schedule the merge, I assume there's still some testing,"
    assert texts[plain].speaker == "Tim Beiko"
    assert texts["That deployment rollout has been bumpy."].speaker == "Tim Beiko"
    assert any(t.speaker == "Tukasz Rozmej" and t.text.startswith("The comment maybe on, on Peter") for t in acd.turns)
    # Line 68: ` **Lightclient**` with a leading space; lines 86/89 `lightclient` then `Lightclient`: one turn.
    assert acd.turns[17].speaker == "Lightclient" and acd.turns[17].text == "Good morning."
    back = next(t for t in acd.turns if t.text.startswith("Back to a bad day."))
    assert (back.speaker, back.text.split("\n")[1]) == (
        "lightclient",
        "This is a healthy number of people before the meeting. What are you all doing?",
    )


def test_the_write_up_is_nobodys_words(acd: Record) -> None:
    for turn in acd.turns:
        assert "139.1" not in turn.text and "Robsten specifically" not in turn.text  # decisions table
        assert "youtu.be" not in turn.text and "Moderator" not in turn.text  # header links
        assert "Justin Florentine" not in turn.text  # attendee list
        assert "June 10, 2022" not in turn.text  # next meeting
        assert "deflationary" not in turn.text and "raid shadow legends" not in turn.text  # pasted Zoom chat
        assert "----" not in turn.text and "##" not in turn.text


def test_picked_by_content_whatever_the_extension(tmp_path: Path, corpus: Path) -> None:
    copy = tmp_path / "acd-139.txt"
    shutil.copy(corpus / "markdown" / "ethereum-acd-139.md", copy)
    record = read_file(copy)
    assert (record.meeting.format, len(record.turns)) == ("minutes", 278)


def test_other_conventions(tmp_path: Path) -> None:
    text = (
        "# Call 12\n\nDate: 2024-01-31\n\n## Agenda\n* item one\n\n**Ann**: Hello all.\n\n**Bob:** Hi Ann.\n"
        "More from Bob.\n\n**Action items**\n* not said either\n\n## Decisions\n**Summary**\n* nothing said here\n\n"
        "**Ann**\n- one\n- two\n"
    )
    assert sniff(text)
    record = read_text(text, tmp_path / "call-12.md")
    assert (record.meeting.title, str(record.meeting.date)) == ("Call 12", "2024-01-31")
    assert [(t.speaker, t.text) for t in record.turns] == [
        ("Ann", "Hello all."),
        ("Bob", "Hi Ann. More from Bob."),
        ("Ann", "one\ntwo"),  # a heading lies between the two `Ann` turns
    ]


def test_not_minutes(corpus: Path, tmp_path: Path) -> None:
    for other in ("icann/icann70-lacralo-roundtable-fr.txt", "otter/ladybug-20-debugging.md", "otter/ladybug-62-security.txt"):
        assert not sniff((corpus / other).read_text(encoding="utf-8"))
    assert not sniff("# Notes\n\n**Agenda**\n* a\n\n**Summary**\n* b\n\n**Action items**\n* c\n")
    with pytest.raises(RecordError, match="no speaker turns"):
        read_text("# Title\n\n**Agenda**\n* a\n\n**Ann**\n\n## Next\n", tmp_path / "empty.md")
