"""Values checked at the door and limits: what a hostile record costs is one line, never the corpus."""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from config.settings import Settings
from parser.models import Meeting, Record, RecordError, Turn
from parser.readers import limits
from parser.readers.door import admit
from parser.readers.limits import Limits, limits_of
from parser.readers.loader import load
from parser.readers.registry import choose
from tests.conftest import SAMPLE


def qmsum(*entries: tuple[str, str]) -> str:
    """A QMSum meeting, written as the public dataset does, with JSON escapes kept as written."""
    body = ", ".join(f'{{"speaker": "{s}", "content": "{c}"}}' for s, c in entries)
    return f'{{"topic_list": [], "meeting_transcripts": [{body}]}}'


def podcast(*segments: tuple[str, str, str, str]) -> str:
    """A podcast-namespace transcript: (speaker, startTime, endTime, body), numbers written as given."""
    body = ", ".join(f'{{"speaker": "{s}", "startTime": {a}, "endTime": {b}, "body": "{t}"}}' for s, a, b, t in segments)
    return f'{{"version": "1.0.0", "segments": [{body}]}}'


def folder_with(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_lone_surrogate_is_replaced_noted_and_the_others_load(tmp_path: Path) -> None:
    folder = folder_with(
        tmp_path, "surrogate.json", qmsum(("Grad A\\ud800", "we agreed \\udfff on the budget"), ("Grad B", "yes"))
    )
    result = load([folder])
    assert len(result.records) == 2 and not result.errors
    record = next(r for r in result.records if r.meeting.id == "surrogate")
    assert [t.speaker for t in record.turns] == ["Grad A\ufffd", "Grad B"]
    assert record.turns[0].text == "we agreed \ufffd on the budget"
    assert result.notes == [(str(folder / "surrogate.json"), "2 invalid characters (lone surrogates) shown as �")]
    json.dumps([t.model_dump() for t in record.turns], ensure_ascii=False).encode("utf-8")  # no longer raises


# Written for this test: two speakers, two turns each way; `\ud800` is half of a character with its other half lost.
UTF16_RECORDS = {
    "budget.vtt": (
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ana>Welcome to the budget review.\n\n"
        "00:00:04.000 --> 00:00:07.000\n<v Bob>Thanks Ana, the figures \ud800 are ready.\n"
    ),
    "budget.txt": "".join(
        f"00:00:{5 * n:02d} {'Ana' if n % 2 == 0 else 'Bob'}: {words}\n"
        for n, words in enumerate(["Welcome to the budget review.", "Thanks Ana, the figures \ud800 are ready."] * 3)
    ),
}


@pytest.mark.parametrize("name", sorted(UTF16_RECORDS))
@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b""), ("utf-16-be", b"\xfe\xff")],
    ids=["le", "le-bom", "be", "be-bom"],
)
def test_a_utf16_record_with_a_lone_surrogate_loads_with_a_note(tmp_path: Path, name: str, encoding: str, bom: bytes) -> None:
    (tmp_path / name).write_bytes(bom + UTF16_RECORDS[name].encode(encoding, errors="surrogatepass"))
    result = load([tmp_path / name])
    assert not result.errors
    [record] = result.records
    said = [(t.speaker, t.text) for t in record.turns]
    assert said[:2] == [("Ana", "Welcome to the budget review."), ("Bob", "Thanks Ana, the figures \ufffd are ready.")]
    assert len(said) == (2 if name.endswith(".vtt") else 6)
    mended = len(said) // 2
    assert result.notes == [
        (str(tmp_path / name), f"{mended} invalid character{'s' * (mended > 1)} (lone surrogates) shown as �")
    ]


def test_infinite_times_are_dropped_with_a_note_and_the_words_kept(tmp_path: Path) -> None:
    text = podcast(("Ana", "0.5", "2.0", "Welcome everyone."), ("Bob", "1e999", "1e999", "Thanks, Ana."))
    folder = folder_with(tmp_path, "inf.json", text)
    result = load([folder])
    record = next(r for r in result.records if r.meeting.id == "inf")
    assert [(t.speaker, t.text, t.start, t.end) for t in record.turns] == [
        ("Ana", "Welcome everyone.", None, None),
        ("Bob", "Thanks, Ana.", None, None),
    ]
    assert result.notes == [(str(folder / "inf.json"), "times dropped, the words kept: turn 1 has start inf")]


def test_times_that_run_backwards_are_dropped_with_a_note(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "back.json", podcast(("Ana", "9.0", "3.0", "Too late."), ("Bob", "10", "12", "Fine.")))
    result = load([folder])
    record = next(r for r in result.records if r.meeting.id == "back")
    assert [t.start for t in record.turns] == [None, None] and len(record.turns) == 2
    assert "turn 0 ends (3.0) before it starts (9.0)" in result.notes[0][1]


def test_pages_below_one_are_dropped_with_a_note() -> None:
    meeting = Meeting(id="m", title="m")
    turns = [Turn(meeting_id="m", index=i, speaker="Ana", text=f"words {i}", page=page) for i, page in enumerate((1, 0, 2))]
    record, notes = admit(Record(meeting=meeting, turns=turns), "m.txt")
    assert [t.page for t in record.turns] == [None, None, None]
    assert [t.text for t in record.turns] == ["words 0", "words 1", "words 2"]
    assert notes == ["page numbers dropped, the words kept: turn 1 is on page 0"]


def one_error(result_errors: list[RecordError]) -> str:
    assert len(result_errors) == 1
    return result_errors[0].line()


def test_a_file_over_the_byte_limit_is_refused_naming_the_setting(tmp_path: Path) -> None:
    big = tmp_path / "big.vtt"
    big.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>" + "word " * 20_000 + "\n", encoding="utf-8")
    result = load([big, SAMPLE], Limits(file_bytes=70_000))  # the sample is 63,642 bytes
    assert one_error(result.errors) == (
        f"{big}: too large: more than 70,000 bytes in one file (100,046; the limit is VERBATIM_MAX_FILE_BYTES)"
    )
    assert [r.meeting.id for r in result.records] == [SAMPLE.stem]
    assert len(load([big, SAMPLE], Limits(file_bytes=200_000)).records) == 2


def test_too_many_turns_are_refused_while_the_record_is_read(tmp_path: Path) -> None:
    cues = "".join(f"00:00:{n:02d}.000 --> 00:00:{n:02d}.500\n<v {'Ana' if n % 2 else 'Bob'}>Turn {n}.\n\n" for n in range(30))
    (tmp_path / "many.vtt").write_text("WEBVTT\n\n" + cues, encoding="utf-8")
    entries = ", ".join(f'{{"speaker": "S{n % 2}", "content": "Turn {n}."}}' for n in range(30))
    (tmp_path / "many.json").write_text(f'{{"meeting_transcripts": [{entries}]}}', encoding="utf-8")
    result = load([tmp_path / "many.vtt", tmp_path / "many.json"], Limits(turns=20))
    assert [e.problem for e in result.errors] == [
        "too large: more than 20 turns in one record (21; the limit is VERBATIM_MAX_TURNS)",
        "too large: more than 20 turns in one record (30; the limit is VERBATIM_MAX_TURNS)",
    ]
    assert len(load([tmp_path / "many.vtt", tmp_path / "many.json"], Limits(turns=30)).records) == 2


TINY_CUES = {  # 100,000 one-word cues (3-4 MB), in each timed format whose cues may each be a turn
    "tiny.vtt": lambda n: "WEBVTT\n\n" + "".join(f"00:00:00.000 --> 00:00:01.000\n<v S{i % 2}>w\n\n" for i in range(n)),
    "tiny.srt": lambda n: "".join(f"{i + 1}\n00:00:00,000 --> 00:00:01,000\nS{i % 2}: w\n\n" for i in range(n)),
    "tiny.txt": lambda n: "".join(f"{i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} S{i % 2}: w\n" for i in range(n)),
}


@pytest.mark.parametrize("name", sorted(TINY_CUES))
def test_a_record_over_the_turn_limit_is_refused_before_it_costs_its_size_again(tmp_path: Path, name: str) -> None:
    text = TINY_CUES[name](100_000)
    reader = choose(text)
    assert reader is not None and reader.name == {"vtt": "vtt", "srt": "srt", "txt": "timed-text"}[name[5:]]
    tracemalloc.start()
    try:
        with limits.reading_with(Limits(turns=1_000)), pytest.raises(RecordError, match="more than 1,000 turns"):
            reader.read(text, tmp_path / name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(text) // 4, f"reading {len(text):,} characters held {peak:,} bytes at most"


LONG_CUES = {  # one cue (or timed line) whose text runs on for 200,000 short lines
    "long.vtt": "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n" + "ab\n" * 200_000,
    "long.srt": "1\n00:00:00,000 --> 00:00:01,000\nAna: hello\n\n" + "ab\n\n" * 200_000,
    "long.txt": "".join(f"00:{n // 60:02d}:{n % 60:02d} Ana: words\n" for n in range(300)) + "ab\n" * 200_000,
}


@pytest.mark.parametrize("name", sorted(LONG_CUES))
def test_a_cue_longer_than_a_turn_may_be_is_refused_before_it_costs_its_size_again(tmp_path: Path, name: str) -> None:
    text = LONG_CUES[name]
    reader = choose(text)
    assert reader is not None and reader.name == {"vtt": "vtt", "srt": "srt", "txt": "timed-text"}[name[5:]]
    tracemalloc.start()
    try:
        with limits.reading_with(Limits(turn_chars=1_000)), pytest.raises(RecordError, match="more than 1,000 characters"):
            reader.read(text, tmp_path / name)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < len(text) // 4, f"reading {len(text):,} characters held {peak:,} bytes at most"


def test_a_turn_over_the_character_limit_is_refused(tmp_path: Path) -> None:
    result = load([SAMPLE], Limits(turn_chars=500))
    line = one_error(result.errors)
    assert "characters in one turn" in line and "VERBATIM_MAX_TURN_CHARS" in line and "(turn " in line


def zip_bomb_docx(unpacked: int) -> bytes:
    """A DOCX whose document.xml is `unpacked` bytes of XML, most of it blank: it compresses a thousandfold."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0"?><w:document><w:body>')
            chunk = b" " * (1 << 20)
            for _ in range(unpacked >> 20):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return out.getvalue()


def test_a_docx_that_unpacks_past_the_limit_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(zip_bomb_docx(8 << 20))
    assert path.stat().st_size < 100_000
    result = load([path], Limits(unpacked_bytes=4 << 20))
    line = one_error(result.errors)
    assert "too large: more than 4,194,304 bytes unpacked from one file" in line
    assert "VERBATIM_MAX_UNPACKED_BYTES" in line


def test_the_limits_are_settings_with_the_same_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    assert limits_of(Settings(_env_file=None)) == Limits()
    monkeypatch.setenv("VERBATIM_MAX_TURNS", "12")
    monkeypatch.setenv("VERBATIM_MAX_FILE_BYTES", "3000")
    assert limits_of(Settings(_env_file=None)) == Limits(file_bytes=3000, turns=12)


def test_otter_and_minutes_records_over_the_turn_limit_are_refused(tmp_path: Path) -> None:
    otter = "".join(f"Speaker {n % 2 + 1}  0:{n:02d}\nWords number {n}.\n\n" for n in range(12))
    minutes = "# Weekly call\n\n" + "".join(f"**Name {n % 2}**\n\n* point {n}\n\n" for n in range(12))
    (tmp_path / "otter.txt").write_text(otter, encoding="utf-8")
    (tmp_path / "minutes.md").write_text(minutes, encoding="utf-8")
    paths = [tmp_path / "otter.txt", tmp_path / "minutes.md"]
    assert [len(r.turns) for r in load(paths).records] == [12, 12]
    refused = load(paths, Limits(turns=10)).errors
    problem = "too large: more than 10 turns in one record (12; the limit is VERBATIM_MAX_TURNS)"
    assert [e.problem for e in refused] == [problem, problem]
