"""The turns are partitioned by guild: a database made before keeps every row through the migration,
and a guild's search reads its own partition and the shared one, not every guild's turns.

At 10M turns over 1,000 guilds a GIN index's list of the turns holding a common word ran over every
guild; a query of common words read millions of entries to keep the few in its scope. What a user
notices is the time; what a test can hold fast is which partitions a search's plan reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.parser.index.postgres.conftest import fresh_database
from tests.parser.qmsum_records import qmsum_records

MEETINGS = ["test/covid_4", "test/Bmr014", "test/education_4", "test/IS1003d"]
_PLACE_INDEXES = """SELECT count(*) FROM pg_indexes WHERE indexdef LIKE '%(guild_id, meeting_id, "position")'"""
GUILDS = (7, 8, 1234567890123)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    yield from fresh_database()


def test_migrating_a_filled_table_keeps_every_row_and_partitions_it(url: str) -> None:
    import psycopg

    from parser.index.postgres.schema import MIGRATIONS, SHARED, VERSION, migrate
    from parser.index.postgres.store import PgStore
    from parser.index.postgres.writer import import_records

    records = qmsum_records(MEETINGS)
    with psycopg.connect(url) as conn:
        with conn.transaction():  # a database of version 4, before the turns were partitioned
            conn.execute("CREATE TABLE search_schema (version integer NOT NULL)")
            for version, ddl in MIGRATIONS[:4]:
                conn.execute(ddl)
                conn.execute("INSERT INTO search_schema (version) VALUES (%s)", (version,))
        import_records(conn, records[:2], SHARED)
        guild_of = {r.meeting.id: GUILDS[k % len(GUILDS)] for k, r in enumerate(records[2:])}
        import_records(conn, records[2:], guild_of=lambda r: guild_of[r.meeting.id])
        import_records(conn, records[2:3], GUILDS[0])
        turns = "SELECT guild_id, id, meeting_id, position, speaker, text, folded, tsv::text FROM search_turns ORDER BY 1, 2"
        before = conn.execute(turns).fetchall()
        assert conn.execute("SELECT relkind FROM pg_class WHERE relname = 'search_turns'").fetchone() == ("r",)

        assert migrate(conn) == VERSION
        conn.commit()
        assert conn.execute(turns).fetchall() == before
        # a turn's place is its id: the (guild, meeting, position) index is gone, on every partition
        assert conn.execute(_PLACE_INDEXES).fetchone() == (0,)
        placed = conn.execute("SELECT tableoid::regclass::text, guild_id FROM search_turns GROUP BY 1, 2").fetchall()
    partitions = dict((guild, table) for table, guild in placed)
    assert partitions[SHARED] == "search_turns_shared"
    assert all(re.fullmatch(r"search_turns_g\d+", partitions[g]) for g in partitions if g != SHARED)
    assert len(placed) == len(partitions)  # each guild's turns in one partition

    store = PgStore(url)
    try:
        seen = {row[1] for row in before if row[0] in (GUILDS[0], SHARED)}
        found, total = store.find_words(GUILDS[0], "the")
        assert total == sum(1 for row in before if row[1] in seen and "the" in row[6].split())
        assert found and {f.id for f in found} <= seen
        # a meeting's turns by place, in a guild and in the shared records, read by the key's range
        for guild, record in ((GUILDS[0], records[2]), (SHARED, records[0])):
            meeting_id = record.meeting.id
            around = store.context(guild, meeting_id, 5, 2)
            assert [(f.turn.index, f.turn.text) for f in around] == [(t.index, t.text) for t in record.turns[3:8]]
            assert [f.turn.text for f in store.context(guild, meeting_id, 0, 1)] == [t.text for t in record.turns[:2]]
            assert store.position(guild, meeting_id, record.turns[-1].index) == len(record.turns) - 1
            assert len(store.turns(guild, meeting_id)) == len(record.turns)
    finally:
        store.close()


def test_a_guilds_search_reads_its_partition_and_the_shared_one(url: str) -> None:
    import psycopg

    from parser.index.postgres.connect import connect
    from parser.index.postgres.schema import GUILD_PARTITIONS, migrate

    with psycopg.connect(url) as conn:
        migrate(conn)
        conn.commit()
    with connect(url) as conn:
        plan = "\n".join(
            row[0]
            for row in conn.execute(
                "EXPLAIN SELECT t.id FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery",
                ([GUILDS[1], 0], "the & and"),
            ).fetchall()
        )
        read = set(re.findall(r"search_turns_(?:shared|g\d+)(?!\w)", plan))
        assert "search_turns_shared" in read
        # the guild's partition, and at most the one guild 0 would hash to, of the guilds' many
        assert 1 <= len(read - {"search_turns_shared"}) <= 2 < GUILD_PARTITIONS
        dm = "\n".join(
            row[0]
            for row in conn.execute(
                "EXPLAIN SELECT t.id FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery",
                ([0], "the & and"),
            ).fetchall()
        )
        assert set(re.findall(r"search_turns_g\d+", dm)) == set()


def test_an_import_leaves_statistics_of_the_columns_searches_filter_on_only(url: str) -> None:
    """The planner's statistics after a bulk import: the words' `tsvector`, speakers and places
    (what searches filter on), not the turns' text (half of ANALYZE's time, and never filtered on)."""
    import psycopg

    from parser.index.postgres.schema import migrate
    from parser.index.postgres.writer import import_records

    with psycopg.connect(url) as conn:
        migrate(conn)
        conn.commit()
        import_records(conn, qmsum_records(MEETINGS[:2]), GUILDS[1])
        leaf = conn.execute("SELECT DISTINCT tableoid::regclass::text FROM search_turns WHERE guild_id = %s", (GUILDS[1],))
        (table,) = leaf.fetchone()
        columns = {r[0] for r in conn.execute("SELECT attname FROM pg_stats WHERE tablename = %s", (table,))}
    assert {"guild_id", "id", "meeting_id", "position", "turn_index", "speaker", "tsv"} <= columns
    assert not columns & {"text", "folded", "words", "bytes", "page", "start_s", "end_s", "chat"}


@pytest.fixture
def empty_url() -> Iterator[str]:
    yield from fresh_database()


def test_migration_7_drops_the_place_index_and_a_partitions_left_by_a_dead_import(empty_url: str) -> None:
    import psycopg

    from parser.index.postgres.schema import MIGRATIONS, VERSION, migrate

    with psycopg.connect(empty_url) as conn:
        with conn.transaction():  # version 6, with a partition's place index an import built and never attached
            conn.execute("CREATE TABLE search_schema (version integer NOT NULL)")
            for version, ddl in MIGRATIONS[:6]:
                conn.execute(ddl)
                conn.execute("INSERT INTO search_schema (version) VALUES (%s)", (version,))
            conn.execute("DROP INDEX search_turns_place")
            conn.execute("CREATE UNIQUE INDEX search_turns_g3_place ON search_turns_g3 (guild_id, meeting_id, position)")
        assert conn.execute(_PLACE_INDEXES).fetchone() == (1,)
        assert migrate(conn) == VERSION
        conn.commit()
        assert conn.execute(_PLACE_INDEXES).fetchone() == (0,)


def test_a_views_statements_joining_the_turns_are_planned_on_its_partitions_only(url: str) -> None:
    """A statement whose turns are told only `guild_id = <the other side's>` is planned on every
    guild's partition: 15-20 ms of planning each time at 1,000 guilds, before it reads anything
    (a verdict asks the next turns of its speakers twice a `!whosaid`)."""
    import psycopg

    from parser.index.postgres.archive import MEETINGS_SQL, NEXT_OF_SPEAKERS_SQL
    from parser.index.postgres.connect import connect
    from parser.index.postgres.schema import GUILD_PARTITIONS, migrate
    from parser.index.postgres.store import CONTEXT_SQL, POSITION_SQL

    with psycopg.connect(url) as conn:
        migrate(conn)
        conn.commit()
    scope = [GUILDS[1], 0]
    statements = {
        "meetings": (MEETINGS_SQL, {"scope": scope}),
        "next of speakers": (NEXT_OF_SPEAKERS_SQL, {"scope": scope, "within": 3, "ids": [1, 2]}),
        "context": (CONTEXT_SQL, {"scope": scope, "meeting": "m", "first": 0, "last": 4}),
        "position": (POSITION_SQL, {"scope": scope, "meeting": "m", "index": 3}),
    }
    with connect(url) as conn:
        for name, (sql, params) in statements.items():
            plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + sql, params).fetchall())
            guilds = set(re.findall(r"search_turns_g\d+(?!\w)", plan))
            assert 1 <= len(guilds) <= 2 < GUILD_PARTITIONS, (name, sorted(guilds))


def test_a_speakers_next_turn_is_read_by_id_not_through_every_turn_of_theirs(empty_url: str) -> None:
    """A verdict asks each candidate's speaker's next turn (at most two turns on). Told the speaker,
    the planner read every turn of theirs by the speaker's index: 21k turns, 6 ms for each
    candidate, for the chair of the shared records at 10M turns. Here the chair says every other
    turn of a long meeting and everyone else speaks once, so the speaker's index looks selective."""
    import psycopg

    from parser.index.postgres.archive import NEXT_OF_SPEAKERS_SQL
    from parser.index.postgres.connect import connect
    from parser.index.postgres.schema import SHARED, migrate
    from parser.index.postgres.writer import import_records
    from parser.models import Meeting, Record, Turn

    speakers = [("Chair" if k % 2 else f"Person {k}") for k in range(4000)]
    turns = [Turn(meeting_id="long", index=k, speaker=s, text=f"turn {k} of the long meeting") for k, s in enumerate(speakers)]
    with psycopg.connect(empty_url) as conn:
        migrate(conn)
        import_records(conn, [Record(meeting=Meeting(id="long", title="A long meeting"), turns=turns)], SHARED)
        conn.commit()
        conn.execute("ANALYZE search_turns_shared")
        chair = [row[0] for row in conn.execute("SELECT id FROM search_turns WHERE speaker = 'Chair' ORDER BY id LIMIT 3")]
    with connect(empty_url) as conn:
        params = {"scope": [SHARED], "within": 2, "ids": chair}
        plan = "\n".join(row[0] for row in conn.execute("EXPLAIN " + NEXT_OF_SPEAKERS_SQL, params).fetchall())
        assert "speaker" not in re.sub(r"Filter: .*", "", plan), plan
        following = {row[0]: row[1] for row in conn.execute(NEXT_OF_SPEAKERS_SQL, params).fetchall()}
    assert following == {turn: turn + 2 for turn in chair}  # the chair's next turn, two on
