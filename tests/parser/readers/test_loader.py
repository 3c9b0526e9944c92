"""Files and folders as users have them: other encodings and line ends, broken and odd files."""

from __future__ import annotations

from pathlib import Path

import pytest

from parser.models import Record, RecordError
from parser.readers.loader import load, read_file
from tests.conftest import SAMPLE
from tests.facts import SPEAKERS_IN_ORDER, TURNS


def turns_of(record: Record) -> list[tuple[str, str, int | None]]:
    return [(t.speaker, t.text, t.page) for t in record.turns]


def legacy(text: str) -> str:
    """The record as a Windows-1252 or Latin-1 editor could have saved it: no – ’ œ."""
    return text.replace("–", "-").replace("’", "'").replace("œ", "oe")


@pytest.mark.parametrize(
    ("name", "encode", "same"),
    [
        ("crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8"), str),
        ("cr", lambda t: t.replace("\n", "\r").encode("utf-8"), str),
        ("bom", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), str),
        ("utf16", lambda t: t.encode("utf-16"), str),
        ("utf16le-no-bom", lambda t: t.encode("utf-16-le"), str),
        ("utf16be-no-bom", lambda t: t.encode("utf-16-be"), str),
        ("cp1252", lambda t: legacy(t).encode("cp1252"), legacy),
        ("latin1-crlf", lambda t: legacy(t).replace("\n", "\r\n").encode("latin-1"), legacy),
    ],
)
def test_encodings_and_line_ends_give_the_same_turns(tmp_path: Path, icann_record: Record, name: str, encode, same) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(encode(SAMPLE.read_text(encoding="utf-8")))
    record = read_file(path)
    assert turns_of(record) == [(s, same(t), p) for s, t, p in turns_of(icann_record)]
    assert record.turns[2].speaker == "GÖRAN MARBY"  # accents intact, never mojibake


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_ascii_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ascii.txt"
    path.write_bytes("JOHN DOE: Hello there.\n\nJANE ROE: Hi, John.\n".encode(encoding))
    assert [(t.speaker, t.text) for t in read_file(path).turns] == [("JOHN DOE", "Hello there."), ("JANE ROE", "Hi, John.")]


def test_truncated_file_keeps_the_turns_before_the_cut(tmp_path: Path, icann_record: Record) -> None:
    data = SAMPLE.read_bytes()
    cut = data.index("GÖRAN MARBY :".encode()) + 2  # inside the two bytes of Ö
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    record = read_file(path)
    assert turns_of(record)[:1] == turns_of(icann_record)[:1]
    assert len(record.turns) == 2
    assert record.turns[1].text.startswith(icann_record.turns[1].text)  # the cut leaves a stray "G"


def test_empty_binary_and_missing_files_are_clear_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b"\n \r\n\t")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    for path, problem in [
        (empty, "the file is empty"),
        (blank, "the file is empty"),
        (binary, "binary data, not a text record"),
        (tmp_path / "missing.txt", "no such file"),
    ]:
        with pytest.raises(RecordError) as caught:
            read_file(path)
        assert caught.value.line() == f"{path}: {problem}"


@pytest.mark.slow
def test_a_large_file_parses(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    copies = 50 * 1024 * 1024 // len(text.encode("utf-8")) + 1
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as out:
        for _ in range(copies):
            out.write(text)
            out.write("\n---\n")
    assert path.stat().st_size > 50 * 1024 * 1024
    record = read_file(path)
    assert len(record.turns) == TURNS * copies
    assert record.turns[TURNS].speaker == SPEAKERS_IN_ORDER[0]


def test_a_folder_loads_every_record_and_reports_the_rest(tmp_path: Path) -> None:
    good = tmp_path / "a" / "b"
    good.mkdir(parents=True)
    (good / "meeting.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "README.md").write_text("# Our records\n\nSee the folders.\n", encoding="utf-8")
    (tmp_path / "broken.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:0x\nAna: hola\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / ".hidden.txt").write_text("ignored", encoding="utf-8")
    result = load([tmp_path])
    assert [r.meeting.id for r in result.records] == ["meeting"]
    assert [e.path for e in result.errors] == [str(tmp_path / "broken.vtt")]
    assert result.skipped == [
        (str(tmp_path / "README.md"), "not a meeting record this bot can read (no speaker turns recognised)"),
        (str(tmp_path / "photo.jpg"), "unknown kind of file (.jpg)"),
    ]


def test_a_file_named_on_its_own_is_read_by_content(tmp_path: Path) -> None:
    odd = tmp_path / "meeting.log"
    odd.write_bytes(SAMPLE.read_bytes())
    notes = tmp_path / "notes.md"
    notes.write_text("nothing said\n", encoding="utf-8")
    result = load([odd, notes])
    assert [len(r.turns) for r in result.records] == [TURNS]
    assert [e.line() for e in result.errors] == [f"{notes}: not a meeting record this bot can read (no speaker turns recognised)"]


def test_a_stray_byte_in_utf8_does_not_mangle_the_accents(tmp_path: Path) -> None:
    data = SAMPLE.read_bytes()
    at = data.index(b"Nous allons commencer")
    path = tmp_path / "stray.txt"
    path.write_bytes(data[:at] + b"\x92" + data[at:])
    record = read_file(path)
    assert record.turns[0].text.startswith("\ufffdNous allons commencer")
    assert record.turns[2].speaker == "GÖRAN MARBY"
