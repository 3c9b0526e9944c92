"""The words' tsvector the writer makes is the server's `to_tsvector('simple', folded)`, exactly.

The search's `@@` reads `search_turns.tsv`; the server used to generate it, and a query still
parses its words with the server's parser: a lexeme or a position made differently here would
lose a hit without a sound. Compared on every turn of the shared corpus (QMSum's 129k included)
and on hostile text, both as `tsvector_text` makes it and as the rows are stored by a bulk import
and by `add_record` (the texts it leaves to the server included).
"""

from __future__ import annotations

import tarfile
from collections.abc import Iterator
from pathlib import Path

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
