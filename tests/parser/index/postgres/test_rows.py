"""The compiled row maker (`_rows.c`) and the Python one give the same rows and counts.

Every turn of the shared corpus and the hostile texts of `test_tsvector` go through both paths,
and some of them are stored both ways and read back; `test_tsvector` checks what an import (the
compiled path) stores against the records and the server's own `tsvector`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from parser.index.postgres import rows
from parser.index.postgres.rows import Made, Placed, make_rows
from parser.models import Record
from tests.parser.index.postgres.conftest import fresh_database
from tests.parser.index.postgres.test_tsvector import HOSTILE, _odd_record, records  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    yield from fresh_database()


def _batch(written: list[Record]) -> list[Placed]:
    return [Placed.of(r, f"{r.meeting.id}#{k}", k << 20) for k, r in enumerate(written)]


def test_the_compiled_row_maker_is_built() -> None:
    assert rows._rows is not None  # installed without it, an import would be three times slower in Python


def test_both_paths_count_the_same_words_and_turns(records: list[Record]) -> None:  # noqa: F811
    batch = _batch([*records, _odd_record("odd", False), _odd_record("odd-chat", True)])
    compiled, python = make_rows(3, batch), make_rows(3, batch, compiled=False)
    assert python.binary == b"" and len(compiled.binary) > 10_000_000
    for name in ("df", "said", "words", "speakers", "turns", "bytes"):
        assert getattr(compiled, name) == getattr(python, name), name
    # the turns left to Python: those beyond ASCII and those whose tsvector the server makes
    assert 0 < len(compiled.left) == len(python.left)
    assert compiled.turns > 129_000


def test_hostile_turns_are_made_here_or_left_to_python_never_dropped() -> None:
    made = make_rows(4, _batch([_odd_record("h", False)]))
    left = {row[6] for row in made.left}
    python = make_rows(4, _batch([_odd_record("h", False)]), compiled=False)
    assert {row[6] for row in python.left} == left  # the same texts go to the server's tsvector
    assert made.turns == len(HOSTILE) and made.df == python.df


def test_both_paths_store_the_same_rows(url: str, records: list[Record]) -> None:  # noqa: F811
    import psycopg

    from parser.index.postgres.schema import migrate
    from parser.index.postgres.writer import _Batch, _write

    written = [*records[:30], _odd_record("odd\t\\_%", False), _odd_record("odd-chat", True)]

    def python(guild_id: int, batch: list[Placed]) -> Made:
        return make_rows(guild_id, batch, compiled=False)

    def stored(conn: Any, guild: int) -> list[tuple[Any, ...]]:
        return conn.execute(  # type: ignore[no-any-return]
            "SELECT id & ((1 << 20) - 1), meeting_id, position, turn_index, speaker, text, folded, words, bytes,"
            " page, start_s, end_s, chat, tsv::text FROM search_turns WHERE guild_id = %s ORDER BY meeting_id, position",
            (guild,),
        ).fetchall()

    with psycopg.connect(url) as conn:
        migrate(conn)
        _write(conn, 11, written, _Batch())
        _write(conn, 12, written, _Batch(), python)
        compiled, by_python = stored(conn, 11), stored(conn, 12)
    assert len(compiled) == sum(len(r.turns) for r in written)
    assert compiled == by_python


def _speakers_by_hand(record: Record, meeting_id: str, base: int) -> list[tuple[Any, ...]]:
    """Each label's turns, printed words, seconds (None without a timed turn) and first turn's id, turn by turn."""
    figures: dict[str, list[Any]] = {}
    for position, turn in enumerate(record.turns):
        row = figures.setdefault(turn.speaker, [meeting_id, turn.speaker, 0, 0, None, base + position])
        row[2] += 1
        row[3] += len(turn.text.split())
        if turn.start is not None and turn.end is not None:
            row[4] = (row[4] or 0.0) + max(0.0, turn.end - turn.start)
    return [tuple(row) for row in figures.values()]


def _many_labels(name: str) -> Record:
    """Forty labels (past the few whose words are summed label by label), times from 0.0, one turn untimed."""
    from parser.models import Meeting, Turn

    turns = [
        Turn(
            meeting_id=name,
            index=i,
            speaker=f"Speaker {i * 7 % 40}",
            text=" ".join(["word"] * (i % 9 + 1)),
            start=None if i == 3 else 0.0,
            end=None if i == 3 else 0.5 * (i % 4),
        )
        for i in range(200)
    ]
    return Record(meeting=Meeting(id=name, title=name), turns=turns)


def test_each_speakers_figures_are_its_turns_words_seconds_and_first_turn(records: list[Record]) -> None:  # noqa: F811
    written = [*records[:20], _odd_record("odd", False), _many_labels("many")]
    batch = _batch(written)
    expected = [row for p, r in zip(batch, written, strict=True) for row in _speakers_by_hand(r, p.meeting_id, p.base)]
    assert len({row[1] for row in _speakers_by_hand(written[-1], "many", 0)}) == 40
    for compiled in (True, False):
        assert make_rows(5, batch, compiled=compiled).speakers == expected  # seconds summed in turn order either way
