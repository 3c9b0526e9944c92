"""PgStore answers as the in-memory store does, on the real records, scoped per guild.

One database per test module: the shared records (the corpus' ICANN, Zoom, Markdown, Otter,
VTT and SRT records) as guild 0, three QMSum meetings as guild 7's own. Each PgStore answer is
compared with a `TurnStore` of exactly what that guild sees, loaded in the same order.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bench.corpus import make_queries
from bot.commands.quote import CLOSE_ENOUGH
from config.aliases import load_aliases
from parser.index.postgres import closest
from parser.index.postgres.filters import Where
from parser.index.postgres.schema import SHARED
from parser.index.postgres.store import PgStore
from parser.index.postgres.writer import add_record, import_records, remove_record
from parser.index.search import find_closest, find_phrase, find_words, locate
from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import load
from tests.conftest import SAMPLE
from tests.parser.qmsum_records import qmsum_records

GUILD = 7
QMSUM = ["test/covid_4", "test/Bmr014", "test/education_4"]


@pytest.fixture(scope="module")
def shared(corpus: Path) -> list[Record]:
    folders = ["zoom-vtt", "markdown", "otter", "vtt-voice", "srt"]
    return [*load([SAMPLE]).records, *load([corpus / f for f in folders]).records]


@pytest.fixture(scope="module")
def own() -> list[Record]:
    return qmsum_records(QMSUM)


@pytest.fixture(scope="module")
def pg(database_url: str, shared: list[Record], own: list[Record]) -> PgStore:
    import psycopg

    store = PgStore(database_url, load_aliases())
    store.migrate()
    with psycopg.connect(database_url) as conn:
        import_records(conn, shared, SHARED)
        import_records(conn, own, GUILD)
    yield store
    store.close()


@pytest.fixture(scope="module")
def memory(shared: list[Record], own: list[Record]) -> TurnStore:
    """What guild 7 sees, in memory."""
    return TurnStore([*shared, *own], load_aliases())


def where(store: TurnStore, turn_id: int) -> tuple[str, int]:
    turn = store.turns[turn_id]
    return turn.meeting_id, turn.index


QUERIES = [
    "DAAR",
    "nous avons 29 associes",
    "asociés",
    "the merge",
    "we need to decide",
    "vaccine passport",
    "remote control",
    "je ne trouvais pas mo micro",
]


def damaged(store: TurnStore, count: int) -> list[str]:
    """Damaged quotes of the guild's turns, made as the benchmark makes them."""
    source = [(m, [(t.speaker, t.text) for t in store.turns[r.start : r.stop]]) for m, r in store.meeting_range.items()]
    return [q.text for q in make_queries(source, count, seed=16)]


def test_quote_finds_the_same_turns_first(pg: PgStore, memory: TurnStore) -> None:
    for query in [*QUERIES, *damaged(memory, 40)]:
        hits = find_words(memory, query)
        found, total = pg.find_words(GUILD, query)
        assert total == len(hits), query
        assert [(f.turn.meeting_id, f.turn.index) for f in found[:1]] == [where(memory, h.turn_id) for h in hits[:1]], query
        if hits:
            assert found[0].score == hits[0].score, query


def test_whosaid_weighs_the_same_closest_turn(pg: PgStore, memory: TurnStore) -> None:
    """The turn `!whosaid` weighs first (its verdict is then decided from that turn's evidence),
    wherever it fits the query well (scores 80 or more).

    Below that, the two may name different turns: PostgreSQL adds pairs of common words only to
    the turns their other words brought (see `parser.index.postgres.closest`).
    """
    differ = []
    queries = [*QUERIES, *damaged(memory, 40)]
    for query in queries:
        expected = [h for h in find_closest(memory, query, limit=5) if h.score >= CLOSE_ENOUGH]
        found = [f for f in pg.find_closest(GUILD, query, limit=5) if f.score >= CLOSE_ENOUGH]
        if [where(memory, h.turn_id) for h in expected[:1]] != [(f.turn.meeting_id, f.turn.index) for f in found[:1]]:
            differ.append((query, expected[:1], found[:1]))
    assert not differ
    assert sum(1 for q in queries if find_closest(memory, q, limit=1)[0].score >= CLOSE_ENOUGH) > len(queries) / 2


def test_phrases_are_found_in_the_same_order(pg: PgStore, memory: TurnStore) -> None:
    for phrase in ["nous avons 29 associes", "i think", "the merge", "de la", "yeah", "yeah yeah", "mm-hmm"]:
        hits = find_phrase(memory, phrase)
        expected = [where(memory, h.turn_id) for h in hits]
        found = pg.find_phrase(GUILD, phrase)
        assert [(f.turn.meeting_id, f.turn.index) for f in found.hits] == expected, phrase
        assert [f.span for f in found.hits] == [locate(memory, h).span for h in hits], phrase
        assert found.total == len(hits) and found.labels == Counter(memory.turns[h.turn_id].speaker for h in hits)
        shown = pg.find_phrase(GUILD, phrase, shown=5)
        assert (shown.hits, shown.total, shown.labels) == (found.hits[:5], found.total, found.labels)


def test_a_guild_sees_its_records_and_the_shared_ones_only(pg: PgStore, own: list[Record], memory: TurnStore) -> None:
    mine = {r.meeting.id for r in own}
    assert list(pg.meetings(GUILD).values()) == list(memory.meetings.values())
    assert not mine & set(pg.meetings(8))
    assert not mine & set(pg.meetings(None))
    quote = own[0].turns[5].text
    assert pg.find_phrase(GUILD, quote).total
    assert not pg.find_phrase(8, quote).total
    assert not pg.find_words(None, quote)[1]


def test_speakers_resolve_with_the_same_turn_counts(pg: PgStore, memory: TurnStore) -> None:
    index = pg.speakers(GUILD)
    assert len(index.speakers) == len(memory.speakers.speakers)
    for typed in ["leon", "Nacho", "goran", "tim", "Grad A", "marbi", "professor"]:
        expected = memory.speakers.resolve(typed)[0]
        got = index.resolve(typed)[0]
        assert (got.speaker.name, len(got.speaker.turn_ids), got.score) == (
            expected.speaker.name,
            len(expected.speaker.turn_ids),
            expected.score,
        ), typed
    leon = index.resolve("leon")[0].speaker
    ids = list(leon.turn_ids)  # fetched from the database only when read
    assert len(ids) == len(leon.turn_ids) == len(set(ids)) and ids == sorted(ids) and leon.turn_ids[-1] == ids[-1]
    assert [(m, i) for m, i in (where(memory, t) for t in memory.speakers.resolve("leon")[0].speaker.turn_ids)] == [
        (pg_turn.meeting_id, pg_turn.index)
        for pg_turn in (pg.turns(GUILD, "icann70-lacralo-roundtable-fr"))
        if index.speaker_of(pg_turn.speaker) is leon
    ]


def test_filters_narrow_the_same_way(pg: PgStore, memory: TurnStore) -> None:
    import numpy as np

    tim = memory.speakers.resolve("tim beiko")[0].speaker
    said = np.zeros(len(memory), dtype=bool)
    said[np.asarray(tim.turn_ids, dtype=np.int64)] = True
    hits = find_words(memory, "the merge", said)
    found, total = pg.find_words(GUILD, "the merge", Where(labels=tuple(tim.labels)))
    assert total == len(hits) > 0
    assert {(f.turn.meeting_id, f.turn.index) for f in found} == {where(memory, h.turn_id) for h in hits[: len(found)]}

    french = np.zeros(len(memory), dtype=bool)
    for meeting in memory.meetings.values():
        if meeting.language == "fr":
            r = memory.meeting_range[meeting.id]
            french[r.start : r.stop] = True
    for query in ["de la", "internet"]:
        assert pg.find_words(GUILD, query, Where(languages=("fr",)))[1] == len(find_words(memory, query, french))
    icann = memory.meetings["icann70-lacralo-roundtable-fr"]
    assert icann.date is not None
    on_the_day = Where(dates=((icann.date, icann.date),))
    assert pg.find_words(GUILD, "de la", on_the_day)[1] == len(find_words(memory, "de la", french))
    assert pg.find_words(GUILD, "de la", Where(dates=((dt.date(1990, 1, 1), dt.date(1990, 12, 31)),)))[1] == 0
    assert pg.find_words(GUILD, "the", Where(meetings=("covid_4",)))[1] == len(
        find_words(memory, "the", np.isin(np.arange(len(memory)), list(memory.meeting_range["covid_4"])))
    )


def test_context_shows_the_same_turns(pg: PgStore, memory: TurnStore) -> None:
    for meeting_id, index, around in [("covid_4", 0, 2), ("icann70-lacralo-roundtable-fr", 21, 3), ("Bmr014", 10**6, 1)]:
        r = memory.meeting_range[meeting_id]
        at = min(index, len(r) - 1)
        position = pg.position(GUILD, meeting_id, memory.turns[r[at]].index)
        assert position == at
        shown = pg.context(GUILD, meeting_id, position, around)
        assert [f.turn for f in shown] == [memory.turns[r[i]] for i in range(max(0, at - around), min(len(r), at + around + 1))]
    assert pg.position(GUILD, "covid_4", 10**6) is None


def test_stats_count_what_memory_counts(pg: PgStore, memory: TurnStore) -> None:
    totals = pg.totals(GUILD)
    assert (totals["meetings"], totals["turns"]) == (len(memory.meetings), len(memory))
    assert totals["words"] == sum(len(memory.text(i).split()) for i in range(len(memory)))
    turns: Counter[str] = Counter(memory.turn_speaker[i].name for i in range(len(memory)))
    words: Counter[str] = Counter()
    for i in range(len(memory)):
        words[memory.turn_speaker[i].name] += len(memory.text(i).split())
    assert {t.name: (t.turns, t.words) for t in pg.tally(GUILD)} == {n: (turns[n], words[n]) for n in turns}
    one = pg.tally(GUILD, "covid_4")
    r = memory.meeting_range["covid_4"]
    assert sum(t.turns for t in one) == len(r)
    by_words: Counter[str] = Counter()
    for i in r:
        by_words[memory.turn_speaker[i].name] += len(memory.text(i).split())
    assert [(t.name, t.words) for t in one[:3]] == by_words.most_common(3)


def test_autocomplete_from_sql(pg: PgStore) -> None:
    assert [m for m, _ in pg.complete_meetings(GUILD, "covid")] == ["covid_4"]
    assert pg.complete_meetings(8, "covid") == []
    assert pg.complete_speakers(GUILD, "leon")[0] == "LEÓN SANCHEZ"


def test_a_record_added_then_removed(pg: PgStore, database_url: str, own: list[Record]) -> None:
    import psycopg

    record = own[1]
    quote = max((t.text for t in record.turns), key=len)  # a long turn: said in this record only

    def meetings_saying() -> list[str]:
        return [f.turn.meeting_id for f in pg.find_phrase(9, quote).hits]

    with psycopg.connect(database_url) as conn:
        meeting_id = add_record(conn, record, 9)
        assert meeting_id == record.meeting.id
        again = add_record(conn, record, 9)
        assert again == f"{record.meeting.id}-2"
        assert meetings_saying() == [meeting_id, again]
        assert remove_record(conn, again, 9)
        assert not remove_record(conn, again, 9)
        assert meetings_saying() == [meeting_id]
        assert remove_record(conn, meeting_id, 9)
        counts = conn.execute("SELECT turns, bytes FROM search_scopes WHERE guild_id = 9").fetchone()
        left = conn.execute("SELECT count(*) FROM search_word_df WHERE guild_id = 9").fetchone()
    assert pg.find_phrase(9, quote).hits == pg.find_phrase(None, quote).hits == []
    assert counts == (0, 0)
    assert left == (0,)


def test_word_counts_stay_exact_when_the_caller_holds_a_transaction(database_url: str, own: list[Record]) -> None:
    import psycopg

    from parser.text import fold

    expected: Counter[str] = Counter()
    for record in own[:2]:
        for turn in record.turns:
            expected.update(set(fold(turn.text).split()))
    with psycopg.connect(database_url) as conn:
        conn.execute("SELECT 1")  # a transaction is open: add_record's own become savepoints
        for record in own[:2]:
            add_record(conn, record, 21)
        rows = conn.execute(
            "SELECT w.word, d.df FROM search_word_df d JOIN search_words w ON w.id = d.word_id WHERE d.guild_id = 21"
        ).fetchall()
        conn.rollback()
    assert dict(rows) == dict(expected)


def test_a_closest_search_asked_in_steps_finds_what_one_question_finds(
    pg: PgStore, memory: TurnStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A closest search asks the heaviest words' rows first and more words after, reading then only
    the rows holding none of those asked before: the best of both must be the best of one question
    asking every word at once (the same turns, the same scores, widened or not)."""
    queries = [*QUERIES, *damaged(memory, 40), "the weather in Lisbon was lovely all week"]
    asked: list[str] = []  # the tsqueries of the questions

    class Recorded:  # the pool's connection, its statements' parameters noted
        def __init__(self, conn: Any) -> None:
            self.conn = conn

        def execute(self, sql: Any, params: Any = None) -> Any:
            asked.extend(p for p in params or [] if isinstance(p, str))
            return self.conn.execute(sql, params)

    def answers() -> list[list[tuple[str, int, float]]]:
        out = []
        for query in queries:
            for widen, pool in ((False, None), (True, None), (True, 5)):  # (a small pool: a bar early, sets held together)
                with pg.db.reading() as conn:
                    found = closest.find_closest(Recorded(conn), [GUILD, SHARED], query, 5, pool=pool, widen=widen)
                out.append([(f.turn.meeting_id, f.turn.index, f.score) for f in found])
        return out

    monkeypatch.setattr(closest, "FIRST_ROWS", 10**9)  # every word asked at once
    at_once = answers()
    assert not any("& !(" in q for q in asked)
    monkeypatch.setattr(closest, "FIRST_ROWS", 20)  # the heaviest few first, more after
    monkeypatch.setattr(closest, "READ_BUDGET", 10**9)
    assert answers() == at_once
    again = [q for q in asked if "& !(" in q]
    assert len(again) >= len(queries) / 2, "most searches asked again, reading only rows not read"
    assert any("((" in q.split(" & !(")[0] for q in again), "some asked again by sets of words held together"


def test_rows_kept_for_a_search_again_are_not_used_with_other_words(pg: PgStore, memory: TurnStore) -> None:
    """A search's kept rows (`closest.Asked`) hold for the words they were found with: given other
    words for the same query (a vocabulary made again after a record came), the search starts over."""
    from parser.index.postgres.words import scope_words
    from parser.text import fold

    scope = [GUILD, SHARED]
    differ = rows_differ = 0
    for query in [*QUERIES, *damaged(memory, 20)]:
        with pg.db.reading() as conn:
            folded = fold(query)
            strict = scope_words(conn, scope, folded.split())
            loose = scope_words(conn, scope, folded.split(), loose=True)
            kept, fresh = closest.Asked(), closest.Asked()
            first = closest.find_closest(conn, scope, query, 5, words=strict, kept=kept)
            strict_rows = dict(kept.rows)
            again = closest.find_closest(conn, scope, query, 5, words=loose, kept=kept)
            alone = closest.find_closest(conn, scope, query, 5, words=loose, kept=fresh)
        assert [(f.id, f.score) for f in again] == [(f.id, f.score) for f in alone], query
        assert kept.rows == fresh.rows, query
        differ += [(f.id, f.score) for f in first] != [(f.id, f.score) for f in alone]
        rows_differ += strict_rows != fresh.rows
    assert differ, "no query whose words change its closest turns: the test would prove nothing"
    assert rows_differ, "no query whose words change the rows kept: the test would prove nothing"


def test_a_closest_search_past_its_read_budget_finds_the_same_fits(
    pg: PgStore, memory: TurnStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A quote whose words are held by more rows than a search reads at once (`READ_BUDGET`, here
    a tiny one, and a first question as small, so that most quotes go past it) is looked for among
    the rows of the words that weigh most for their count: the turns that fit it are still the ones
    memory finds."""
    monkeypatch.setattr(closest, "FIRST_ROWS", 20)
    monkeypatch.setattr(closest, "READ_BUDGET", 1000)
    caplog.set_level(logging.DEBUG, logger=closest.__name__)
    queries = [*QUERIES, *damaged(memory, 40)]
    differ, fits = [], 0
    for query in queries:
        caplog.clear()
        expected = [h for h in find_closest(memory, query, limit=5) if h.score >= CLOSE_ENOUGH]
        found = [f for f in pg.find_closest(GUILD, query, limit=5) if f.score >= CLOSE_ENOUGH]
        past = any("past the budget" in r.getMessage() for r in caplog.records)
        fits += past and bool(expected)
        if [where(memory, h.turn_id) for h in expected[:1]] != [(f.turn.meeting_id, f.turn.index) for f in found[:1]]:
            differ.append((query, past, expected[:1], found[:1]))
    assert not differ
    assert fits >= len(queries) / 6, "many quotes with a fit went past the budget"
