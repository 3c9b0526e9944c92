"""JSON records: real QMSum meetings from the shared archive, and a podcast-namespace JSON transcript.

QMSum counts were established with jq on the unpacked archive: entries with no words once the
`{…}` markers are out dropped, then `uniq` on the speakers (`jq -r '.meeting_transcripts[] |
select(.content | gsub("\\{[a-z]+\\}"; "") | test("[[:alnum:]]")) | .speaker' | uniq | wc -l`).
"""

from __future__ import annotations

import itertools
import json
import tarfile
from pathlib import Path

import pytest

from parser.models import RecordError
from parser.readers.json_records import read_text, sniff
from parser.readers.loader import load, read_file

ARCHIVE = "qmsum/QMSum_data_ALL_train_val_test_232meetings.tar.gz"

# meeting: (entries in the file, turns, distinct speakers, first speakers in order of appearance)
QMSUM: dict[str, tuple[int, int, int, list[str]]] = {
    # ICSI: two entries with no words; `{disfmarker}` markers
    "train/Bdb001.json": (766, 763, 6, ["Grad C", "PhD D", "Grad B", "PhD F"]),
    # AMI product design: 27 entries hold only `{vocalsound}`-style markers, so their neighbours join
    "train/ES2012a.json": (161, 134, 4, ["Project Manager", "Marketing", "User Interface", "Industrial Designer"]),
    # Welsh Assembly committee
    "val/education_0.json": (124, 124, 11, ["Lynne Neagle AM", "Sian Gwenllian AM", "Vaughan Gething AM", "Dawn Bowden AM"]),
    # Canadian House of Commons: entries 272 and 273 are both "The Chair", so one turn
    "test/covid_4.json": (
        276,
        275,
        89,
        [
            "The Chair (Hon. Anthony Rota (NipissingTimiskaming, Lib.))",
            "Ms. Heather McPherson (Edmonton Strathcona, NDP)",
            "Mr. Scott Reid (LanarkFrontenacKingston, CPC)",
            "Ms. Elizabeth May (SaanichGulf Islands, GP)",
        ],
    ),
}


@pytest.fixture(scope="session")
def qmsum(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The QMSum archive unpacked to a temporary folder (never into the project)."""
    target = tmp_path_factory.mktemp("qmsum")
    with tarfile.open(corpus / ARCHIVE) as archive:
        archive.extractall(target, filter="data")
    return target / "data" / "ALL"


@pytest.mark.parametrize("name", QMSUM)
def test_qmsum_meetings(qmsum: Path, name: str) -> None:
    entries, turn_count, speaker_count, first_speakers = QMSUM[name]
    path = qmsum / name
    assert len(json.loads(path.read_text(encoding="utf-8"))["meeting_transcripts"]) == entries
    record = read_file(path)
    turns = record.turns
    assert len(turns) == turn_count
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    assert len(speakers) == speaker_count and speakers[: len(first_speakers)] == first_speakers
    assert [t.index for t in turns] == list(range(turn_count))
    assert all(t.text and t.page is None and t.start is None and t.end is None for t in turns)
    assert all(a.speaker != b.speaker for a, b in itertools.pairwise(turns))
    assert (record.meeting.id, record.meeting.format, record.meeting.language) == (path.stem, "json", "en")


def test_qmsum_markers_are_not_words(qmsum: Path) -> None:
    bdb = read_file(qmsum / "train/Bdb001.json").turns
    assert bdb[0].text == (
        "Yeah , we had a long discussion about how much w how easy we want to make it for people to bleep things out . "
        "So Morgan wants to make it hard ."
    )
    ami = read_file(qmsum / "train/ES2012a.json").turns
    assert ami[-1].text == "Okay ."  # the last entry, `{vocalsound} {gap} .`, says nothing
    assert not any("{" in t.text for t in ami)
    covid = read_file(qmsum / "test/covid_4.json").turns
    merged = next(t for t in covid if "The honourable minister has 15seconds to answer." in t.text)
    assert merged.speaker == "The Chair" and merged.text.startswith("I think a debate is brewing")
    assert covid[-1].text.endswith("The committee stands adjourned until tomorrow at noon.")


@pytest.mark.slow  # all 232 meetings of the archive
def test_every_qmsum_meeting_reads(qmsum: Path) -> None:
    result = load([qmsum])
    assert not result.errors and len(result.records) == 232
    assert sum(len(r.turns) for r in result.records) == 120_083  # 129,177 entries, as counted with jq
    assert not any("{disfmarker}" in t.text or "{vocalsound}" in t.text for r in result.records for t in r.turns)


def test_qmsum_with_a_txt_extension_is_read_by_content(qmsum: Path, tmp_path: Path) -> None:
    copy = tmp_path / "ES2012a.txt"
    copy.write_bytes((qmsum / "train/ES2012a.json").read_bytes())
    record = read_file(copy)
    assert record.meeting.format == "json" and len(record.turns) == 134


# ---------------------------------------------------------------- podcast-namespace JSON

# The opening of corpus/srt/podcast-namespace-episode.srt as a podcast-namespace JSON transcript.
PODCAST = """{
  "version": "1.0.0",
  "segments": [
    {"speaker": "Travis", "startTime": 0.179, "endTime": 2.399,
     "body": "When you first get started in podcasting, it's"},
    {"speaker": "Travis", "startTime": 2.4, "endTime": 4.799,
     "body": "almost guaranteed that you're going to make a handful of rookie"},
    {"speaker": "Travis", "startTime": 4.801, "endTime": 7.98,
     "body": "mistakes, but that doesn't mean that you have to make all the"},
    {"speaker": "Travis", "startTime": 48.99, "endTime": 50.34,
     "body": "your goals, that much faster"},
    {"speaker": "Sarah", "startTime": 53.03, "endTime": 57.77,
     "body": "Creating good audio is really key to keeping your"},
    {"speaker": "Sarah", "startTime": 57.771, "endTime": 61.579,
     "body": "podcast listeners engaged because no matter how good the content"},
    {"speaker": "Gilon", "startTime": 219.36, "endTime": 222.509,
     "body": "So is there an ideal podcast length, short answer?"},
    {"startTime": 222.689, "endTime": 226.979,
     "body": "Nope. Joe Rogan has some episodes that are three hours long, but"}
  ]
}
"""


def test_podcast_segments_become_turns(tmp_path: Path) -> None:
    path = tmp_path / "podcast-namespace-episode.json"
    path.write_text(PODCAST, encoding="utf-8")
    record = read_file(path)
    assert [(t.index, t.speaker, t.start, t.end) for t in record.turns] == [
        (0, "Travis", 0.179, 50.34),
        (1, "Sarah", 53.03, 61.579),
        (2, "Gilon", 219.36, 226.979),  # a segment with no speaker continues the one before
    ]
    assert record.turns[0].text == (
        "When you first get started in podcasting, it's almost guaranteed that you're going to make a handful of rookie "
        "mistakes, but that doesn't mean that you have to make all the your goals, that much faster"
    )
    assert record.turns[2].text.endswith("short answer? Nope. Joe Rogan has some episodes that are three hours long, but")
    assert record.meeting.format == "json" and record.meeting.title == "podcast-namespace-episode"


@pytest.mark.parametrize(
    "encode",
    [lambda t: t.replace("\n", "\r\n").encode("utf-8"), lambda t: t.encode("utf-8-sig"), lambda t: t.encode("utf-16")],
    ids=["crlf", "bom", "utf16"],
)
def test_podcast_variants_read_the_same(tmp_path: Path, encode) -> None:
    plain = read_text(PODCAST, Path("episode.json")).turns
    variant = tmp_path / "episode.txt"
    variant.write_bytes(encode(PODCAST))
    assert read_file(variant).turns == plain


def test_segments_before_any_speaker_are_unknown() -> None:
    text = (
        '{"segments": [{"startTime": 0, "endTime": 1, "body": "hello"},'
        ' {"speaker": "Ann", "startTime": 1, "endTime": 2, "body": "hi"}]}'
    )
    turns = read_text(text, Path("x.json")).turns
    assert [(t.speaker, t.text) for t in turns] == [("Unknown speaker", "hello"), ("Ann", "hi")]


@pytest.mark.parametrize(
    ("text", "problem", "where"),
    [
        ('{"meeting_transcripts": [{"speaker": "A", "content": "x"}', "not valid JSON", "line 1, column 58"),
        (
            '{"meeting_transcripts": [{"speaker": "A"}]}',
            "not a valid QMSum meeting: field required",
            "meeting_transcripts[0].content",
        ),
        ('{"meeting_transcripts": [{"speaker": "A", "content": " "}]}', "the meeting has no words", "meeting_transcripts"),
        (
            '{"segments": [{"speaker": "A", "startTime": "soon", "endTime": 1, "body": "hi"}]}',
            "not a valid podcast transcript: input should be a valid number",
            "segments[0].startTime",
        ),
        ('{"segments": [], "body": 1}', "the transcript has no words", "segments"),
        (
            '{"meeting_transcripts": {"speaker": "A"}}',
            "not a valid QMSum meeting: input should be a valid list",
            "meeting_transcripts",
        ),
    ],
)
def test_broken_files_say_where(text: str, problem: str, where: str) -> None:
    with pytest.raises(RecordError) as err:
        read_text(text, Path("x.json"))
    assert err.value.problem.startswith(problem)
    assert err.value.where == where


def test_json_that_is_not_a_record_is_not_taken(tmp_path: Path) -> None:
    assert not sniff('{"name": "verbatim", "version": "1.0.0"}')
    assert not sniff('["meeting_transcripts"]')
    path = tmp_path / "package.json"
    path.write_text('{"name": "verbatim"}', encoding="utf-8")
    with pytest.raises(RecordError, match="not a meeting record"):
        read_file(path)
