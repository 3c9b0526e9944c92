"""Two checkouts of the code answer the same queries in turn, on the same store: a paired comparison.

    .venv/bin/python bench/bench_paired.py OLD_CHECKOUT [NEW_CHECKOUT] [--size 1000000] [--rounds 5]
        [--family remembered|damaged] [--command quote|whosaid]

On a machine shared with other work, two runs one after the other measure the load as much as
the code. Here one process per checkout loads the same snapshot (the bench corpus of `--size`
turns, built once) and each query is asked of one then the other (old–new, then new–old),
`--rounds` times; each checkout's times are reported per round and per query (its median and its
fastest over the rounds), wall time and CPU time (`time.process_time`, which the load disturbs
less). Both must save and load snapshots alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def worker(snapshot: Path) -> None:
    """Answer one command per line of stdin with `[wall s, CPU s]` (this checkout's code)."""
    from bot.commands import charts
    from bot.core import answer
    from parser.index.snapshot import load_snapshot

    store = load_snapshot(snapshot, key="bench")
    charts.warm_up().join()
    loop = asyncio.new_event_loop()
    print("ready", flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        wall, cpu = time.perf_counter(), time.process_time()
        loop.run_until_complete(answer(store, command))
        print(json.dumps([time.perf_counter() - wall, time.process_time() - cpu]), flush=True)


def prepare(size: int, folder: Path) -> tuple[Path, dict[str, list[str]]]:
    """The bench corpus' snapshot (this checkout's code) and its query families."""
    from bench.corpus import ARCHIVE, build_corpus, hold_out, make_queries, make_remembered, read_meetings, records, unpack
    from parser.index.snapshot import save_snapshot
    from parser.index.store import TurnStore

    kept, _ = hold_out(read_meetings(unpack(ARCHIVE, folder / "qmsum")))
    corpus = build_corpus(kept, size)
    families = {
        "damaged": [q.text for q in make_queries(corpus, 500)],
        "remembered": [q.text for q in make_remembered(corpus, 500)],
    }
    path = folder / f"bench-{size}.npz"
    save_snapshot(TurnStore(records(corpus)), path, key="bench")
    return path, families


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path, nargs="?", default=ROOT)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--family", choices=("remembered", "damaged"), default="remembered")
    parser.add_argument("--command", choices=("quote", "whosaid"), default="quote")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker)
        return 0
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory(prefix="verbatim-paired-") as tmp:
        snapshot, families = prepare(args.size, Path(tmp))
        checkouts = {"old": args.old.resolve(), "new": args.new.resolve()}
        procs = {
            name: subprocess.Popen(
                [sys.executable, __file__, str(root), "--worker", str(snapshot)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env=env,
                cwd=root,
            )
            for name, root in checkouts.items()
        }

        def ask(name: str, command: str) -> list[float]:
            proc = procs[name]
            assert proc.stdin is not None and proc.stdout is not None
            proc.stdin.write(json.dumps(command) + "\n")
            proc.stdin.flush()
            return list(json.loads(proc.stdout.readline()))

        for proc in procs.values():
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for text in families["damaged"][:200]:  # both warmed alike
            for name in procs:
                ask(name, f"!quote {text}")
        queries = families[args.family]
        times: dict[str, list[list[list[float]]]] = {name: [[] for _ in queries] for name in procs}
        loads = []
        for r in range(args.rounds):
            loads.append(os.getloadavg()[0])
            for k, text in enumerate(queries):
                for name in ("old", "new") if (k + r) % 2 == 0 else ("new", "old"):
                    times[name][k].append(ask(name, f"!{args.command} {text}"))
        for proc in procs.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    print(f"{args.family} !{args.command} at {args.size:,} turns, {args.rounds} rounds; load average at each round's start:")
    print("  " + ", ".join(f"{load:.1f}" for load in loads))
    for name, root in checkouts.items():
        print(f"{name} ({root}), ms:")
        for what, at in (("wall", 0), ("CPU", 1)):
            rounds = [_percentile([1000 * q[r][at] for q in times[name]], 0.95) for r in range(args.rounds)]
            medians = [1000 * statistics.median(x[at] for x in q) for q in times[name]]
            fastest = [1000 * min(x[at] for x in q) for q in times[name]]
            print(
                f"  {what:4s} p95 of each round {', '.join(f'{v:.1f}' for v in rounds)} (median {statistics.median(rounds):.1f});"
                f" of each query's median p50 / p95 {statistics.median(medians):.1f} / {_percentile(medians, 0.95):.1f},"
                f" mean {statistics.mean(medians):.2f}; of its fastest p50 / p95 {statistics.median(fastest):.1f} /"
                f" {_percentile(fastest, 0.95):.1f}"
            )
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--worker":  # a worker runs its checkout's code, not this one's
        sys.path.insert(0, sys.argv[1])
    sys.exit(main())
