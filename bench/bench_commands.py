"""Start-up and per-command latency on the sample meeting and on 1,000 altered copies of it.

Prints medians (the machines are shared and noisy) next to brute-force rapidfuzz — every turn,
folded once beforehand, compared with the query by `partial_ratio` — measured in the same run on
the same queries.

    .venv/bin/python bench/bench_commands.py [--copies 1000] [--queries 60]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core import answer  # noqa: E402
from bot.corpus import build_store  # noqa: E402
from parser.index.store import TurnStore  # noqa: E402
from parser.readers.icann import is_label  # noqa: E402
from parser.text import fold  # noqa: E402

SAMPLE = ROOT / "bot" / "samples" / "icann70-lacralo-roundtable-fr.txt"


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def p95_ms(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


def altered_copies(folder: Path, copies: int, rng: random.Random) -> int:
    """Write `copies` versions of the sample with one word in six replaced; return bytes written."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    vocabulary = sorted({w for line in lines for w in line.split() if w.isalpha() and len(w) > 3})
    total = 0
    for n in range(copies):
        out = []
        for line in lines:
            if not line.strip() or is_label(line.strip()) or line.startswith(("---", "**")):
                out.append(line)
                continue
            words = line.split(" ")
            for i in range(len(words)):
                if rng.random() < 1 / 6:
                    words[i] = rng.choice(vocabulary)
            out.append(" ".join(words))
        text = "\n".join(out)
        (folder / f"copy-{n:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text.encode("utf-8"))
    return total


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def damaged_queries(store: TurnStore, count: int, rng: random.Random) -> list[tuple[str, int]]:
    """(query, turn it came from): a 5–9 word span, lower-cased, accents dropped, one typo."""
    queries = []
    candidates = [i for i, t in enumerate(store.turns) if len(t.text.split()) >= 12]
    while len(queries) < count:
        turn_id = rng.choice(candidates)
        words = store.turns[turn_id].text.split()
        n = rng.randint(5, 9)
        start = rng.randrange(0, len(words) - n)
        span = strip_accents(" ".join(words[start : start + n]).lower())
        letters = [i for i, c in enumerate(span) if c.isalpha()]
        i = rng.choice(letters)
        span = span[:i] + span[i + 1 :]  # one typo: a letter dropped
        queries.append((span, turn_id))
    return queries


def time_calls(fn: Callable[[str], object], queries: list[str]) -> list[float]:
    samples = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        samples.append(time.perf_counter() - t0)
    return samples


def same_text(store: TurnStore, a: int, b: int) -> bool:
    """A copy's turn may be word for word the original's: finding either is right."""
    return store.folded[a] == store.folded[b]


def bench(label: str, paths: list[Path], size_bytes: int, n_queries: int, rng: random.Random) -> None:
    starts = []
    store = None
    for _ in range(3):
        t0 = time.perf_counter()
        store, _ = build_store(paths, cache_dir=None)
        starts.append(time.perf_counter() - t0)
    assert store is not None
    with tempfile.TemporaryDirectory() as cache:
        build_store(paths, cache_dir=Path(cache))  # writes the snapshot
        snapshot_starts = []
        for _ in range(3):
            t0 = time.perf_counter()
            build_store(paths, cache_dir=Path(cache))
            snapshot_starts.append(time.perf_counter() - t0)
    queries = damaged_queries(store, n_queries, rng)
    texts = [q for q, _ in queries]
    folded_turns = list(store.folded)  # folded once, before timing: brute force at its best
    prefix = "!"

    def run(message: str):
        return asyncio.run(answer(store, message, prefix))

    whosaid_replies = {}

    def whosaid(q: str) -> None:
        whosaid_replies[q] = run(f"!whosaid {q}")

    quote_t = time_calls(lambda q: run(f"!quote {q}"), texts)
    whosaid_t = time_calls(whosaid, texts)
    names = [s.name.split()[-1].lower() for s in store.speakers.speakers]
    speaker_t = time_calls(lambda q: run(f"!speaker {q}"), [rng.choice(names) for _ in texts])
    brute_hits = {}

    def brute(q: str) -> None:
        brute_hits[q] = process.extractOne(fold(q), folded_turns, scorer=fuzz.partial_ratio)

    brute_sample = texts[: max(5, n_queries // 4)] if len(store) > 20_000 else texts
    brute_t = time_calls(brute, brute_sample)

    def top1(turn_of: Callable[[str], int | None], sample: list[tuple[str, int]]) -> float:
        right = 0
        for q, origin in sample:
            found = turn_of(q)
            right += found is not None and same_text(store, found, origin)
        return 100 * right / len(sample)

    def whosaid_turn(q: str) -> int | None:
        reply = whosaid_replies[q]
        if not reply.hits:
            return None
        hit = reply.hits[0]
        return store.meeting_range[hit.meeting_id][hit.turn_index]

    ours_acc = top1(whosaid_turn, queries)
    brute_acc = top1(lambda q: brute_hits[q][2], [(q, t) for q, t in queries if q in brute_hits])
    mb = size_bytes / 1e6
    print(f"\n{label}: {len(store.meetings)} meetings, {len(store)} turns, {mb:.1f} MB of records")
    print(f"  start-up (parse + index)   median {median_ms(starts):9.1f} ms   ({mb / statistics.median(starts):.1f} MB/s)")
    print(f"  start-up from snapshot     median {median_ms(snapshot_starts):9.1f} ms")
    print(f"  !quote                     median {median_ms(quote_t):9.2f} ms   p95 {p95_ms(quote_t):9.2f} ms")
    print(
        f"  !whosaid                   median {median_ms(whosaid_t):9.2f} ms   p95 {p95_ms(whosaid_t):9.2f} ms"
        f"   top-1 {ours_acc:5.1f} %"
    )
    print(f"  !speaker                   median {median_ms(speaker_t):9.2f} ms   p95 {p95_ms(speaker_t):9.2f} ms")
    print(
        f"  brute force partial_ratio  median {median_ms(brute_t):9.2f} ms   p95 {p95_ms(brute_t):9.2f} ms"
        f"   top-1 {brute_acc:5.1f} %   ({len(brute_sample)} queries)"
    )
    ratio = statistics.median(brute_t) / statistics.median(whosaid_t)
    if ratio >= 1:
        print(f"  !whosaid is {ratio:.1f}× the speed of brute force")
    else:  # a meeting of a few dozen turns: the command's parsing and reply cost more than comparing them all
        print(f"  !whosaid takes {1 / ratio:.1f}× the time of brute force")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"Verbatim command benchmark — medians; {args.queries} damaged queries per corpus (seed {args.seed})")
    bench("sample meeting", [SAMPLE], SAMPLE.stat().st_size, args.queries, rng)
    with tempfile.TemporaryDirectory() as tmp:
        size = altered_copies(Path(tmp), args.copies, rng)
        bench(f"{args.copies} altered copies", [Path(tmp)], size, args.queries, rng)


if __name__ == "__main__":
    main()
