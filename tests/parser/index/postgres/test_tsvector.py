"""The words' tsvector the writer makes is the server's `to_tsvector('simple', folded)`, exactly.

The search's `@@` reads `search_turns.tsv`; the server used to generate it, and a query still
parses its words with the server's parser: a lexeme or a position made differently here would
lose a hit without a sound. Compared on every turn of the shared corpus (QMSum's 129k included)
and on hostile text, both as `tsvector_text` makes it and as the rows are stored by a bulk import
and by `add_record` (the texts it leaves to the server included).
"""

from __future__ import annotations

import tarfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parser.index.postgres.tsvector import LONGEST_WORD, MOST_POSITIONS, MOST_REPEATS, tsvector_text
from parser.models import Meeting, Record, Turn
from parser.readers.loader import load
from parser.text import tokens
from tests.parser.index.postgres.conftest import fresh_database
from tests.parser.qmsum_records import ARCHIVE, qmsum_records

HOSTILE = [
    "",
    "   \t\n ",
    "e-mail, co-operate and re-re-elect: well-known-ish",
    "see https://www.icann.org/en/system/files/file.pdf?x=1&y=2#top or ftp://a.b/c",
    "write to leon.sanchez@example.com or <b>bold</b> &amp; &#233;",
    "3.14 -2 +7 1,000,000 1.2.3 v2.0.1 0x1F 1e5 1E5 1e5x 12e3x 2e10abc a1e5x 1e05 007 00",
    "don't l'ICANN aujourd’hui rock'n'roll O'Brien y'all '90s",
    "2nd 1st 3rd 90s mp3 h1n1 covid19 4k 5G IPv6 x86_64 utf-8",
    "Łódź Straße Æsir œuvre Ørsted Ðóra Þór ﬁnance ½ ² ³ Ⅻ №5",
    "Москва 東京 القاهرة ٣٤ ३४ １２３ ｆｕｌｌ ﻿zero\u200bwidth\u200djoin \u202eRTL",
    "café Café CAFÉ cafe\u0301 naïve résumé São Paulo",
    "emoji 😀 words 👍🏽 and ™ © ® marks",
    "tabs\tand\nnew\r\nlines\x0bvertical\x0cfeed",
    "a\\b back\\slash and 'quotes' and \"double\" and :colons: and ,commas,",
    "x" * (LONGEST_WORD - 1) + " short",
    "y" * LONGEST_WORD + " short",
    "z" * (LONGEST_WORD + 1) + " short",
    "w" * 2046 + " two thousand and forty six",
    "v" * 2047 + " two thousand and forty seven",
    "u" * 3000 + " three thousand",
    " ".join(["again"] * MOST_REPEATS + ["end"]),
    " ".join(["again"] * (MOST_REPEATS + 1) + ["end"]),
    " ".join(["again"] * 300),
    " ".join(f"w{n % 500}" for n in range(MOST_POSITIONS)),
    " ".join(f"w{n % 500}" for n in range(MOST_POSITIONS + 1)),
    " ".join(f"w{n % 5000}" for n in range(17_000)),
    "the " * 20_000,
]


def _qmsum() -> list[Record]:
    with tarfile.open(ARCHIVE) as tar:
        names = sorted(m.name.removeprefix("data/ALL/").removesuffix(".json") for m in tar.getmembers() if m.isfile())
    return qmsum_records(names)


@pytest.fixture(scope="module")
def records(corpus: Path) -> list[Record]:
    """Every record of the shared corpus: the readers' formats and every QMSum meeting."""
    read = load([corpus]).records
    return [*read, *_qmsum()]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    yield from fresh_database()


def _hostile_record(name: str) -> Record:
    turns = [Turn(meeting_id=name, index=i, speaker="Hostile", text=text) for i, text in enumerate(HOSTILE)]
    return Record(meeting=Meeting(id=name, title=name, format="txt"), turns=turns)


def _made(texts: list[str]) -> tuple[list[str], list[str | None]]:
    folded, made = [], []
    for text in texts:
        words = tokens(text)
        folded.append(" ".join(words))
        made.append(tsvector_text(folded[-1], words))
    return folded, made


def _differ(conn: object, folded: list[str], made: list[str | None]) -> list[tuple[str, str, str]]:
    """(folded, made here, the server's) for each text made here that the server makes otherwise."""
    return conn.execute(  # type: ignore[attr-defined,no-any-return]
        "SELECT left(f, 80), left(m, 80), left(to_tsvector('simple', f)::text, 80)"
        " FROM unnest(%s::text[], %s::text[]) AS x(f, m)"
        " WHERE m IS NOT NULL AND m::tsvector IS DISTINCT FROM to_tsvector('simple', f)",
        (folded, made),
    ).fetchall()


def test_every_corpus_turn_gets_the_servers_tsvector(url: str, records: list[Record]) -> None:
    import psycopg

    texts = [t.text for r in records for t in r.turns]
    folded, made = _made(texts)
    with psycopg.connect(url) as conn:
        assert _differ(conn, folded, made) == []
    assert len(texts) > 129_000
    assert sum(m is not None for m in made) / len(made) > 0.999  # all but a few are made here


def test_hostile_text_gets_the_servers_tsvector_or_is_left_to_the_server(url: str) -> None:
    import psycopg

    folded, made = _made(HOSTILE)
    with psycopg.connect(url) as conn:
        assert _differ(conn, folded, made) == []
    here = [f[:20] for f, m in zip(folded, made, strict=True) if m is not None]
    left = [f[:20] for f, m in zip(folded, made, strict=True) if m is None]
    assert len(here) > 10 and len(left) > 8  # both paths are taken: the test compares something on each
    # each limit's last text made here is compared with the server's above; one past it is the server's
    by_text = dict(zip(HOSTILE, made, strict=True))
    for last, past in (
        ("y" * LONGEST_WORD + " short", "z" * (LONGEST_WORD + 1) + " short"),
        (" ".join(["again"] * MOST_REPEATS + ["end"]), " ".join(["again"] * (MOST_REPEATS + 1) + ["end"])),
        (" ".join(f"w{n % 500}" for n in range(MOST_POSITIONS)), " ".join(f"w{n % 500}" for n in range(MOST_POSITIONS + 1))),
    ):
        assert by_text[last] is not None and by_text[past] is None


def test_stored_rows_hold_the_servers_tsvector(url: str, records: list[Record]) -> None:
    import psycopg

    from parser.index.postgres.schema import migrate
    from parser.index.postgres.writer import add_record, import_records

    with psycopg.connect(url) as conn:
        migrate(conn)
        conn.commit()
        import_records(conn, [*records[:40], _hostile_record("hostile-bulk")], 5)
        add_record(conn, _hostile_record("hostile-one"), 6)
        conn.commit()
        stored = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE tsv IS DISTINCT FROM to_tsvector('simple', folded)) FROM search_turns"
        ).fetchone()
    assert stored is not None
    assert stored[0] == sum(len(r.turns) for r in records[:40]) + 2 * len(HOSTILE)
    assert stored[1] == 0


def _odd_record(name: str, chat: bool) -> Record:
    """Hostile text in every text field COPY carries, with times, pages and chat turns."""
    turns = [
        Turn(
            meeting_id=name,
            index=10 + i,
            speaker=f"Sp\t{i % 3}\\\n\r",
            text=text,
            page=i // 4 if i % 2 else None,
            start=0.1 * i if i % 3 else None,
            end=0.1 * i + 1e-7 if i % 3 else None,
            chat=i % 5 == 0,
        )
        for i, text in enumerate(HOSTILE)
    ]
    return Record(meeting=Meeting(id=name, title="t\tit\\le\n", url="http://x\r", source="s\\N", chat=chat), turns=turns)


def test_bulk_rows_hold_the_records_values_in_process_and_in_workers(url: str, records: list[Record]) -> None:
    """The turn rows' COPY text is made here (in worker processes, in a bulk import): every value
    of hostile records comes back as it went in, the same either way, and so do the counts."""
    import psycopg

    from parser.index.postgres.schema import migrate
    from parser.index.postgres.writer import POSITION_BITS, import_records

    # the same id twice (the second written as `-2`) and a chat: the workers' batches go in either order
    written = [*records[:12], _odd_record("odd\t\\_%", False), _odd_record("odd\t\\_%", False), _odd_record("odd\t%", True)]
    with psycopg.connect(url) as conn:
        migrate(conn)
        conn.commit()
        import_records(conn, written, 7, processes=0, rebuild=False)
        import_records(conn, written, 8, processes=2, batch_bytes=1, rebuild=False)  # every record a batch, from the workers

        def stored(guild: int) -> tuple[list[Any], ...]:
            turns = conn.execute(
                "SELECT t.meeting_id, t.position, t.turn_index, t.speaker, t.text, t.folded, t.words, t.bytes, t.page,"
                " t.start_s, t.end_s, t.chat, t.tsv::text, t.id = (m.seq << %s) + t.position"
                " FROM search_turns t JOIN search_meetings m USING (guild_id, meeting_id)"
                ' WHERE guild_id = %s ORDER BY t.meeting_id COLLATE "C", t.position',
                (POSITION_BITS, guild),
            ).fetchall()
            meetings = conn.execute(
                "SELECT meeting_id, title, url, source, turns, words FROM search_meetings"
                ' WHERE guild_id = %s ORDER BY meeting_id COLLATE "C"',
                (guild,),
            ).fetchall()
            speakers = conn.execute(
                "SELECT s.meeting_id, label, s.turns, s.words, seconds, first_turn - (m.seq << %s)"
                " FROM search_speakers s JOIN search_meetings m USING (guild_id, meeting_id)"
                ' WHERE guild_id = %s ORDER BY s.meeting_id COLLATE "C", label COLLATE "C"',
                (POSITION_BITS, guild),
            ).fetchall()
            counts = conn.execute(
                "SELECT w.word, d.df, d.said FROM search_word_df d JOIN search_words w ON w.id = d.word_id"
                " WHERE d.guild_id = %s ORDER BY 1",
                (guild,),
            ).fetchall()
            scope = conn.execute("SELECT turns, bytes, most FROM search_scopes WHERE guild_id = %s", (guild,)).fetchall()
            return turns, meetings, speakers, counts, scope

        in_process, in_workers = stored(7), stored(8)
    assert in_process == in_workers
    turns, meetings, speakers, counts, scope = in_process
    ids = [*(r.meeting.id for r in records[:12]), "odd\t\\_%", "odd\t\\_%-2", "odd\t%"]
    assert [m[0] for m in meetings] == sorted(ids)
    expected = sorted(
        (mid, p, t.index, t.speaker, t.text, " ".join(tokens(t.text)), len(t.text.split()), len(t.text.encode()), *rest)
        for r, mid in zip(written, ids, strict=True)
        for p, t in enumerate(r.turns)
        for rest in [(t.page, t.start, t.end, r.meeting.chat or t.chat)]
    )
    assert [row[:12] for row in turns] == expected
    assert all(row[13] for row in turns)  # each turn's id is its meeting's seq and its position
    said = Counter(word for row in expected for word in row[5].split())
    df = Counter(word for row in expected for word in set(row[5].split()))
    assert counts == sorted((word, df[word], said[word]) for word in df)
    assert scope == [(len(expected), sum(row[7] for row in expected), max(df.values()))]
    odd = [s for s in speakers if s[0] == "odd\t%"]
    # label 0's turns have no times (i % 3 == 0): no seconds; the others' are summed
    assert [(s[1], s[4] is None) for s in odd] == [(f"Sp\t{i}\\\n\r", i == 0) for i in range(3)]
