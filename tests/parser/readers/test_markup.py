"""Markup out, words in: markers, escapes, timed notes, footers and break lines are nobody's words.

`records/markdown-timed.md` (written for this test): 5 turns by 2 speakers — Priya Raman at 0:12,
Tom Okafor at 1:05, Priya Raman at 2:40, Tom Okafor at 31:02, Priya Raman at 33:10 — and a
`**Break:** \\[24:27\\]` line that is no speaker. `records/otter-link-footer.txt`: 3 turns by
2 speakers, the footer written as a `<…>` link.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parser.readers import markup
from parser.readers.loader import read_file

RECORDS = Path(__file__).parent / "records"


def test_markdown_transcript_with_inline_times() -> None:
    record = read_file(RECORDS / "markdown-timed.md")
    turns = record.turns
    assert [(t.speaker, t.start) for t in turns] == [
        ("Priya Raman", 12.0),
        ("Tom Okafor", 65.0),
        ("Priya Raman", 160.0),
        ("Tom Okafor", 1862.0),
        ("Priya Raman", 1990.0),
    ]
    assert [t.end for t in turns] == [65.0, 160.0, 1862.0, 1990.0, None]
    assert turns[0].text == "Welcome back. Quick recap of last week [laughs] before we start."
    assert turns[1].text == "Thanks. The build is green again [inaudible] since Friday."
    assert turns[2].text == "Great. Let's look at the *new* layout."
    assert all("Break" not in t.speaker and "\\" not in t.text and "24:27" not in t.text for t in turns)
    assert record.meeting.title == "Design Review — Weekly Sync"


def test_otter_footer_as_a_link_is_not_the_last_speakers_words() -> None:
    turns = read_file(RECORDS / "otter-link-footer.txt").turns
    assert [(t.speaker, t.start) for t in turns] == [("Jane Doe", 3.0), ("Sam Lee", 41.0), ("Jane Doe", 75.0)]
    assert turns[0].text == "Hello and welcome. Today we talk about the roadmap."
    assert turns[-1].text == "Go ahead. We can take it now."


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("So {disfmarker} Morgan {vocalsound} wants it", "So Morgan wants it"),
        ("{pause} {gap} {comment} {nonvocalsound}", ""),
        ("It was [inaudible 00:01:21] then", "It was [inaudible] then"),
        ("[crosstalk 1:02] yes", "[crosstalk] yes"),
        ("\\[laughs\\] and \\*stars\\*", "[laughs] and *stars*"),
        ("a \\_b\\_ c", "a _b_ c"),
    ],
)
def test_clean(raw: str, clean: str) -> None:
    assert markup.clean(raw) == clean


def test_captions_lose_timed_notes(tmp_path: Path) -> None:
    vtt = tmp_path / "notes.vtt"
    vtt.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAna: I think [inaudible 00:00:02] is right.\n\n"
        "00:00:04.000 --> 00:00:06.000\nBo: Yes {vocalsound} it is.\n",
        encoding="utf-8",
    )
    turns = read_file(vtt).turns
    assert [(t.speaker, t.text) for t in turns] == [("Ana", "I think [inaudible] is right."), ("Bo", "Yes it is.")]
