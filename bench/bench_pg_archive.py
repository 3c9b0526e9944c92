"""The `Archive` questions the commands ask, timed on PostgreSQL (`PgArchive`) and in memory (`MemoryArchive`).

    nice -n 10 .venv/bin/python bench/bench_pg_archive.py [--turns 300000] [--repeats 5]

QMSum (then changed copies, `bench.corpus.build_corpus`, up to `--turns`) is written as the shared
records to a new database on the local server (`VERBATIM_BENCH_DATABASE_URL`) by the bulk writer,
and into a `TurnStore`, in the same run. Each question is asked `--repeats` times of each store
(another word, quote or phrase each time: an archive keeps the last few queries' words and
turns; a new archive each time for speakers, which an archive reads once) and
the medians printed in milliseconds, with PostgreSQL's as a ratio of memory's. Page 1,000 of
a common word is what `!quote the` shows when asked for its 1,000th page. The machine is shared: figures
are noisy, and the load is printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import ARCHIVE, build_corpus, make_queries, read_meetings, records, unpack  # noqa: E402

COMMON = ["the", "and", "that", "yeah", "so", "we", "to"]
PHRASES = ["i think", "you know", "we need", "i mean", "kind of", "at the moment", "a lot of"]
URL = os.environ.get("VERBATIM_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def median_ms(ask: Callable[[int], object], repeats: int) -> float:
    times = []
    for r in range(repeats):
        began = time.perf_counter()
        ask(r)
        times.append(1000 * (time.perf_counter() - began))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=300_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import psycopg
    from psycopg.conninfo import make_conninfo

    from parser.index.memory_archive import archive_of
    from parser.index.postgres.archive import PgArchive
    from parser.index.postgres.store import PgStore
    from parser.index.postgres.writer import import_records
    from parser.index.store import TurnStore

    with tempfile.TemporaryDirectory() as tmp:
        source = build_corpus(read_meetings(unpack(ARCHIVE, Path(tmp))), args.turns)
    quotes = [q.text for q in make_queries(source, 2 * args.repeats, seed=16)]
    name = f"verbatim_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_conninfo(URL, dbname=name)
    try:
        store = PgStore(url)
        store.migrate()
        with psycopg.connect(url) as conn:
            import_records(conn, records(source))
        memory = TurnStore(records(source))
        print(f"{len(memory):,} turns, {len(memory.meetings)} meetings; load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        stores: dict[str, Callable[[], Any]] = {
            "memory": lambda: archive_of(memory.view(None)),
            "postgres": lambda: PgArchive(store, None),
        }
        kept = {kind: make() for kind, make in stores.items()}
        busiest = {kind: sorted(a.speakers.speakers, key=lambda s: -len(s.turn_ids)) for kind, a in kept.items()}
        meetings = list(memory.meetings)[:: max(1, len(memory.meetings) // args.repeats)]

        def page(archive: Any, query: str, number: int) -> list[str]:
            hits = archive.find_words(query)
            return [archive.text(h.turn_id) for h in archive.placed(query, hits[(number - 1) * 5 : number * 5])]

        # each repeat asks another word, quote or phrase: an archive keeps the last queries' words
        questions: dict[str, Callable[[str, Any, int], object]] = {
            "speakers (new archive; memory: built)": lambda kind, a, r: stores[kind]().speakers,
            "!quote <common word>, page 1": lambda kind, a, r: page(a, COMMON[r % len(COMMON)], 1),
            "!quote <common word>, page 1000": lambda kind, a, r: page(a, COMMON[r % len(COMMON)], 1000),
            "!quote <damaged quote>, page 1": lambda kind, a, r: page(a, quotes[r % len(quotes)], 1),
            "closest <damaged quote>": lambda kind, a, r: a.find_closest(quotes[-1 - r % len(quotes)]),
            "<phrase>: phrase, then verbatim": lambda kind, a, r: (
                len(a.find_phrase(PHRASES[r % len(PHRASES)])),
                a.verbatim(PHRASES[r % len(PHRASES)], None, 3),
            ),
            "tally, every meeting": lambda kind, a, r: a.tally(),
            "meeting figures": lambda kind, a, r: a.meeting_figures(meetings[r % len(meetings)]),
            "distinctive words, a busy speaker": lambda kind, a, r: a.distinctive_words(busiest[kind][r % 10], set(), 10),
        }
        print(f"{'question (median of ' + str(args.repeats) + ')':40} {'memory ms':>10} {'postgres ms':>12} {'ratio':>7}")
        for label, ask in questions.items():
            figures = {kind: median_ms(partial(ask, kind, kept[kind]), args.repeats) for kind in stores}
            ratio = figures["postgres"] / max(1e-6, figures["memory"])
            print(f"{label:40} {figures['memory']:10.1f} {figures['postgres']:12.1f} {ratio:7.1f}")
        store.close()
    finally:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
