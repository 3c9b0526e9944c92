"""Autocomplete per keystroke with 50,000 meetings: the index against a scan of every name.

`.venv/bin/python bench/bench_suggest.py` (~30 s). 50,000 meetings with QMSum-like titles and
ids; each keystroke of a few typed titles is answered by `suggest` (the index made once per
store) and by a scan of every entry (what each keystroke cost before). Medians and p95 in ms;
the two give the same suggestions (checked here).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.discord_adapter.exts._suggest import Entry, Suggestions, suggest
from parser.text import fold

MEETINGS = 50_000
WORDS = "budget product remote control design kickoff evaluation meeting review ICANN At-Large LACRALO".split()


def scan(candidates: list[Entry], current: str, limit: int = 25) -> list[Entry]:
    """Every entry looked at for every keystroke: the way suggestions were made before the index."""
    typed = fold(current).strip()
    if not typed:
        return candidates[:limit]
    words = typed.split()
    ranked = []
    for at, e in enumerate(candidates):
        rank = None
        for key in e.keys:
            if all(any(k.startswith(w) for k in key.split()) for w in words):
                rank = 0
                break
        if rank is None and any(typed in key for key in e.keys):
            rank = 1
        if rank is not None:
            ranked.append((rank, at, e))
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [e for _, _, e in ranked[:limit]]


def main() -> int:
    rng = random.Random(5)
    entries = []
    for n in range(MEETINGS):
        title = " ".join(rng.sample(WORDS, 4)) + f" {n}"
        entries.append(Entry(title, f"m{n}", (fold(f"ES{n:06d}"), fold(title)), MEETINGS - n))
    start = time.perf_counter()
    index = Suggestions(entries)
    made = time.perf_counter() - start
    typed = []
    for title in ("budget review 4711", "lacralo design", "ES012345", "zzz nothing", "remote kick"):
        typed += [title[:k] for k in range(1, len(title) + 1)]
    fast, slow = [], []
    for text in typed:
        start = time.perf_counter()
        got = suggest(index, text)
        fast.append(time.perf_counter() - start)
        start = time.perf_counter()
        want = scan(entries, text)
        slow.append(time.perf_counter() - start)
        assert got == want, text

    def ms(values: list[float]) -> str:
        ordered = sorted(values)
        return f"median {statistics.median(values) * 1000:7.2f} ms   p95 {ordered[int(0.95 * (len(ordered) - 1))] * 1000:7.2f} ms"

    print(f"Autocomplete, {MEETINGS:,} meetings, {len(typed)} keystrokes (same answers both ways)")
    print(f"  index made once per store   {made * 1000:7.0f} ms (off the event loop, when the store loads)")
    print(f"  index, per keystroke        {ms(fast)}")
    print(f"  scan of every name (before) {ms(slow)}")
    print(f"  the index is {statistics.median(slow) / statistics.median(fast):.0f}× faster (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
