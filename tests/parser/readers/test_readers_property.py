"""Whatever text or bytes a reader is given, the only exception that may come out is RecordError."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parser.models import Record, RecordError
from parser.readers.loader import read_file
from parser.readers.registry import BINARY_READERS, READERS

# Pieces of every supported format, so that generated text reaches past the first checks.
FRAGMENTS = [
    "WEBVTT",
    "WEBVTT - title",
    "NOTE 2021-03-22",
    "00:00:01.000 --> 00:00:02.500",
    "0:0:3.0 --> 0:0:5.5",
    "00:00:01,000 --> 00:00:02,000",
    "1",
    "2",
    "<v Ana>",
    "<v Ana>hola</v>",
    "</v>",
    "&amp;",
    "Ana: words",
    "GÖRAN MARBY :",
    "LEÓN SANCHEZ: texte",
    "---",
    "\f",
    "**Remarque : transcription**",
    "Page 2 of 3",
    "EN",
    "[END OF TRANSCRIPTION]",
    ">>JOHN DOE:",
    "**Ana**  1:02",
    "Ana  0:05",
    "**Ana** [1:02:03]",
    "Unknown Speaker  0:00",
    "Transcribed by https://otter.ai",
    "# Title",
    "**Name**",
    "* bullet",
    "- bullet",
    '{"meeting_transcripts": [',
    '{"speaker": "A", "content": "x"}',
    '{"segments": [{"speaker": "A", "startTime": 1, "endTime": 2, "body": "x"}]}',
    "]}",
    "{",
    "}",
    "",
    " ",
    "\t",
    "\u00a0:",
    "ICANN70 | Forum",
    "Lundi 22 mars 2021",
]
lines = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))
documents = st.lists(lines, max_size=40).map("\n".join)


def check(record: Record) -> None:
    for i, turn in enumerate(record.turns):
        assert turn.index == i
        assert turn.meeting_id == record.meeting.id


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=documents)
def test_text_readers_raise_only_record_errors(reader, text: str) -> None:
    reader.sniff(text)
    with contextlib.suppress(RecordError):
        check(reader.read(text, Path("generated.txt")))


@pytest.mark.parametrize("reader", BINARY_READERS, ids=lambda r: r.name)
@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2000))
def test_binary_readers_raise_only_record_errors(reader, data: bytes) -> None:
    reader.magic(data)
    with contextlib.suppress(RecordError):
        check(reader.read(data, Path("generated.bin")))


@settings(max_examples=150, deadline=None)
@given(data=st.one_of(st.binary(max_size=3000), documents.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_any_file_gives_a_record_or_a_record_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file.txt"
        path.write_bytes(data)
        try:
            check(read_file(path))
        except RecordError as err:
            assert err.path == str(path) and err.problem
