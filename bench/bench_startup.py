"""Start-up through the command line, the way a user starts the bot: `python -m bot ask … '!help'`.

Every figure is the median of separate processes, next to `python -c pass` timed in the same run
(Python's own start): wall time, and CPU time (user + system), which a loaded machine inflates far
less. With `--against`, another checkout is timed in turn with this one. Three starts:

- the sample meeting from its snapshot (what `verbatim ask '!help'` costs a user every time);
- a corpus from its snapshot (the cache is warm);
- a cold start from the record files (an empty cache folder every run): MB of record files per
  second, end to end — process start, imports, reading, building, saving the snapshot, answering.

Corpora: the real QMSum records (unpacked to a temporary folder from ../shared/corpus), altered
copies of the ICANN sample (text), and optionally QMSum-style JSON of `--turns` turns.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--copies 300] [--turns 1000000] [--against OTHER_CHECKOUT]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_commands import altered_copies  # noqa: E402
from bench.corpus import ARCHIVE, build_corpus, read_meetings, unpack  # noqa: E402

CACHE = "VERBATIM_CACHE_DIR"


def timed(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def medians(
    args: list[str], envs: list[dict[str, str]], cwd: Path, runs: int, fresh: str | None = None
) -> list[tuple[float, float]]:
    """Median wall and CPU times of `runs` processes per environment, taken in turn (the load changes
    within a minute here); with `fresh`, the folder that environment variable names is emptied first."""
    times: list[list[tuple[float, float]]] = [[] for _ in envs]
    for _ in range(runs):
        for env, out in zip(envs, times, strict=True):
            if fresh is not None:
                shutil.rmtree(env[fresh], ignore_errors=True)
            out.append(timed(args, env, cwd))
    return [(statistics.median(w for w, _ in t), statistics.median(c for _, c in t)) for t in times]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def write_json_records(folder: Path, turns: int) -> None:
    """QMSum-style JSON of `turns` turns: the real meetings, then changed copies (bench/corpus.py)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = read_meetings(unpack(ARCHIVE, Path(tmp)))
    for n, (name, meeting) in enumerate(build_corpus(source, turns)):
        data = {"meeting_transcripts": [{"speaker": s, "content": c} for s, c in meeting]}
        (folder / f"{n:05d}-{name.replace('/', '_')}.json").write_text(json.dumps(data), encoding="utf-8")


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    options.add_argument("--runs", type=int, default=5, help="processes per figure (median)")
    options.add_argument("--copies", type=int, default=300, help="altered copies of the ICANN sample")
    options.add_argument("--turns", type=int, default=0, help="also a QMSum-style corpus of this many turns")
    options.add_argument(
        "--against", type=Path, help="another checkout, timed in turn with this one (its cache must follow VERBATIM_CACHE_DIR)"
    )
    args = options.parse_args()
    checkouts = [ROOT, *([args.against.resolve()] if args.against else [])]

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp_name:
        tmp = Path(tmp_name)
        cwd = tmp / "cwd"  # not the repository: the CLI must not depend on the current folder
        cwd.mkdir()
        base = {k: v for k, v in os.environ.items() if not k.startswith(("VERBATIM_", "DISCORD_", "PYTHONDONTWRITEBYTECODE"))}
        # as after `pip install` (which compiles every module): bytecode cached, here in a temp folder
        base["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")

        def envs(cache: str) -> list[dict[str, str]]:
            return [base | {"PYTHONPATH": str(c), CACHE: str(tmp / f"{cache}-{n}")} for n, c in enumerate(checkouts)]

        python = [sys.executable]
        ask = [*python, "-m", "bot", "ask"]

        corpora: list[tuple[str, Path]] = []
        qmsum = tmp / "qmsum"
        unpack(ARCHIVE, qmsum)
        corpora.append(("QMSum JSON (232 meetings, 129k turns)", qmsum))
        icann = tmp / "icann"
        icann.mkdir()
        altered_copies(icann, args.copies, random.Random(3))
        corpora.append((f"ICANN text ({args.copies} altered copies of the sample)", icann))
        if args.turns:
            big = tmp / "big"
            big.mkdir()
            write_json_records(big, args.turns)
            corpora.append((f"QMSum-style JSON, {args.turns:,} turns", big))

        print(f"Start-up through the CLI — medians of {args.runs} processes; shared 2-core machine, noisy")
        print("columns: " + " | ".join(str(c) for c in checkouts) + "\n")
        imports = [*python, "-c", "import bot.__main__, bot.corpus, bot.console"]
        sample = envs("cache-sample")
        for env in sample:
            timed([*imports[:-1], imports[-1] + ", parser.readers.registry"], env, cwd)  # bytecode, once
            timed([*ask, "!help"], env, cwd)  # the sample's snapshot
        baseline = medians([*python, "-c", "pass"], sample, cwd, args.runs)

        def row(label: str, figures: list[tuple[float, float]], unit: str = "ms", size: int = 0) -> None:
            cells = []
            for (wall, cpu), (base_wall, _) in zip(figures, baseline, strict=True):
                if unit == "ms":
                    cells.append(f"{wall * 1000:6.0f} ms, {(wall - base_wall) * 1000:5.0f} after start; cpu {cpu * 1000:5.0f} ms")
                else:
                    rate = f" = {size / 1e6 / wall:4.1f} MB/s; cpu {cpu:5.2f} s = {size / 1e6 / cpu:4.1f} MB/s" if size else ""
                    cells.append(f"{wall:6.2f} s{rate}" if size else f"{wall:6.2f} s; cpu {cpu:5.2f} s")
            print(f"  {label:<40}" + " | ".join(cells))

        row("python -c pass (baseline)", baseline)
        row("ask '!help' (sample, from its snapshot)", medians([*ask, "!help"], sample, cwd, args.runs))
        row("imports of ask", medians(imports, sample, cwd, args.runs))

        for label, folder in corpora:
            size = folder_bytes(folder)
            command = [*ask, "--corpus", str(folder), "!help"]
            corpus_envs = envs(f"cache-{folder.name}")
            print(f"\n{label}: {size / 1e6:.1f} MB of record files")
            row("cold start from the records, end to end", medians(command, corpus_envs, cwd, args.runs, CACHE), "s", size)
            for env in corpus_envs:
                timed(command, env, cwd)  # the snapshot for the warm starts
            row("start from the snapshot", medians(command, corpus_envs, cwd, args.runs), "s")


if __name__ == "__main__":
    main()
