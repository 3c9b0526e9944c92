"""WebVTT records: the real Zoom and podcast files, their variants, and the cases Teams and others produce.

Expected speakers and turn counts were established from the files themselves (awk over the cues,
`uniq` on the speaker of each cue), not from this reader.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from parser.models import Record, RecordError, Turn
from parser.readers.cues import split_label
from parser.readers.loader import load, read_file
from parser.readers.vtt import read_text, sniff

# file: (turn count, speakers in order of first appearance)
EXPECTED: dict[str, tuple[int, list[str]]] = {
    "zoom-vtt/ethereum-acdc-174.vtt": (
        93,
        [
            "Mario Havel",
            "Pooja Ranjan",
            "stokes",
            "Marco Munizaga",
            "Daniel Knopik",
            "ashah",
            "Dustin",
            "Matthew Keil",
            "Barnabas",
            "Justin Traglia",
            "Potuz",
            "Raúl Kripalani",
            "soispoke",
            "Leo",
            "Ansgar Dietrichs",
        ],
    ),
    "zoom-vtt/ethereum-acde-230.vtt": (
        124,
        [
            "Ansgar Dietrichs",
            "nixo",
            "Justin Florentine (Besu)",
            "Mario Havel",
            "Stefan Starflinger",
            "Andrew Ashikhmin",
            "Toni Wahrstätter",
            "frangio",
            "Ben Adams",
            "Dragan Rakita",
            "Marius van der Wijden",
            "marek",
            "Felix (Geth)",
            "Fabio Di Fabio",
            "Mario Vega",
            "Anders Elowsson",
            "lightclient",
            "Gottfried Herold",
            "Marc",
            "Fredrik",
        ],
    ),
    "zoom-vtt/ethereum-p2p-003.vtt": (
        115,
        ["Kamil Salakhiev", "Justin Traglia", "Daniel Knopik", "Anton Nashatyrev", "yiannisbot", "Aarsh Shah", "Bosul Mun"],
    ),
    "vtt-voice/python-bytes-451.vtt": (53, ["Brian Okken", "Michael Kennedy", "Speaker 3"]),
    # Travis, Sarah, Travis, Gilon, Travis, Gilon, Travis, Sarah, Gilon, Travis: three of them as `Gilon:`.
    "vtt-voice/podcast-namespace-episode.vtt": (10, ["Travis", "Sarah", "Gilon"]),
}

# file: [(turn index, speaker, text starts with, text ends with, start, end)]
SPOT_CHECKS: dict[str, list[tuple[int, str, str, str, float, float]]] = {
    "zoom-vtt/ethereum-acdc-174.vtt": [
        (0, "Mario Havel", "Hey, Pooja. What are you doing?", "What are you doing?", 241.68, 244.509),
        (-1, "Ansgar Dietrichs", "Everyone.", "Everyone.", 3134.6, 3135.41),
    ],
    "zoom-vtt/ethereum-acde-230.vtt": [
        (0, "Ansgar Dietrichs", "Hello, hello everyone", "can you hear me alright?", 102.34, 104.739),
        (1, "nixo", "Yep.", "Yep.", 106.42, 106.99),
        (-1, "Fredrik", "Bye.", "Bye.", 3754.42, 3755.53),
    ],
    "zoom-vtt/ethereum-p2p-003.vtt": [
        (0, "Kamil Salakhiev", "Right. Make sure you request", "Hey, Daniel? Hey, Justin? Yeah.", 12.92, 26.599),
        (1, "Justin Traglia", "Hello.", "Hello.", 26.6, 27.29),
        (-1, "Aarsh Shah", "Hi, thank you.", "Hi, thank you.", 1226.86, 1228.07),
    ],
    "vtt-voice/python-bytes-451.vtt": [
        (0, "Brian Okken", "Hello, everybody. Welcome to Python Bytes.", "blue sky mastodon and i'm pretty", 0.1, 54.699),
        (1, "Michael Kennedy", "sure michael's still on uh x", "i do answer at mentions", 54.72, 61.06),
        (-1, "Brian Okken", "Yeah. Well, another great show", "We'll talk to you next week. Bye. Bye.", 1426.12, 1433.14),
    ],
    "vtt-voice/podcast-namespace-episode.vtt": [
        (0, "Travis", "When you first get started in podcasting,", "your goals, that much faster", 0.179, 50.34),
        (1, "Sarah", "Creating good audio is really key", "air quality and good quality.", 53.03, 100.189),
        (
            3,
            "Gilon",
            "So is there an ideal podcast length, short answer? Nope.",
            "what you're trying to get across.",
            219.36,
            260.579,
        ),
        (-1, "Travis", "Batch production of your podcast episodes.", "is to batch your episodes.", 691.49, 754.769),
    ],
}


def _key(turns: list[Turn]) -> list[tuple[int, str, str, float | None, float | None]]:
    return [(t.index, t.speaker, t.text, t.start, t.end) for t in turns]


@pytest.fixture(scope="module")
def records(corpus: Path) -> dict[str, Record]:
    return {name: read_file(corpus / name) for name in EXPECTED}


@pytest.mark.parametrize("name", EXPECTED)
def test_corpus_speakers_and_turn_count(records: dict[str, Record], name: str) -> None:
    count, speakers = EXPECTED[name]
    record = records[name]
    assert len(record.turns) == count
    assert list(dict.fromkeys(t.speaker for t in record.turns)) == speakers
    assert [t.index for t in record.turns] == list(range(count))
    assert all(t.page is None and t.meeting_id == Path(name).stem for t in record.turns)
    assert all(a.speaker != b.speaker for a, b in itertools.pairwise(record.turns))
    assert record.meeting.format == "vtt"
    assert record.meeting.title == Path(name).stem  # no NOTE states a title: the file name does
    assert record.meeting.language == "en"


@pytest.mark.parametrize("name", SPOT_CHECKS)
def test_corpus_turn_text_and_times(records: dict[str, Record], name: str) -> None:
    turns = records[name].turns
    for index, speaker, head, tail, start, end in SPOT_CHECKS[name]:
        turn = turns[index]
        assert (turn.speaker, turn.start, turn.end) == (speaker, start, end)
        assert turn.text.startswith(head)
        assert turn.text.endswith(tail)


def test_no_markup_or_labels_left_in_the_words(records: dict[str, Record]) -> None:
    for record in records.values():
        for turn in record.turns:
            assert "<" not in turn.text and "-->" not in turn.text and "\n" not in turn.text
            assert not turn.text.startswith(f"{turn.speaker}:")
    gilon = [t for t in records["vtt-voice/podcast-namespace-episode.vtt"].turns if t.speaker == "Gilon"]
    assert [t.text[:20] for t in gilon] == ["So is there an ideal", "Interviewing notewor", "You may think that t"]


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("zoom-vtt/ethereum-acde-230.vtt", lambda t: t.replace("\r\n", "\n").encode("utf-8")),  # LF
        ("zoom-vtt/ethereum-acde-230.vtt", lambda t: t.encode("utf-8-sig")),  # BOM
        ("zoom-vtt/ethereum-acde-230.vtt", lambda t: t.encode("utf-16")),
        ("vtt-voice/python-bytes-451.vtt", lambda t: t.replace("\n", "\r\n").encode("utf-8")),  # CRLF
        ("vtt-voice/python-bytes-451.vtt", lambda t: t.encode("utf-16")),
        ("vtt-voice/podcast-namespace-episode.vtt", lambda t: t.encode("utf-8")),  # BOM removed
        ("vtt-voice/podcast-namespace-episode.vtt", lambda t: ("\ufeff" + t).encode("utf-16-be")),
    ],
)
def test_variants_read_the_same(corpus: Path, records: dict[str, Record], tmp_path: Path, name: str, encode) -> None:
    text = (corpus / name).read_bytes().decode("utf-8-sig")
    variant = tmp_path / Path(name).name
    variant.write_bytes(encode(text))
    assert _key(read_file(variant).turns) == _key(records[name].turns)


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("fraction", [0.31, 0.5, 0.77, 0.93])
def test_truncated_file_keeps_leading_turns_or_says_so(
    corpus: Path, records: dict[str, Record], tmp_path: Path, name: str, fraction: float
) -> None:
    data = (corpus / name).read_bytes()
    cut = tmp_path / Path(name).name
    cut.write_bytes(data[: int(len(data) * fraction)])
    full = records[name].turns
    try:
        turns = read_file(cut).turns
    except RecordError as err:
        assert "cue" in err.problem and err.where
        return
    n = len(turns)
    assert 0 < n <= len(full)
    assert _key(turns[:-1]) == _key(full[: n - 1])
    assert (turns[-1].speaker, turns[-1].start) == (full[n - 1].speaker, full[n - 1].start)


def test_file_cut_inside_a_timing_line_is_an_error(corpus: Path, tmp_path: Path) -> None:
    data = (corpus / "zoom-vtt/ethereum-p2p-003.vtt").read_bytes()
    arrow = data.index(b"-->", len(data) // 2)
    cut = tmp_path / "cut.vtt"
    cut.write_bytes(data[: arrow + 8])
    with pytest.raises(RecordError) as err:
        read_file(cut)
    assert err.value.problem.startswith("cue ")
    assert "bad timestamp" in err.value.problem or "ends before it starts" in err.value.problem
    assert err.value.where and err.value.where.startswith("line ")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".srt"])
def test_loader_picks_the_reader_by_content(corpus: Path, tmp_path: Path, suffix: str) -> None:
    copy = tmp_path / f"ethereum-p2p-003{suffix}"
    copy.write_bytes((corpus / "zoom-vtt/ethereum-p2p-003.vtt").read_bytes())
    record = read_file(copy)
    assert record.meeting.format == "vtt" and len(record.turns) == 115


def test_folder_scan_reads_vtt_files(corpus: Path) -> None:
    result = load([corpus / "zoom-vtt", corpus / "vtt-voice"])
    assert not result.errors and not result.skipped
    assert sorted(len(r.turns) for r in result.records) == [10, 53, 93, 115, 124]


# ---------------------------------------------------------------- inline cases


def _read(text: str, name: str = "meeting.vtt") -> Record:
    return read_text(text, Path(name))


def _turns(text: str) -> list[tuple[str, str, float | None, float | None]]:
    return [(t.speaker, t.text, t.start, t.end) for t in _read(text).turns]


def test_voice_tags_closed_unclosed_with_classes_and_several_in_a_cue() -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann Lee>Hello</v>\n\n"
        "00:02.000 --> 00:03.000\n<v.loud Ann Lee>again\n\n"
        "00:03.000 --> 00:04.000\n<v Bob>Hi</v> <v Ann Lee>and bye\n"
    )
    assert _turns(text) == [("Ann Lee", "Hello again", 1.0, 3.0), ("Bob", "Hi", 3.0, 4.0), ("Ann Lee", "and bye", 3.0, 4.0)]


def test_teams_unpadded_timestamps_and_ids() -> None:
    text = (
        "WEBVTT\n\n3d4f3b1e-1b8c-4ce4-9d21-0123456789ab/12-0\n0:0:3.0 --> 0:0:5.5\n<v Ann Lee>Hello</v>\n\n"
        "3d4f3b1e-1b8c-4ce4-9d21-0123456789ab/13-0\n0:1:2.25 --> 1:0:0.0\n<v Bob>Hi</v>\n"
    )
    assert _turns(text) == [("Ann Lee", "Hello", 3.0, 5.5), ("Bob", "Hi", 62.25, 3600.0)]


def test_entities_tags_settings_and_crlf() -> None:
    text = (
        "WEBVTT\r\n\r\n1\r\n00:00:01.000 --> 00:00:02.000 align:start position:0%\r\n"
        "<v Ann>Fish &amp; chips&nbsp;for &lt;3 &gt; <c.yellow>all</c> <i>of</i> <b>us</b>\r\n"
        "<00:00:01.500><c>wrapped</c> line\r\n"
    )
    assert _turns(text) == [("Ann", "Fish & chips for <3 > all of us wrapped line", 1.0, 2.0)]


def test_untagged_cues_before_any_speaker_are_unknown_then_continue_the_last_speaker() -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\nno voice yet\n\n00:02.000 --> 00:03.000\nstill none\n\n"
        "00:03.000 --> 00:04.000\n<v Ann>Mine\n\n00:04.000 --> 00:05.000\nstill Ann\n"
    )
    assert _turns(text) == [("Unknown speaker", "no voice yet still none", 1.0, 3.0), ("Ann", "Mine still Ann", 3.0, 5.0)]


def test_prose_with_a_colon_is_not_a_speaker() -> None:
    text = (
        "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Let me explain\n\n00:02.000 --> 00:03.000\nNote: this is still Ann\n\n"
        "00:03.000 --> 00:04.000\nSo here's the thing: it is Ann\n\n00:04.000 --> 00:05.000\nthe steps are as\n\n"
        "00:05.000 --> 00:06.000\nfollows: one, two\n\n00:06.000 --> 00:07.000\nBob Smith: now Bob\n"
    )
    assert [(s, t) for s, t, _, _ in _turns(text)] == [
        ("Ann", "Let me explain Note: this is still Ann So here's the thing: it is Ann the steps are as follows: one, two"),
        ("Bob Smith", "now Bob"),
    ]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Justin Florentine (Besu): yes", "Justin Florentine (Besu)"),
        ("Marius van der Wijden: yes", "Marius van der Wijden"),
        ("Raúl Kripalani: yes", "Raúl Kripalani"),
        ("Speaker 3: yes", "Speaker 3"),
        ("Dr. Maria de la Cruz: yes", "Dr. Maria de la Cruz"),
        ("Tom's iPhone: yes", "Tom's iPhone"),
        ("stokes: yes", "stokes"),
        ("Q: yes", "Q"),
        ("Note: blah", None),
        ("So here's the thing: blah", None),
        ("Fun fact: blah", None),
        ("Step 1: blah", None),
        ("Well, here it is: blah", None),
        ("Done. Then: blah", None),
        ("What do you think?: blah", None),
        ("See https://example.com for more", None),
        ("At 10:30 we meet", None),
        ("This sentence is much too long to be anybody's name at all: blah", None),
    ],
)
def test_split_label(text: str, label: str | None) -> None:
    found = split_label(text)
    assert (found[0] if found else None) == label


def test_lowercase_label_believed_only_when_the_file_keeps_using_labels() -> None:
    zoomish = "WEBVTT\n\n1\n00:01.000 --> 00:02.000\nstokes: hi\n\n2\n00:02.000 --> 00:03.000\nAnn Lee: hello\n"
    assert [s for s, *_ in _turns(zoomish)] == ["stokes", "Ann Lee"]


def test_note_title_and_date_give_the_meeting_metadata() -> None:
    text = (
        "WEBVTT\nKind: captions\nLanguage: fr-FR\n\nNOTE\nTitle: Weekly sync\nDate: 3 March 2024\n\n"
        "00:01.000 --> 00:02.000\n<v Ann>Hello\n\nNOTE a comment only\n"
    )
    meeting = _read(text, "sync-2020-01-01.vtt").meeting
    assert (meeting.title, meeting.date.isoformat(), meeting.language) == ("Weekly sync", "2024-03-03", "fr")
    plain = _read("WEBVTT\n\nNOTE made by a tool\n\n00:01.000 --> 00:02.000\n<v Ann>Hello\n", "acde_230-2025-02-06.vtt").meeting
    assert (plain.title, plain.date.isoformat()) == ("acde 230-2025-02-06", "2025-02-06")


@pytest.mark.parametrize(
    ("text", "problem", "where"),
    [
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n\n00:03.000 --> 00:0x.000\nho\n", "cue 2: bad timestamp", "line 6"),
        ("WEBVTT\n\n00:05.000 --> 00:02.000\nhi\n", "cue 1: ends before it starts", "line 3"),
        ("WEBVTT\n\n1\n00:01.000 --> 00:02.000\nhi\n\n2\n", "cue 2: no 'start --> end' timing line", "line 7"),
        ("WEBVTT\n\nhello there\n", "cue 1: no 'start --> end' timing line", "line 3"),
        ("WEBVTT\n\nNOTE nothing else\n", "no cues found", None),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\n<i></i>\n", "the cues hold no words", None),
        ("WEBVTTX\n\n00:01.000 --> 00:02.000\nhi\n", "not a WebVTT file", "line 1"),
    ],
)
def test_broken_files_say_where(text: str, problem: str, where: str | None) -> None:
    with pytest.raises(RecordError) as err:
        _read(text)
    assert err.value.problem.startswith(problem)
    assert err.value.where == where


def test_sniff() -> None:
    assert sniff("\ufeffWEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nhi")
    assert sniff("WEBVTT - with a header text\n")
    assert not sniff("WEBVTTX\n")
    assert not sniff("1\n00:00:01,000 --> 00:00:02,000\nhi\n")


def test_a_broken_first_cue_is_reported_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "broken-first.vtt"
    path.write_text("WEBVTT\n\n1\n00:00:0x.000 --> 00:00:04.000\nAna: Hello.\n\n00:00:05.000 --> 00:00:07.000\nBo: Hi.\n")
    with pytest.raises(RecordError) as caught:
        read_file(path)
    assert "cue 1" in caught.value.problem and caught.value.where == "line 4"
