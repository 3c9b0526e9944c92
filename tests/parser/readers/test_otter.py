"""The Otter.ai reader on the three real Ladybug exports (counts checked by hand with grep).

Header lines: `grep -cE '^(\\*\\*)?[A-Z][A-Za-z ]*(\\*\\*)? +\\[?[0-9]+:[0-9]{2} ?\\]? *$'` gives 59, 93
and 162; the speakers of those lines piped through `uniq` (consecutive blocks of one speaker
are one turn) give 59, 92 and 141.
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from parser.models import RecordError
from parser.readers.loader import read_file
from parser.readers.otter import header, read_text, sniff

FILES = {
    "ladybug-20-debugging.md": {
        "turns": 59,
        "speakers": ["Emma", "Kelly", "Ali", "Rebecca Hill"],
        "per_speaker": {"Ali": 9, "Emma": 15, "Kelly": 15, "Rebecca Hill": 20},
        "first": "How often have you encountered a problem and struggled to figure out where to start?",
        "last": "See you next week.",
        "last_start": 27 * 60 + 14,
    },
    "ladybug-29-building-a-resume.md": {
        "turns": 92,
        "speakers": ["Emma", "Kelly", "Unknown Speaker", "Ali"],
        "per_speaker": {"Ali": 23, "Emma": 31, "Kelly": 22, "Unknown Speaker": 16},
        "first": "Whether you're seeking your first developer job",
        "last": "have a fantastic day of the week that you",
        "last_start": 39 * 60 + 57,
    },
    "ladybug-62-security.txt": {
        "turns": 141,
        "speakers": ["Emma", "Kelly", "Unknown Speaker", "Tailor", "Sidney"],
        "per_speaker": {"Emma": 58, "Kelly": 3, "Sidney": 19, "Tailor": 1, "Unknown Speaker": 60},
        "first": "It's more important than ever to build secure web applications",
        "last": "All right, I'm done. See you guys.",
        "last_start": 55 * 60 + 21,
    },
}


@pytest.fixture(params=sorted(FILES))
def otter_file(request: pytest.FixtureRequest, corpus: Path) -> Path:
    return corpus / "otter" / request.param


def test_turns_speakers_and_times(otter_file: Path) -> None:
    expected = FILES[otter_file.name]
    record = read_file(otter_file)
    turns = record.turns
    assert record.meeting.format == "otter"
    assert record.meeting.id == otter_file.stem
    assert record.meeting.language == "en"
    assert len(turns) == expected["turns"]
    assert list(dict.fromkeys(t.speaker for t in turns)) == expected["speakers"]
    assert Counter(t.speaker for t in turns) == expected["per_speaker"]
    assert [t.index for t in turns] == list(range(len(turns)))
    assert turns[0].text.startswith(expected["first"])
    assert turns[-1].text.endswith(expected["last"])
    assert turns[0].start == 0.0
    assert turns[-1].start == expected["last_start"]
    assert turns[-1].end is None
    for turn, following in itertools.pairwise(turns):
        assert turn.end == following.start
        assert turn.start is not None and turn.end is not None and turn.start <= turn.end
        assert turn.speaker != following.speaker  # consecutive blocks of one speaker are merged
        assert turn.page is None
        assert turn.text.strip()


def test_footer_is_nobodys_words(otter_file: Path) -> None:
    for turn in read_file(otter_file).turns:
        assert "otter.ai" not in turn.text
        assert "Transcribed by" not in turn.text


def test_the_three_header_styles(corpus: Path) -> None:
    debugging = read_file(corpus / "otter" / "ladybug-20-debugging.md").turns
    # `**Kelly** [0:17]`, `**Emma** [0:20 ]` (a space inside the brackets), `**Rebecca Hill** [1:12]`
    assert [(t.speaker, t.start) for t in debugging[1:4]] == [("Kelly", 17.0), ("Ali", 19.0), ("Emma", 20.0)]
    assert (debugging[6].speaker, debugging[6].start, debugging[6].end) == ("Rebecca Hill", 72.0, 112.0)
    resume = read_file(corpus / "otter" / "ladybug-29-building-a-resume.md").turns  # `**Emma**  0:00`
    assert [(t.speaker, t.start, t.text[:40]) for t in resume[2:4]] == [
        ("Emma", 27.0, "tech industry."),
        ("Unknown Speaker", 29.0, "Hey, Kelly, have you heard about this co"),
    ]
    security = read_file(corpus / "otter" / "ladybug-62-security.txt").turns  # `Emma  0:00`
    assert [(t.speaker, t.start) for t in security[:3]] == [("Emma", 0.0), ("Kelly", 34.0), ("Unknown Speaker", 35.0)]
    assert security[2].text == "I'm Kelly. I'm Allie."


def test_consecutive_blocks_of_one_speaker_are_one_turn(corpus: Path) -> None:
    turns = read_file(corpus / "otter" / "ladybug-62-security.txt").turns
    # Unknown Speaker at 2:57, 3:03 and 3:10, then Sidney at 3:34.
    unknown = next(t for t in turns if t.start == 2 * 60 + 57)
    assert unknown.speaker == "Unknown Speaker"
    assert unknown.end == 3 * 60 + 34
    assert unknown.text.split("\n")[0] == "Just before lunch. We haven't like really taught at all."
    assert unknown.text.split("\n")[1].startswith("I know like how's your 2020 been?")
    assert unknown.text.split("\n")[2].startswith("Um, it's smooth.")
    # A block cut mid-sentence (12:29 "Anyway, I'm gonna" / 12:30 "give her a lesson") is whole again.
    assert any("Anyway, I'm gonna\ngive her a lesson in cybersecurity." in t.text for t in turns)


def test_a_block_with_two_paragraphs(corpus: Path) -> None:
    turns = read_file(corpus / "otter" / "ladybug-20-debugging.md").turns
    kelly = next(t for t in turns if t.start == 12 * 60 + 26)
    assert kelly.speaker == "Kelly"
    paragraphs = kelly.text.split("\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("When's the last time you worked on that side project")
    assert paragraphs[1].startswith("I think it's really great that you know, we...")
    assert kelly.end == 13 * 60 + 45


def test_hour_stamps(tmp_path: Path, corpus: Path) -> None:
    """The same export an hour later: `h:mm:ss` stamps, every turn shifted by 3600 s."""
    source = corpus / "otter" / "ladybug-20-debugging.md"

    def later(m: re.Match[str]) -> str:
        minutes, seconds = m[2].split(":")
        return f"{m[1]}1:{int(minutes):02d}:{seconds}{m[3]}"

    shifted = re.sub(r"(?m)^(\*\*[^*]+\*\* \[)(\d+:\d\d)( ?\])", later, source.read_text(encoding="utf-8"))
    assert "[1:27:14]" in shifted
    path = tmp_path / "late.md"
    path.write_text(shifted, encoding="utf-8")
    original, late = read_file(source).turns, read_file(path).turns
    assert [(t.speaker, t.text) for t in late] == [(t.speaker, t.text) for t in original]
    assert [t.start for t in late] == [t.start + 3600 for t in original if t.start is not None]
    assert header("Speaker 2  1:02:03") == ("Speaker 2", 3723.0)


def test_picked_by_content_whatever_the_extension(tmp_path: Path, corpus: Path) -> None:
    for name in ("ladybug-20-debugging.md", "ladybug-29-building-a-resume.md"):
        copy = tmp_path / f"{Path(name).stem}.txt"
        shutil.copy(corpus / "otter" / name, copy)
        assert read_file(copy).meeting.format == "otter"
    odd = tmp_path / "episode.srt"
    shutil.copy(corpus / "otter" / "ladybug-62-security.txt", odd)
    assert len(read_file(odd).turns) == 141


def test_a_small_export_with_a_title(tmp_path: Path) -> None:
    text = "# Weekly sync\nMarch 5, 2024\n\nSpeaker 1  0:03\nHello there.\n\nSpeaker 2  1:02:03\nHi.\n\nTranscribed by https://otter.ai\n"
    record = read_text(text, tmp_path / "sync.txt")
    assert record.meeting.title == "Weekly sync"
    assert str(record.meeting.date) == "2024-03-05"
    assert [(t.speaker, t.text, t.start, t.end) for t in record.turns] == [
        ("Speaker 1", "Hello there.", 3.0, 3723.0),
        ("Speaker 2", "Hi.", 3723.0, None),
    ]


def test_not_otter(corpus: Path, tmp_path: Path) -> None:
    assert not sniff((corpus / "icann" / "icann70-lacralo-roundtable-fr.txt").read_text(encoding="utf-8"))
    assert not sniff((corpus / "markdown" / "ethereum-acd-139.md").read_text(encoding="utf-8"))
    assert not sniff("Meet me at  5:30\nsure\n")
    assert header("Emma  0:75") is None  # not a time
    with pytest.raises(RecordError, match="no Otter speaker blocks"):
        read_text("Emma  0:00\n\nKelly  0:05\n\nTranscribed by https://otter.ai\n", tmp_path / "empty.txt")
