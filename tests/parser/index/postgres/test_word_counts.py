"""Writers at once keep each guild's word counts exact: what `search_word_df` and `search_scopes` say
is what the stored turns hold, whoever wrote them and in whatever order.

The writer keeps the dictionary's ids of the words it has met and inserts a guild's first counts
without merging them; two bulk imports (each on two connections) and `/add`s into the same guilds
at the same time are where a wrong id, a lost update or a word added twice would show.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from parser.models import Record
from parser.text import fold
from tests.parser.index.postgres.conftest import fresh_database
from tests.parser.qmsum_records import qmsum_records

MEETINGS = ["test/covid_4", "test/Bmr014", "test/education_4", "test/IS1003d", "test/IS1003b", "test/TS3011a"]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    yield from fresh_database()


def _expected(records: list[Record]) -> tuple[dict[str, tuple[int, int]], int, int]:
    """Each word's (turns holding it, times said), the turns and the bytes of `records`."""
    df: Counter[str] = Counter()
    said: Counter[str] = Counter()
    for record in records:
        for turn in record.turns:
            words = fold(turn.text).split()
            df.update(set(words))
            said.update(words)
    turns = sum(len(r.turns) for r in records)
    size = sum(len(t.text.encode()) for r in records for t in r.turns)
    return {w: (df[w], said[w]) for w in df}, turns, size


def test_two_imports_and_adds_at_once_keep_every_count_exact(url: str) -> None:
    import psycopg

    from parser.index.postgres.schema import migrate
    from parser.index.postgres.writer import add_record, import_records

    records = qmsum_records(MEETINGS)
    first, second = records[:3], records[3:]
    with psycopg.connect(url) as conn:
        migrate(conn)
        conn.commit()
    failures: list[BaseException] = []

    def run(work: object) -> None:
        try:
            with psycopg.connect(url) as conn:
                work(conn)  # type: ignore[operator]
                conn.commit()
        except BaseException as error:
            failures.append(error)

    # guild 1 gets every record from both imports; guild 2 the first three, by one import and by /add
    jobs = [
        lambda conn: import_records(conn, first, guild_of=lambda r: 1 if r.meeting.id != "covid_4" else 2, rebuild=False),
        lambda conn: import_records(conn, second, 1, rebuild=False),
        lambda conn: [add_record(conn, r, 2) for r in first if r.meeting.id != "covid_4"],
        lambda conn: add_record(conn, first[0], 1),
    ]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    wanted = {1: _expected([*first[1:], *second, first[0]]), 2: _expected(first)}
    with psycopg.connect(url) as conn:
        for guild, (counts, turns, size) in wanted.items():
            rows = conn.execute(
                "SELECT w.word, d.df, d.said FROM search_word_df d JOIN search_words w ON w.id = d.word_id WHERE d.guild_id = %s",
                (guild,),
            ).fetchall()
            assert {w: (df, said) for w, df, said in rows} == counts
            scope = conn.execute("SELECT turns, bytes, most FROM search_scopes WHERE guild_id = %s", (guild,)).fetchone()
            assert scope == (turns, size, max(df for df, _ in counts.values()))
        (orphans,) = conn.execute(
            "SELECT count(*) FROM search_word_df d WHERE NOT EXISTS (SELECT FROM search_words w WHERE w.id = d.word_id)"
        ).fetchone()
        (twice,) = conn.execute("SELECT count(*) - count(DISTINCT word) FROM search_words").fetchone()
    assert (orphans, twice) == (0, 0)
