"""Readers take time in proportion to their input: no line shape makes a regular expression backtrack.

Each input is read in a worker process that is given a generous 5 s; a reader that hangs fails the
test by running out of it. This bound only catches hangs (quadratic work on 16 KB took minutes);
it says nothing about speed, which `bench/` measures.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parser.models import RecordError
from parser.readers.loader import read_file
from parser.readers.registry import READERS

TIMEOUT = 5.0

# The characters that labels, headings, rules, bullets and cue timings are made of.
PIECES = [" ", "\t", "A", "é", "a", ".", "*", "**", "#", ":", "-", "\f", "<v ", "[", "](", ">>", "1", "0:0", "-->", "\u00a0"]


def _serve(conn: Connection) -> None:
    """The worker: read each text with every reader, answer when done."""
    while True:
        text = conn.recv()
        if text is None:
            return
        for reader in READERS:
            reader.sniff(text)
            with contextlib.suppress(RecordError):
                reader.read(text, Path("generated.md"))
        conn.send("done")


class Worker:
    def __init__(self) -> None:
        self.start()

    def start(self) -> None:
        self.conn, child = multiprocessing.get_context("spawn").Pipe()
        self.process = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,), daemon=True)
        self.process.start()

    def read(self, text: str) -> bool:
        """Whether every reader was done with `text` within the time given; a hung worker is replaced."""
        self.conn.send(text)
        if self.conn.poll(TIMEOUT):
            return self.conn.recv() == "done"
        self.process.kill()
        self.process.join()
        self.start()
        return False

    def stop(self) -> None:
        self.conn.send(None)
        self.process.join(TIMEOUT)
        if self.process.is_alive():
            self.process.kill()


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    w = Worker()
    yield w
    w.stop()


runs = st.tuples(st.sampled_from(PIECES), st.integers(1, 20_000)).map(lambda pair: pair[0] * pair[1])
lines = st.lists(runs, min_size=1, max_size=4).map("".join)
documents = st.lists(lines, min_size=1, max_size=3).map("\n".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=documents)
def test_long_runs_of_label_characters_never_hang_a_reader(worker: Worker, text: str) -> None:
    assert worker.read(text), f"a reader took more than {TIMEOUT} s on {len(text)} characters: {text[:60]!r}…"


@pytest.mark.parametrize(
    "text",
    [
        "**A" + " " * 16_000 + "x",  # took 100+ s in the Markdown minutes' label pattern
        " " * 1_000_000,
        "A" + " " * 1_000_000 + ":",
        "# " + " " * 100_000 + "x",
        "#" + " " * 100_000 + "x",
        "\f" * 100_000,
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "<v " * 100_000,
        "[" * 100_000,
    ],
    ids=lambda text: repr(text[:8]) + f"×{len(text)}",
)
def test_known_hostile_lines_are_read_or_refused(worker: Worker, text: str) -> None:
    assert worker.read(text)


def test_the_hostile_markdown_file_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "hostile.md"
    path.write_text("**A" + " " * 16_000 + "x", encoding="utf-8")
    with pytest.raises(RecordError, match="not a meeting record"):
        read_file(path)
