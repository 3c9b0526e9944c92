"""Timed text that names nobody, cut into segments of the talk; and Zoom chat exports.

Records written for these tests, counted by hand:
- `captions-no-speakers.vtt`: 29 cues of 5 s, no speaker. Segments: cues 1–6 (0–30 s, ends on a
  full stop at 30 s), 7–15 (30–75 s; a 5 s pause and a full stop follow), 16–27 (80–140 s: no
  sentence ends, cut at a minute), 28–29 (140–150 s).
- `timed-lines.txt`: a title, a date, `Host: Jane Doe`, then 19 lines `m:ss words` 4 s apart.
  Segments: 0:00–0:28 (a full stop at 0:28, end 0:32), 0:32–1:00 (end 1:04), 1:04–1:12 (end unknown).
- `zoom-chat.txt`: 4 messages by 3 people, the third over two lines.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from parser.readers.cues import UNKNOWN_SPEAKER
from parser.readers.loader import NotARecord, read_file

RECORDS = Path(__file__).parent / "records"


def test_captions_without_speakers_become_segments() -> None:
    record = read_file(RECORDS / "captions-no-speakers.vtt")
    turns = record.turns
    assert [(t.start, t.end) for t in turns] == [(0.0, 30.0), (30.0, 75.0), (80.0, 140.0), (140.0, 150.0)]
    assert {t.speaker for t in turns} == {UNKNOWN_SPEAKER}
    assert turns[0].text == (
        "Welcome to the show. Today we talk about gardens in small spaces. First, the light. "
        "Most plants want sun for six hours a day."
    )
    assert turns[1].text.startswith("That is the rule we start with.") and turns[1].text.endswith("at noon.")
    assert turns[3].text == "and remember to water them."
    assert [t.index for t in turns] == [0, 1, 2, 3]


def test_captions_say_their_host_when_the_record_names_one(tmp_path: Path) -> None:
    text = (RECORDS / "captions-no-speakers.vtt").read_text(encoding="utf-8")
    copy = tmp_path / "hosted.vtt"
    copy.write_text(text.replace("NOTE recorded 2023-06-01", "NOTE\nHost: Jane Doe\nrecorded 2023-06-01"), encoding="utf-8")
    record = read_file(copy)
    assert {t.speaker for t in record.turns} == {"Jane Doe"} and len(record.turns) == 4
    assert record.meeting.date == dt.date(2023, 6, 1)


def test_timed_lines_become_segments_by_the_stated_host() -> None:
    record = read_file(RECORDS / "timed-lines.txt")
    turns = record.turns
    assert record.meeting.format == "timed-text"
    assert record.meeting.title == "Balcony Gardens, episode 12" and record.meeting.date == dt.date(2023, 6, 8)
    assert [(t.speaker, t.start, t.end) for t in turns] == [
        ("Jane Doe", 0.0, 32.0),
        ("Jane Doe", 32.0, 64.0),
        ("Jane Doe", 64.0, None),
    ]
    assert turns[0].text.startswith("welcome back to the channel today") and turns[0].text.endswith("at all.")
    assert turns[2].text == "next time we look at tomatoes see you then"


def test_timed_lines_with_names_are_the_speakers_turns(tmp_path: Path) -> None:
    path = tmp_path / "named.txt"
    path.write_text(
        "00:00:01 Ana Lima: Hello and welcome.\n00:00:05 Ana Lima: Today, budgets.\n00:00:09 Bo Chen: Thanks, Ana.\n"
        "00:00:12 Ana Lima: Over to you.\n00:00:15 Bo Chen: Right, the numbers.\n",
        encoding="utf-8",
    )
    turns = read_file(path).turns
    assert [(t.speaker, t.start, t.end) for t in turns] == [
        ("Ana Lima", 1.0, 9.0),
        ("Bo Chen", 9.0, 12.0),
        ("Ana Lima", 12.0, 15.0),
        ("Bo Chen", 15.0, None),
    ]
    assert turns[0].text == "Hello and welcome. Today, budgets."


def test_zoom_chat_is_read_as_chat() -> None:
    record = read_file(RECORDS / "zoom-chat.txt")
    assert record.meeting.chat and record.meeting.format == "zoom-chat"
    assert [(t.speaker, t.start, t.chat) for t in record.turns] == [
        ("Alice Smith", 131.0, True),
        ("Bob Jones", 220.0, True),
        ("Alice Smith", 302.0, True),
        ("Carmen Díaz", 450.0, True),
    ]
    assert record.turns[1].text == "Slides are here: https://example.org/slides"
    assert record.turns[2].text == "Thanks Bob\nthe link works for me"


def test_older_zoom_chat_lines(tmp_path: Path) -> None:
    path = tmp_path / "meeting_saved_chat.txt"
    path.write_text("10:01:23 From Alice Smith : hello\n10:02:05 From Bob Jones to Everyone : hi there\n", encoding="utf-8")
    record = read_file(path)
    assert [(t.speaker, t.text, t.start) for t in record.turns] == [
        ("Alice Smith", "hello", 36083.0),
        ("Bob Jones", "hi there", 36125.0),
    ]


def test_a_note_may_give_the_records_link(tmp_path: Path) -> None:
    text = (RECORDS / "captions-no-speakers.vtt").read_text(encoding="utf-8")
    copy = tmp_path / "linked.vtt"
    copy.write_text(text.replace("NOTE recorded 2023-06-01", "NOTE\nURL: https://example.org/ep12.mp3"), encoding="utf-8")
    assert read_file(copy).meeting.url == "https://example.org/ep12.mp3"


def test_an_agenda_with_times_is_not_a_transcript(tmp_path: Path) -> None:
    path = tmp_path / "agenda.txt"
    path.write_text(
        "Board day\n09:00 Welcome and coffee\n09:30 Budget review\n10:15 Travel policy\n11:00 Break\n"
        "11:20 Elections\n12:30 Lunch\n",
        encoding="utf-8",
    )
    with pytest.raises(NotARecord):
        read_file(path)
