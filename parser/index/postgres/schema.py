"""The database's tables, as numbered versions applied in order at start.

Every table a community's rows live in leads its keys and indexes with `guild_id`, so the schema
partitions by server as it is (PostgreSQL partitions, or Citus' `create_distributed_table`);
shared records — the ones loaded at start, seen everywhere — are the rows of guild `SHARED`.
`words` is the one table without a guild: a dictionary of folded words, small, the same for all.
Folded text is made by `parser.text.fold` when a record is written (one folding for both stores:
the database's `unaccent` and `lower` disagree with it on ß, ł, apostrophes), and the words'
`tsvector` is generated from it with the `simple` configuration: no stemming, no stop words.
"""

from __future__ import annotations

from typing import Any

SHARED = 0  # the guild id of the shared records

MIGRATIONS: list[tuple[int, str]] = [
    (
        1,
        """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE EXTENSION IF NOT EXISTS btree_gin;

        CREATE TABLE search_meetings (
            guild_id bigint NOT NULL,
            meeting_id text NOT NULL,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            title text NOT NULL,
            date date,
            language text,
            url text,
            source text NOT NULL DEFAULT '',
            format text NOT NULL DEFAULT '',
            turns integer NOT NULL,
            words integer NOT NULL,
            added_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (guild_id, meeting_id)
        );
        CREATE INDEX search_meetings_date ON search_meetings (guild_id, date);

        CREATE TABLE search_turns (
            guild_id bigint NOT NULL,
            id bigint NOT NULL,                 -- meeting seq << 20 | position: record order
            meeting_id text NOT NULL,
            position integer NOT NULL,          -- 0-based place in the meeting
            turn_index integer NOT NULL,        -- the record's own turn number
            speaker text NOT NULL,
            text text NOT NULL,
            folded text NOT NULL,
            words integer NOT NULL,             -- printed words, as !speaker counts them
            bytes integer NOT NULL,             -- UTF-8 length of the text, for the length factor
            page integer,
            start_s double precision,
            end_s double precision,
            chat boolean NOT NULL DEFAULT false,
            tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', folded)) STORED,
            PRIMARY KEY (guild_id, id),
            FOREIGN KEY (guild_id, meeting_id) REFERENCES search_meetings ON DELETE CASCADE
        );
        CREATE UNIQUE INDEX search_turns_place ON search_turns (guild_id, meeting_id, position);
        CREATE INDEX search_turns_speaker ON search_turns (guild_id, speaker);
        CREATE INDEX search_turns_words ON search_turns USING gin (guild_id, tsv);

        CREATE TABLE search_words (
            id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            word text COLLATE "C" NOT NULL UNIQUE,
            stem text COLLATE "C" NOT NULL
        );
        CREATE INDEX search_words_stem ON search_words (stem);
        -- on lower(word), which is the word (folded words are lower case), so that equality keeps the btree
        CREATE INDEX search_words_trigrams ON search_words USING gin (lower(word) gin_trgm_ops);

        CREATE TABLE search_word_df (
            guild_id bigint NOT NULL,
            word_id integer NOT NULL,
            df integer NOT NULL,
            PRIMARY KEY (guild_id, word_id)
        );
        CREATE INDEX search_word_df_common ON search_word_df (guild_id, df);

        CREATE TABLE search_speakers (
            guild_id bigint NOT NULL,
            meeting_id text NOT NULL,
            label text NOT NULL,
            turns integer NOT NULL,
            words integer NOT NULL,
            seconds double precision,
            first_turn bigint NOT NULL,          -- the id of the label's first turn: names break ties by it
            PRIMARY KEY (guild_id, meeting_id, label),
            FOREIGN KEY (guild_id, meeting_id) REFERENCES search_meetings ON DELETE CASCADE
        );

        CREATE TABLE search_scopes (
            guild_id bigint PRIMARY KEY,
            turns bigint NOT NULL DEFAULT 0,
            bytes bigint NOT NULL DEFAULT 0,
            most integer NOT NULL DEFAULT 0    -- turns holding the guild's most common word (at least)
        );
        """,
    ),
    (
        2,
        # A meeting's turns go with it by `writer.remove_record`, not by a foreign key: checking it
        # for every row written was a sixth of a bulk import's time in the server.
        "ALTER TABLE search_turns DROP CONSTRAINT IF EXISTS search_turns_guild_id_meeting_id_fkey",
    ),
    (
        3,
        """
        -- how often each word is said (df counts the turns holding it): distinctive words compare
        -- a speaker's counts with these, as the in-memory store compares with its term counts
        ALTER TABLE search_word_df ADD COLUMN said bigint NOT NULL DEFAULT 0;
        UPDATE search_word_df d SET said = s.n FROM (
            SELECT t.guild_id, w.id AS word_id, count(*) AS n
            FROM search_turns t CROSS JOIN LATERAL regexp_split_to_table(t.folded, ' ') AS x(word)
            JOIN search_words w ON w.word = x.word GROUP BY t.guild_id, w.id
        ) s WHERE d.guild_id = s.guild_id AND d.word_id = s.word_id;
        """,
    ),
]
VERSION = MIGRATIONS[-1][0]
# The indexes besides the keys of the tables a bulk import fills row by row: one into a small table
# drops them and builds them again at the end (a build sorts once; row by row, the GIN index alone
# doubled the server's work).
BULK_INDEXES = {
    "search_word_df_common": "CREATE INDEX IF NOT EXISTS search_word_df_common ON search_word_df (guild_id, df)",
    "search_turns_place": "CREATE UNIQUE INDEX IF NOT EXISTS search_turns_place ON search_turns (guild_id, meeting_id, position)",
    "search_turns_speaker": "CREATE INDEX IF NOT EXISTS search_turns_speaker ON search_turns (guild_id, speaker)",
    "search_turns_words": "CREATE INDEX IF NOT EXISTS search_turns_words ON search_turns USING gin (guild_id, tsv)",
}
CHANNEL = "verbatim_records"  # NOTIFY channel: '{"guild": 123, "meeting": "…", "action": "add"}'


def migrate(conn: Any) -> int:
    """Bring the schema up to `VERSION` (each step in its own transaction); the version now."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(7254891)")  # two processes starting at once migrate once
        conn.execute("CREATE TABLE IF NOT EXISTS search_schema (version integer NOT NULL)")
        row = conn.execute("SELECT max(version) FROM search_schema").fetchone()
        current = row[0] or 0
        for version, ddl in MIGRATIONS:
            if version > current:
                conn.execute(ddl)
                conn.execute("INSERT INTO search_schema (version) VALUES (%s)", (version,))
                current = version
    return current
