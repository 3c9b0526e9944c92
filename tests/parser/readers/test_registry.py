"""The registry: content picks the reader, and a reader's own bug comes out as one RecordError line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from parser.models import Record, RecordError
from parser.readers.registry import READERS, Reader, choose


def test_every_reader_is_registered_once_and_icann_is_last() -> None:
    names = [r.name for r in READERS]
    assert len(names) == len(set(names))
    assert names[-1] == "icann"  # its sniff is the loosest


def test_content_picks_the_reader() -> None:
    assert choose("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: hola\n").name == "vtt"
    assert choose("1\n00:00:01,000 --> 00:00:02,000\nAna: hola\n").name == "srt"
    assert choose('{"meeting_transcripts": [{"speaker": "A", "content": "x"}]}').name == "json"
    assert choose("JOHN DOE: Hello.\n\nJANE ROE: Hi.\n").name == "icann"
    assert choose("just some prose\n") is None


def test_a_readers_bug_is_logged_and_said_in_one_line(caplog: pytest.LogCaptureFixture) -> None:
    def buggy(text: str, path: Path) -> Record:
        raise KeyError("oops")

    reader = Reader("buggy", (".txt",), lambda text: True, buggy)
    with caplog.at_level(logging.ERROR), pytest.raises(RecordError) as caught:
        reader.read("x", Path("m.txt"))
    assert caught.value.line() == "m.txt: could not be read as buggy (KeyError: 'oops')"
    assert "Traceback" in caplog.text
