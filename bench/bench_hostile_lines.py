"""How long each reader takes on one long hostile line (1 MB), next to splitting the text into lines.

Each shape is a run of one of the characters that labels, headings, rules, bullets and cue timings
are made of; every reader's `sniff` and `read` run on it. Medians of 3 runs; the ratio is against
`text.split("\\n")` on the same text, the least any reader does. Usage: .venv/bin/python bench/bench_hostile_lines.py [MB]
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parser.models import RecordError
from parser.readers.registry import READERS

PIECES = [" ", "A", "A ", "*", "**A", "#", ":", "-", "\f", "<v ", "[", ">>", "\u00a0", "0:0"]


def shapes(size: int) -> dict[str, str]:
    out = {}
    for piece in PIECES:
        run = piece * (size // len(piece))
        out[f"{piece!r} run"] = run + "x"
        out[f"**A + {piece!r} run"] = "**A" + run + "x"
        out[f"A + {piece!r} run + :"] = "A" + run + ":"
        out[f"# + {piece!r} run"] = "# " + run + "#x"
    return out


def timed(fn) -> float:
    runs = []
    for _ in range(3):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    size = int(float(sys.argv[1]) * 1_000_000) if len(sys.argv) > 1 else 1_000_000
    print(f"one line of {size / 1e6:.1f} MB per shape; medians of 3 runs (s); ratio against splitting the text")
    worst: list[tuple[float, str, str]] = []
    for name, text in shapes(size).items():
        base = timed(lambda text=text: text.split("\n"))
        for reader in READERS:

            def run(reader=reader, text=text) -> None:
                reader.sniff(text)
                with contextlib.suppress(RecordError):
                    reader.read(text, Path("hostile.md"))

            seconds = timed(run)
            worst.append((seconds, name, f"{reader.name} ({seconds / max(base, 1e-6):.0f}× split)"))
    worst.sort(reverse=True)
    for seconds, name, reader in worst[:10]:
        print(f"  {seconds:7.3f} s  {name:<24} {reader}")
    middle = statistics.median(w[0] for w in worst)
    print(f"slowest: {worst[0][0]:.3f} s; median over {len(worst)} reader × shape pairs: {middle:.4f} s")


if __name__ == "__main__":
    main()
