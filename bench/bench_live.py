"""Adding a record from the chat to a large store: how long until it answers, against rebuilding the store.

The store is QMSum repeated with changes (`bench.corpus`) up to `--turns`; the record added is 40
turns of a QMSum meeting as a WebVTT file, read from its bytes as `/add` reads it. Timed, each
`--runs` times on the same store (medians: the machine is shared and noisy):

- extend: the new store made (`parser.index.live.extended`);
- first quote: extend, then `!quote` in that server finding a phrase of the new record;
- another server: its first `!quote` on the new store (which makes its view: the speakers it sees);
- first !speaker: then `!speaker` in that server, of a label the new record shares with many
  meetings (the words of every turn it spoke, in the new store);
- add via library: `Library.add` on a SQLite database in a temporary folder (read, extend,
  commit), then the first quote — what `/add` costs end to end, Discord aside;
- baseline, once: building a store from every record, the new one included.

    .venv/bin/python bench/bench_live.py [--turns 1000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import ARCHIVE, build_corpus, read_meetings, records, unpack  # noqa: E402
from bot import core  # noqa: E402
from bot.library import Library  # noqa: E402
from config.settings import Settings  # noqa: E402
from parser.index.live import extended  # noqa: E402
from parser.index.store import TurnStore  # noqa: E402
from parser.models import Record  # noqa: E402
from parser.readers.loader import read_bytes  # noqa: E402

GUILD = 1234
NEW_TURNS = 40


def as_vtt(turns: list[tuple[str, str]]) -> bytes:
    cues = ["WEBVTT", ""]
    for n, (speaker, words) in enumerate(turns):
        start, end = 10 * n, 10 * n + 8
        cues += [
            f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}.000 --> "
            f"{end // 3600:02d}:{end // 60 % 60:02d}:{end % 60:02d}.000",
            f"<v {speaker}>{words}",
            "",
        ]
    return "\n".join(cues).encode()


def scoped(record: Record) -> Record:
    return record.model_copy(update={"meeting": record.meeting.model_copy(update={"scope": GUILD})})


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = read_meetings(unpack(args.archive, Path(tmp) / "qmsum"))
        corpus = build_corpus(source, args.turns)
        name, turns = source[-1]
        # Alternate speakers so the record keeps 40 turns (a reader joins one speaker's cues).
        chosen = [(t[0] if i % 2 else f"{t[0]} (chair)", t[1]) for i, t in enumerate(turns[:NEW_TURNS])]
        data = as_vtt(chosen)
        new = scoped(read_bytes(data, Path(f"added-{name}.vtt")))
        assert len(new.turns) == NEW_TURNS, len(new.turns)
        phrase = " ".join(max((t.text for t in new.turns), key=len).split()[:6])
        question = f'!quote "{phrase}" meeting:{new.meeting.id}'

        started = time.perf_counter()
        store = TurnStore(records(corpus))
        built = time.perf_counter() - started
        print(f"store: {len(store):,} turns, {len(store.meetings):,} meetings, built in {built:.1f} s")

        label = new.turns[1].speaker  # a QMSum label (a role or a code) that other meetings have too
        extend, first, others, speakers = [], [], [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            live, _ = extended(store, [new])
            t1 = time.perf_counter()
            reply = asyncio.run(core.answer(live.view(GUILD), question))
            t2 = time.perf_counter()
            assert not reply.error and reply.hits and reply.hits[0].meeting_id == new.meeting.id, reply
            asyncio.run(core.answer(live.view(GUILD + 1), "!quote budget"))
            t3 = time.perf_counter()
            said = asyncio.run(core.answer(live.view(GUILD), f"!speaker {label}"))
            t4 = time.perf_counter()
            assert not said.error, said
            extend.append(t1 - t0)
            first.append(t2 - t0)
            others.append(t3 - t2)
            speakers.append(t4 - t3)
            del live

        through = []
        settings = Settings(_env_file=None, data_dir=Path(tmp) / "data")  # type: ignore[call-arg]
        library = Library.open(store, settings)
        for run in range(args.runs):
            t0 = time.perf_counter()
            meeting, _ = library.add(GUILD, 1, f"run{run}-{name}.vtt", data, "attachment")
            reply = asyncio.run(core.answer(library.view(GUILD), f'!quote "{phrase}" meeting:{meeting.id}'))
            through.append(time.perf_counter() - t0)
            assert not reply.error, reply
        library.close()

        t0 = time.perf_counter()
        TurnStore([*records(corpus), new])
        rebuild = time.perf_counter() - t0

    first_ms = median_ms(first)
    print(f"adding {NEW_TURNS} turns to {len(store):,} turns, median of {args.runs} runs (shared 2-core machine: noisy)")
    print(f"  extend the store           {median_ms(extend):8.0f} ms")
    print(f"  extend + first !quote      {first_ms:8.0f} ms")
    print(f"  another server's first     {median_ms(others):8.0f} ms  (its view of the new store made, then !quote)")
    print(f"  then a first !speaker      {median_ms(speakers):8.0f} ms  ({label!r}, in that server)")
    print(f"  Library.add + first !quote {median_ms(through):8.0f} ms  (SQLite commit included)")
    print(f"  baseline: rebuild          {rebuild * 1000:8.0f} ms  ({rebuild * 1000 / first_ms:.0f}× extend + first !quote)")


if __name__ == "__main__":
    main()
