"""SubRip records: the real podcast episode, its variants, and what other SRT writers produce.

The expected turns were read off the file: `grep -n '^[A-Za-z]*:'` finds the ten `Name:` cues
that open the turns (Travis, Sarah, Travis, Gilon, Travis, Gilon, Travis, Sarah, Gilon, Travis).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parser.models import Record, RecordError, Turn
from parser.readers.loader import load, read_file
from parser.readers.subrip import read_text, sniff

EPISODE = "srt/podcast-namespace-episode.srt"
SPEAKERS = ["Travis", "Sarah", "Travis", "Gilon", "Travis", "Gilon", "Travis", "Sarah", "Gilon", "Travis"]


def _key(turns: list[Turn]) -> list[tuple[int, str, str, float | None, float | None]]:
    return [(t.index, t.speaker, t.text, t.start, t.end) for t in turns]


@pytest.fixture(scope="module")
def episode(corpus: Path) -> Record:
    return read_file(corpus / EPISODE)


def test_episode_turns(episode: Record) -> None:
    turns = episode.turns
    assert [t.speaker for t in turns] == SPEAKERS
    assert list(dict.fromkeys(t.speaker for t in turns)) == ["Travis", "Sarah", "Gilon"]
    assert [t.index for t in turns] == list(range(10))
    assert all(t.page is None for t in turns)
    assert (turns[0].start, turns[0].end) == (0.179, 50.34)
    assert turns[0].text.startswith("When you first get started in podcasting, it's almost guaranteed")
    assert turns[0].text.endswith("to help you reach your goals, that much faster")
    assert (turns[3].start, turns[3].end) == (219.36, 260.579)
    assert turns[3].text.startswith("So is there an ideal podcast length, short answer? Nope.")
    assert (turns[-1].start, turns[-1].end) == (691.49, 754.769)
    assert turns[-1].text.endswith("the next best thing to do is to batch your episodes.")
    assert not any(":" in t.text[:12] for t in turns)  # the `Name:` labels are not words
    assert episode.meeting.format == "srt" and episode.meeting.title == "podcast-namespace-episode"


def test_same_turns_as_the_webvtt_edition(corpus: Path, episode: Record) -> None:
    """The same episode published as WebVTT (voice tags) and SubRip (`Name:`) is the same conversation."""
    webvtt = read_file(corpus / "vtt-voice/podcast-namespace-episode.vtt")
    assert [(t.speaker, t.text, t.start, t.end) for t in webvtt.turns] == [
        (t.speaker, t.text, t.start, t.end) for t in episode.turns
    ]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.replace("\n", "\r\n").encode("utf-8"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-16"),
        lambda t: ("\ufeff" + t).replace("\n", "\r\n").encode("utf-16-be"),
    ],
    ids=["crlf", "bom", "utf16", "utf16be-crlf"],
)
def test_variants_read_the_same(corpus: Path, episode: Record, tmp_path: Path, encode) -> None:
    variant = tmp_path / "podcast-namespace-episode.srt"
    variant.write_bytes(encode((corpus / EPISODE).read_text(encoding="utf-8")))
    assert _key(read_file(variant).turns) == _key(episode.turns)


@pytest.mark.parametrize("fraction", [0.2, 0.45, 0.5, 0.61, 0.8, 0.99])
def test_truncated_file_keeps_leading_turns_or_says_so(corpus: Path, episode: Record, tmp_path: Path, fraction: float) -> None:
    data = (corpus / EPISODE).read_bytes()
    cut = tmp_path / "podcast-namespace-episode.srt"
    cut.write_bytes(data[: int(len(data) * fraction)])
    try:
        turns = read_file(cut).turns
    except RecordError as err:
        assert err.problem.startswith("cue ") and err.where and err.where.startswith("line ")
        return
    n = len(turns)
    assert _key(turns[:-1]) == _key(episode.turns[: n - 1])
    assert (turns[-1].speaker, turns[-1].start) == (episode.turns[n - 1].speaker, episode.turns[n - 1].start)


def test_cut_inside_a_timing_line_is_an_error(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / EPISODE).read_bytes()
    arrow = data.index(b"-->", len(data) // 2)
    cut = tmp_path / "cut.srt"
    cut.write_bytes(data[: arrow + 9])  # `00:06:09,990 --> 00:06`
    with pytest.raises(RecordError, match=r"cue \d+: bad timestamp") as err:
        read_file(cut)
    assert err.value.where and err.value.where.startswith("line ")


@pytest.mark.parametrize("suffix", [".txt", ".vtt"])
def test_loader_picks_the_reader_by_content(corpus: Path, tmp_path: Path, suffix: str) -> None:
    copy = tmp_path / f"episode{suffix}"
    copy.write_bytes((corpus / EPISODE).read_bytes())
    record = read_file(copy)
    assert record.meeting.format == "srt" and [t.speaker for t in record.turns] == SPEAKERS


# ---------------------------------------------------------------- inline cases


def _turns(text: str) -> list[tuple[str, str, float | None, float | None]]:
    return [(t.speaker, t.text, t.start, t.end) for t in read_text(text, Path("meeting.srt")).turns]


def test_name_on_the_first_cue_of_a_turn_only() -> None:
    text = (
        "1\n00:00:01,000 --> 00:00:02,500\nANN LEE: Good morning\neveryone\n\n"
        "2\n00:00:02,500 --> 00:00:04,000\nand welcome.\n\n"
        "3\n00:00:04,200 --> 00:00:05,000\nBOB: Thanks.\n"
    )
    assert _turns(text) == [("ANN LEE", "Good morning everyone and welcome.", 1.0, 4.0), ("BOB", "Thanks.", 4.2, 5.0)]


def test_markup_blank_line_in_a_cue_and_no_speaker() -> None:
    text = (
        '1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Music</i> <font color="#fff">plays</font>\n\n'
        "2\n00:00:02,000 --> 00:00:03,000\nfirst paragraph\n\nsecond paragraph\n\n"
        "3\n00:00:03,000 --> 00:00:04,000 X1:10 X2:20 Y1:5 Y2:9\nAnn: Fish &amp; chips\n"
    )
    assert _turns(text) == [
        ("Unknown speaker", "Music plays first paragraph second paragraph", 1.0, 3.0),
        ("Ann", "Fish & chips", 3.0, 4.0),
    ]


@pytest.mark.parametrize(
    ("text", "problem", "where"),
    [
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,000 --> 00:00:0x\nho\n", "cue 2: bad timestamp", "line 6"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:03,000 --> 00:04,000\nho\n", "cue 2: bad timestamp", "line 6"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n", "cue 2: no 'start --> end' timing line", "line 5"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\n00:00:03,0",
            "cue 2: no 'start --> end' timing line",
            "line 6",
        ),  # the cut timing line
        ("1\n00:00:05,000 --> 00:00:02,000\nhi\n", "cue 1: ends before it starts", "line 2"),
        ("1\n00:00:01,000 --> 00:00:02,000\n\n", "the cues hold no words", None),
    ],
)
def test_broken_files_say_where(text: str, problem: str, where: str | None) -> None:
    with pytest.raises(RecordError) as err:
        read_text(text, Path("meeting.srt"))
    assert err.value.problem.startswith(problem)
    assert err.value.where == where


def test_sniff() -> None:
    assert sniff("\ufeff1\r\n00:00:00,179 --> 00:00:02,399\r\nTravis: When")
    assert sniff("\n\n00:00:00.179 --> 00:00:02.399\nno cue number")
    assert not sniff("WEBVTT\n\n00:00:00.179 --> 00:00:02.399\nhi")
    assert not sniff("LEÓN SANCHEZ : bonjour\n")


@pytest.mark.parametrize(
    ("timing", "line"),
    [("00:00:0x,000 --> 00:00:04,000", 2), ("00:00:01,000 00:00:04,000", 2), ("00:00:01,000 --> 00:00:04", 2)],
)
def test_a_broken_first_cue_is_reported_where_it_breaks(tmp_path: Path, timing: str, line: int) -> None:
    path = tmp_path / "broken-first.srt"
    path.write_text(f"1\n{timing}\nAna: Hello.\n\n2\n00:00:05,000 --> 00:00:07,000\nBo: Hi.\n", encoding="utf-8")
    with pytest.raises(RecordError) as caught:
        read_file(path)
    assert "cue 1" in caught.value.problem and caught.value.where == f"line {line}"
    in_a_folder = load([tmp_path])
    assert [e.where for e in in_a_folder.errors] == [f"line {line}"] and not in_a_folder.skipped
