"""Whatever text or bytes a reader is given, the only exception that may come out is RecordError.

Each reader is called as its module wrote it, not through the registry's guard (which turns any
exception into a RecordError, and would hide the very bugs these tests look for).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parser.models import Record, RecordError
from parser.readers import json_records, minutes, otter, subrip, vtt
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


def pieces(*parts: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(parts)).map("".join)


def after(head: str, alphabet: str) -> st.SearchStrategy[str]:
    """A valid start, then anything made of the format's own characters."""
    return st.text(alphabet=st.sampled_from(list(alphabet)), max_size=200).map(lambda body: head + body)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda c: st.lists(c) | st.dictionaries(st.sampled_from(["speaker", "content", "startTime", "endTime", "body", "x"]), c),
    max_leaves=12,
)

# Per reader, text close to its own format, so that generated text gets past its first checks.
SHAPED = {
    vtt.NAME: after("WEBVTT\n\n", "0123456789:.,-> \n<>/vabc&;WEBVT"),
    subrip.NAME: after("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n", "0123456789:.,-> \n<>/iab&;"),
    otter.NAME: pieces("Emma", "  ", "**", "[", "]", "0:0", "1:", "5", "\n", " ", "words", "é", "\t"),
    minutes.NAME: pieces("**", "Ann", "*", " ", "\n", ":", "#", "|", "---", "May 3, 2022", "é", "- "),
    json_records.NAME: st.tuples(st.sampled_from(["meeting_transcripts", "segments"]), json_values).map(
        lambda kv: json.dumps({kv[0]: kv[1]})
    ),
}


def check(record: Record) -> None:
    for i, turn in enumerate(record.turns):
        assert turn.index == i
        assert turn.meeting_id == record.meeting.id


def test_the_readers_are_called_without_their_guard() -> None:
    assert set(SHAPED) <= {r.name for r in READERS}
    assert inspect.unwrap(READERS[0].read) is not READERS[0].read  # the guard is really taken off


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.name)
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_text_readers_raise_only_record_errors(reader, data: st.DataObject) -> None:
    text = data.draw(st.one_of(documents, SHAPED[reader.name]) if reader.name in SHAPED else documents)
    reader.sniff(text)
    with contextlib.suppress(RecordError):
        check(inspect.unwrap(reader.read)(text, Path("generated.txt")))


@pytest.mark.parametrize("reader", BINARY_READERS, ids=lambda r: r.name)
@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=2000))
def test_binary_readers_raise_only_record_errors(reader, data: bytes) -> None:
    reader.magic(data)
    with contextlib.suppress(RecordError):
        check(inspect.unwrap(reader.read)(data, Path("generated.bin")))


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
