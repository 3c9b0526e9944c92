"""A batch's turn rows as COPY text, with its words counted: the per-turn work of a bulk import.

Pure and given plain values (no connection, no pydantic models), so that a bulk import can run it
in worker processes beside the threads that send its rows (`RowMaker`): folding, the `tsvector`
text and the counts were one core's work under the GIL. The text is what psycopg's `write_row`
would send for the same values (PostgreSQL's text COPY: tab-separated, `\\N` for NULL, backslash,
tab, newline and carriage return escaped); rows whose `tsvector` the server must make are handed
back as values, in their place between the pieces of text.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import queue
import re
from collections import Counter, _count_elements  # type: ignore[attr-defined]  # Counter.update's, into any dict
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import chain
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from operator import attrgetter
from types import TracebackType
from typing import Any

from parser.index.postgres.tsvector import tsvector_text
from parser.models import Record
from parser.text import ASCII_FOLD, tokens

try:  # compiled at install (`_rows.c`); without a compiler, every turn takes the Python path below
    from parser.index.postgres import _rows  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - the package was installed without its extension
    _rows = None

# a turn's values, in this order: its index, speaker, text, page, start, end, chat
TurnValues = tuple[int, str, str, int | None, float | None, float | None, bool]
turn_values = attrgetter("index", "speaker", "text", "page", "start", "end", "chat")  # C-level: one call a turn


@dataclass
class Placed:
    """A record's turns as plain values, with the meeting id and turn ids it was given."""

    meeting_id: str
    base: int  # its turns' ids are `base + position`
    chat: bool  # the whole meeting is a chat
    turns: list[TurnValues]

    @classmethod
    def of(cls, record: Record, meeting_id: str, base: int) -> Placed:
        return cls(meeting_id, base, record.meeting.chat, list(map(turn_values, record.turns)))


@dataclass
class Made:
    """The turn rows of a batch and what they add to the guild's figures."""

    binary: bytes = b""  # binary COPY of the turns `_rows` made (b"" if none): the rest are in `pieces` and `left`
    pieces: list[bytes] = field(default_factory=list)  # COPY text; `left[i]` goes between pieces i and i + 1
    left: list[list[Any]] = field(default_factory=list)  # rows whose `tsvector` (last, None) the server makes
    words: list[int] = field(default_factory=list)  # each record's printed words
    speakers: list[tuple[str, str, int, int, float | None, int]] = field(default_factory=list)
    df: dict[str, int] = field(default_factory=dict)  # turns holding each folded word
    said: dict[str, int] = field(default_factory=dict)  # how often each is said
    turns: int = 0
    bytes: int = 0


def merged(counts: dict[str, int], more: Mapping[str, int]) -> dict[str, int]:
    """`counts` with `more` added: `more` itself (no copy) when `counts` is empty, as a batch's first
    counts are (a batch's words are tens of thousands, copied twice a batch)."""
    if not counts:
        return more if isinstance(more, dict) else dict(more)
    get = counts.get
    for word, n in more.items():
        counts[word] = get(word, 0) + n
    return counts


_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def copy_text(value: str) -> str:
    """A text value as COPY's text format holds it."""
    return _SPECIAL.sub(_escape, value) if _SPECIAL.search(value) else value


def _folded(value: str) -> str:
    """`copy_text` of folded words (and of their `tsvector` text): they hold no white space."""
    return value.replace("\\", "\\\\") if "\\" in value else value


def _number(value: float | None) -> str:
    return "\\N" if value is None else str(value)


def _speakers(placed: Placed, printed: list[int]) -> list[tuple[str, str, int, int, float | None, int]]:
    """(meeting id, label, turns, printed words, seconds or None, first turn's id) of each speaker label."""
    first: dict[str, int] = {}
    turns: Counter[str] = Counter()
    words: Counter[str] = Counter()
    seconds: dict[str, float] = {}
    for position, (_, speaker, _, _, start, end, _) in enumerate(placed.turns):
        first.setdefault(speaker, position)
        turns[speaker] += 1
        words[speaker] += printed[position]
        if start is not None and end is not None:
            seconds[speaker] = seconds.get(speaker, 0.0) + max(0.0, end - start)
    return [
        (placed.meeting_id, label, n, words[label], seconds.get(label), placed.base + first[label]) for label, n in turns.items()
    ]


def make_rows(guild_id: int, batch: list[Placed], compiled: bool = True) -> Made:
    """The COPY rows of `batch`'s turns (columns `writer.TURN_COLUMNS`), its speakers' figures and its counts.

    The turns whose text is ASCII (nearly all) are made by the compiled `_rows` where it was built
    (and `compiled`), in binary COPY; the rest here, in text COPY. The garbage collector waits
    meanwhile: the batch's lists of words make no cycles, and its passes over them (and over the
    batch's values) were a fifth of the Python path's time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _make_rows(guild_id, batch, compiled and _rows is not None)
    finally:
        if collecting:
            gc.enable()


def _make_rows(guild_id: int, batch: list[Placed], compiled: bool) -> Made:
    made = Made()
    lines: list[str] = []
    said: list[list[str]] = []
    guild = str(guild_id)
    speakers: dict[str, str] = {}  # each label as COPY text (a batch has a few, said many times)
    if compiled:
        made.binary, counted, skipped, df, spoken, made.bytes = _rows.rows(
            guild_id, [(p.meeting_id, p.base, p.chat, p.turns) for p in batch], ASCII_FOLD
        )
        made.df, made.said = df, spoken
        python: list[list[int]] = [[] for _ in batch]  # the positions of the turns this loop makes, by record
        for record, position in skipped:
            python[record].append(position)
    at = 0
    for k, placed in enumerate(batch):
        meeting_id = copy_text(placed.meeting_id)
        if compiled:  # each turn's printed words (-1 for those this loop makes)
            printed = counted[at : at + len(placed.turns)]
            at += len(placed.turns)
            here: list[int] | range = python[k]
        else:
            printed = [0] * len(placed.turns)
            here = range(len(placed.turns))
        for position in here:
            index, speaker, text, page, start, end, chat = placed.turns[position]
            words = tokens(text)
            said.append(words)
            folded = " ".join(words)
            tsv = tsvector_text(folded, words)
            size = len(text.encode())
            made.bytes += size
            printed[position] = len(text.split())
            chat = placed.chat or chat
            if tsv is None:
                made.pieces.append("".join(lines).encode())
                lines = []
                row = [guild_id, placed.base + position, placed.meeting_id, position, index, speaker, text, folded]
                made.left.append([*row, printed[position], size, page, start, end, chat, None])
                continue
            lines.append(
                f"{guild}\t{placed.base + position}\t{meeting_id}\t{position}\t{index}\t"
                f"{speakers.get(speaker) or speakers.setdefault(speaker, copy_text(speaker))}\t{copy_text(text)}\t"
                f"{_folded(folded)}\t{printed[position]}\t{size}\t{_number(page)}\t"
                f"{_number(start)}\t{_number(end)}\t{'t' if chat else 'f'}\t{_folded(tsv)}\n"
            )
        made.words.append(sum(printed))
        made.speakers += _speakers(placed, printed)
        made.turns += len(placed.turns)
    made.pieces.append("".join(lines).encode())
    _count_elements(made.said, chain.from_iterable(said))  # into the compiled path's counts, C-level
    _count_elements(made.df, chain.from_iterable(map(set, said)))
    return made


def _serve(requests: Connection) -> None:
    """A worker: `make_rows` of each batch it is sent, until None (or its parent is gone: the pipe's
    other end is the parent's alone, so it closes with it, killed or not)."""
    with contextlib.suppress(EOFError):
        while (request := requests.recv()) is not None:
            try:
                requests.send(make_rows(*request))
            except Exception as error:  # raised again in the thread that asked
                requests.send(error)


class RowMaker:
    """`make_rows` here, or in `processes` worker processes (spawned: safe in threads) once `start` is called.

    A bulk import's threads wait on the workers with the GIL released, so the per-turn work runs on
    every core rather than on one; the values go to them pickled (a few tuples a turn) and the rows
    come back as one `bytes` a batch. Each worker is a pipe that the thread asking uses itself: a
    pool's threads that carry requests and results each wait for the GIL, up to 5 ms a hop while
    this process makes records, and a bulk import of many guilds asks once per guild and batch.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self.workers: list[tuple[BaseProcess, Connection]] = []
        self.idle: queue.SimpleQueue[Connection] = queue.SimpleQueue()

    def start(self) -> None:
        if self.workers or self.processes <= 0:
            return
        spawn = multiprocessing.get_context("spawn")
        for _ in range(self.processes):
            mine, theirs = spawn.Pipe()
            worker = spawn.Process(target=_serve, args=(theirs,), daemon=True)
            worker.start()
            theirs.close()
            self.workers.append((worker, mine))
            self.idle.put(mine)

    def __call__(self, guild_id: int, batch: list[Placed]) -> Made:
        if not self.workers:
            return make_rows(guild_id, batch)
        worker = self.idle.get()
        worker.send((guild_id, batch))
        made = worker.recv()
        self.idle.put(worker)  # not after a failure here: its answer may still come (the import stops anyway)
        if isinstance(made, Exception):
            raise made
        return made

    def __enter__(self) -> RowMaker:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        for worker, pipe in self.workers:
            with contextlib.suppress(OSError):  # it is gone already
                pipe.send(None)
            pipe.close()
            worker.join()
