"""The first `!stats speaker:…` on a large store: corpus term counts read from the store, against counting every turn.

The store is QMSum repeated with changes (`bench.corpus`) up to `--turns`. Timed `--runs` times,
each on a fresh `TurnStore` sharing the built parts (so nothing is cached yet; medians, the machine
is shared and noisy):

- counted at build: the store as it is served (every turn visible), which reads the term counts
  made while the store was built;
- counting every turn (baseline): the same parts seen through a view of every turn, which takes
  the path views take and every store took before — a Counter of every folded word of every turn;

each asked twice (the second ask finds the corpus counts cached). The build is timed too, with the
time spent adding up term counts in it.

    .venv/bin/python bench/bench_corpus_terms.py [--turns 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import ARCHIVE, build_corpus, read_meetings, records, unpack  # noqa: E402
from bot import core  # noqa: E402
from parser.index.builder import StoreBuilder  # noqa: E402
from parser.index.store import TurnStore  # noqa: E402

QUESTION = '!stats speaker:"Professor C"'


def timed_build(turns: int, archive: Path) -> tuple[TurnStore, float, float]:
    """The store, the seconds its build took, and the seconds of those spent counting terms."""
    spent = [0.0]
    count_terms = StoreBuilder._count_terms

    def counting(self: StoreBuilder, own: np.ndarray, names: np.ndarray) -> None:
        start = time.perf_counter()
        count_terms(self, own, names)
        spent[0] += time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        corpus = build_corpus(read_meetings(unpack(archive, Path(tmp))), turns)
        StoreBuilder._count_terms = counting  # type: ignore[method-assign]
        try:
            start = time.perf_counter()
            store = TurnStore(records(corpus))
            took = time.perf_counter() - start
        finally:
            StoreBuilder._count_terms = count_terms  # type: ignore[method-assign]
    return store, took, spent[0]


def ask_twice(store: TurnStore) -> tuple[float, float]:
    out = []
    for _ in range(2):
        start = time.perf_counter()
        reply = asyncio.run(core.answer(store, QUESTION))
        out.append(time.perf_counter() - start)
        assert getattr(reply, "distinctive", None), reply
    return out[0], out[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    args = parser.parse_args()
    store, took, counting = timed_build(args.turns, args.archive)
    print(f"{len(store):,} turns, {len(store.vocab.words):,} words: built in {took:.1f} s, {counting:.3f} s of it counting terms")
    results: dict[str, list[tuple[float, float]]] = {"counted at build": [], "counting every turn (baseline)": []}
    replies = {}
    for _ in range(args.runs):
        fast = TurnStore(built=store.built)
        slow = TurnStore(built=store.built)
        slow.visible = np.ones(len(store), dtype=bool)  # a view of every turn: the old path
        results["counted at build"].append(ask_twice(fast))
        results["counting every turn (baseline)"].append(ask_twice(slow))
        replies["fast"] = asyncio.run(core.answer(fast, QUESTION))
        replies["slow"] = asyncio.run(core.answer(slow, QUESTION))
    print(f"same reply both ways: {replies['fast'] == replies['slow']}")
    medians = {}
    for name, times in results.items():
        first = statistics.median(t[0] for t in times)
        second = statistics.median(t[1] for t in times)
        medians[name] = first
        print(f"{name:32} first {first * 1000:8.0f} ms   second {second * 1000:8.0f} ms   (median of {len(times)})")
    base, now = medians["counting every turn (baseline)"], medians["counted at build"]
    print(f"first ask: {base / now:.1f}x faster")


if __name__ == "__main__":
    main()
