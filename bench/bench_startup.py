"""Start-up through the command line, the way a user starts the bot: `python -m bot ask … '!help'`.

Every figure is the median wall time of separate processes, next to `python -c pass` timed in the
same run (Python's own start). Three starts:

- the sample meeting from its snapshot (what `verbatim ask '!help'` costs a user every time);
- a corpus from its snapshot (the cache is warm);
- a cold start from the record files (an empty cache folder every run): MB of record files per
  second, end to end — process start, imports, reading, building, saving the snapshot, answering.

Corpora: the real QMSum records (unpacked to a temporary folder from ../shared/corpus), altered
copies of the ICANN sample (text), and optionally QMSum-style JSON of `--turns` turns.

    .venv/bin/python bench/bench_startup.py [--runs 5] [--copies 300] [--turns 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
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


def timed(args: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return took


def median(args: list[str], env: dict[str, str], cwd: Path, runs: int, fresh_cache: Path | None = None) -> float:
    """Median wall time of `runs` processes; with `fresh_cache`, that folder is emptied before each one."""
    times = []
    for _ in range(runs):
        if fresh_cache is not None:
            shutil.rmtree(fresh_cache, ignore_errors=True)
        times.append(timed(args, env, cwd))
    return statistics.median(times)


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
    args = options.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp_name:
        tmp = Path(tmp_name)
        cwd = tmp / "cwd"  # not the repository: the CLI must not depend on the current folder
        cwd.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VERBATIM_", "DISCORD_", "PYTHONDONTWRITEBYTECODE"))}
        # as after `pip install` (which compiles every module): bytecode cached, here in a temp folder
        env |= {"PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
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

        print(f"Start-up through the CLI — medians of {args.runs} processes; shared 2-core machine, noisy\n")
        timed([*python, "-c", "import bot.__main__, bot.corpus, bot.console, parser.readers.registry"], env, cwd)  # bytecode
        baseline = median([*python, "-c", "pass"], env, cwd, args.runs)
        print(f"  python -c pass (baseline)                      {baseline * 1000:8.0f} ms")

        def after(seconds: float) -> str:
            return f"{(seconds - baseline) * 1000:6.0f} ms after Python's start"

        sample_cache = tmp / "cache-sample"
        sample_env = env | {"VERBATIM_CACHE_DIR": str(sample_cache)}
        timed([*ask, "!help"], sample_env, cwd)  # writes the sample's snapshot
        help_start = median([*ask, "!help"], sample_env, cwd, args.runs)
        print(f"  ask '!help' (sample, from its snapshot)        {help_start * 1000:8.0f} ms   {after(help_start)}")
        imports = median([*python, "-c", "import bot.__main__, bot.corpus, bot.console"], env, cwd, args.runs)
        print(f"  imports of ask (bot.__main__, corpus, console) {imports * 1000:8.0f} ms   {after(imports)}")

        for label, folder in corpora:
            size = folder_bytes(folder)
            cache = tmp / f"cache-{folder.name}"
            corpus_env = env | {"VERBATIM_CACHE_DIR": str(cache)}
            command = [*ask, "--corpus", str(folder), "!help"]
            cold = median(command, corpus_env, cwd, args.runs, fresh_cache=cache)
            timed(command, corpus_env, cwd)  # the snapshot for the warm starts
            warm = median(command, corpus_env, cwd, args.runs)
            print(f"\n{label}: {size / 1e6:.1f} MB of record files")
            print(f"  cold start from the records                    {cold:8.2f} s    {size / 1e6 / cold:5.1f} MB/s end to end")
            print(f"  start from the snapshot                        {warm:8.2f} s")


if __name__ == "__main__":
    main()
