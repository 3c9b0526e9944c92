"""Search benchmark on the real QMSum records: build, memory, snapshot, latency and accuracy.

    .venv/bin/python bench/bench_search.py [--sizes 10000,100000,1000000] [--queries 500] [--worst-only]

Each size runs in its own process (so peak memory is that size's alone): it builds a corpus of
that many turns (`bench.corpus`), the turn store from it, saves and reloads a snapshot, asks
`!quote` and `!whosaid` with damaged quotes through the command core, then compares with brute
force — rapidfuzz `process.extract` with `partial_ratio` over every folded turn, folded once — on
a sample of the same queries. A hit is right when it is the quoted turn, or a turn that holds
exactly (after folding) the quoted words, or the words as typed with the typo undone: the best
answer to the query as asked. "Strict" counts only the first two. Everything runs on one core;
times are medians (p50) and 95th percentiles over the queries, and the median of three to five
builds (peak memory is the first build's). Once the snapshot is loaded, charts are warmed up as
the bot warms them up while it logs in (`bot.commands.charts.warm_up`), before any command.

False alarms are queries made from records that are not loaded, called *close* or *verbatim*
(`--outside` of each kind; the damaged-span kind's sample is nested: 1,000 holds the 500's
queries). Each alarm is put in one of three classes, each its own row: the turn says the words
quoted or meant, as top-1 counts them (a loaded meeting said the same thing: a right answer);
else it says every word typed, in order, with at most one other word between them and at most
one word a letter off (`_nearly`: the reply shows that word, but it is not what was quoted, so
it counts as wrong); else it is wrong. `--alarms` lists the wrong ones.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import (  # noqa: E402
    ARCHIVE,
    Query,
    build_corpus,
    hold_out,
    make_queries,
    make_remembered,
    other_language,
    read_meetings,
    records,
    text_bytes,
    unpack,
)
from bench.worst import acronyms_of, precision, worst_cases  # noqa: E402

BRUTE_SAMPLE = {10_000: 200, 100_000: 60, 1_000_000: 15}
OTHER_LANGUAGE = [ROOT / "bot" / "samples" / "icann70-lacralo-roundtable-fr.txt"]
BUILDS = {10_000: 5, 100_000: 5}  # builds timed per size (3 for bigger sizes)


def _status(field: str) -> int:
    """A VmRSS/VmHWM figure of this process, in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    """Make VmHWM start again from the current RSS (Linux ≥ 4.0), so the peak is the build's."""
    Path("/proc/self/clear_refs").write_text("5")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _right(store, turn_id: int, query: Query, strict: bool = False) -> bool:  # type: ignore[no-untyped-def]
    """The quoted turn, or one holding exactly (after folding) the quoted words, or — unless
    `strict` — the words as typed with the typo undone (`Query.meant`: the dropped words left out).

    A turn that says the typed words exactly is the best answer to the query as asked: a quote
    missing its first word ("ensure for the were") that another turn holds word for word is that
    turn's quote as much as the quoted turn's; at a million turns of common words, a few queries
    in a hundred are. (Where a word dropped from the middle changed the sense, "we do agree" for
    "we do not agree", a search can still only answer what was typed.)
    """
    from parser.text import fold

    if turn_id == query.turn_id:
        return True
    text = fold(store.text(turn_id))
    held = (query.original,) if strict else (query.original, query.meant)
    return any(re.search(rf"(?<!\S){re.escape(fold(words))}(?!\S)", text) for words in held)


def _nearly(store, turn_id: int, query: Query) -> bool:  # type: ignore[no-untyped-def]
    """The turn says every word typed, in order, with at most one other word between them and
    at most one word a letter off (inserted, dropped, changed or two swapped)."""
    from rapidfuzz.distance import OSA

    from parser.text import fold

    typed = fold(query.text).split()
    tokens = fold(store.text(turn_id)).split()

    def fits(i: int, j: int, between: int, edits: int) -> bool:
        if i == len(typed):
            return True
        if j >= len(tokens):
            return False
        if tokens[j] == typed[i] and fits(i + 1, j + 1, between, edits):
            return True
        if edits and tokens[j] != typed[i] and OSA.distance(tokens[j], typed[i]) <= 1 and fits(i + 1, j + 1, between, 0):
            return True
        return bool(i and between) and fits(i, j + 1, 0, edits)  # one turn word between two typed ones

    return bool(typed) and any(fits(0, j, 1, 1) for j in range(len(tokens)))


def _accuracy(store, ranked: list[list[int]], queries: list[Query]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Top-1, top-5 and strict top-1 of each query's best turns (ids, best first)."""
    top1 = top5 = strict = 0
    for ids, query in zip(ranked, queries, strict=True):
        right = [_right(store, t, query) for t in ids[:5]]
        top1 += bool(right) and right[0]
        top5 += any(right)
        strict += bool(ids) and _right(store, ids[0], query, strict=True)
    return {"top1": top1 / len(queries), "top5": top5 / len(queries), "top1_strict": strict / len(queries)}


def _turn_id(store, hit) -> int:  # type: ignore[no-untyped-def]
    return store.meeting_range[hit.meeting_id][hit.turn_index]


async def _ask(store, command: str, queries: list[Query]) -> dict[str, float]:  # type: ignore[no-untyped-def]
    from bot.core import answer

    times, ranked = [], []
    verdicts: dict[str, int] = {}
    said = right_said = nearly = 0
    wrong: list[dict[str, str]] = []
    for query in queries:
        start = time.perf_counter()
        reply = await answer(store, f"!{command} {query.text}")
        times.append(time.perf_counter() - start)
        ranked.append([_turn_id(store, h) for h in reply.hits[:5]])
        verdict = getattr(reply, "verdict", None) or ("error" if reply.error else "hits")
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
        if verdict in ("close", "verbatim"):
            said += 1
            right = bool(ranked[-1]) and _right(store, ranked[-1][0], query)
            right_said += right
            if query.turn_id < 0 and not right:
                near = bool(ranked[-1]) and _nearly(store, ranked[-1][0], query)
                nearly += near
                if not near:
                    wrong.append({"query": query.text, "quoted": query.original, "summary": reply.summary or ""})
    known = [q for q in queries if q.turn_id >= 0]
    return {
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * _percentile(times, 0.95),
        **(_accuracy(store, ranked, queries) if len(known) == len(queries) else {}),
        "said": said / len(queries),  # verdict close or verbatim
        "right_said": right_said / len(queries),  # …with the right turn first (from records not loaded:
        # a turn that says the words quoted, or meant, as `_right` takes them: a right answer too)
        "nearly": nearly / len(queries),  # from records not loaded, not right: the turn says them nearly as typed
        "wrong": wrong,  # type: ignore[dict-item]  # …and the rest
        "verdicts": verdicts,  # type: ignore[dict-item]
    }


def _brute(store, queries: list[Query], scorers: tuple[str, ...] = ("plain", "guarded")) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Brute force as specified (partial_ratio over every turn), and with the short-turn guard.

    The guard compares a turn shorter than the query whole (`ratio`), as the old `find_closest`
    did, so that "Yeah ." cannot score 100 against a sentence that contains "yeah".
    """
    import bisect

    from rapidfuzz import fuzz, process

    from parser.text import fold

    folded = [fold(store.text(i)) for i in range(len(store))]
    order = sorted(range(len(folded)), key=lambda i: len(folded[i]))
    by_length = [folded[i] for i in order]
    lengths = [len(f) for f in by_length]
    out: dict[str, dict[str, float]] = {}
    for name in scorers:
        times, ranked = [], []
        for query in queries:
            text = fold(query.text)
            start = time.perf_counter()
            if name in ("plain", "token_set"):
                scorer = fuzz.partial_ratio if name == "plain" else fuzz.token_set_ratio
                found = [(score, i) for _, score, i in process.extract(text, folded, scorer=scorer, limit=5)]
            else:
                cut = bisect.bisect_left(lengths, len(text))
                long = process.extract(text, by_length[cut:], scorer=fuzz.partial_ratio, limit=5)
                short = process.extract(text, by_length[:cut], scorer=fuzz.ratio, limit=5)
                found = [(score, order[cut + i]) for _, score, i in long] + [(score, order[i]) for _, score, i in short]
                found.sort(key=lambda pair: -pair[0])
            times.append(time.perf_counter() - start)
            ranked.append([i for _, i in found[:5]])
        out[name] = {
            "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * _percentile(times, 0.95),
            **_accuracy(store, ranked, queries),
        }
    return out


def child(
    size: int, data: Path, count: int, brute: int, cache: Path, worst_only: bool = False, outside_count: int | None = None
) -> dict[str, object]:
    """Everything measured for one corpus size, in this process (`worst_only`: the build, the
    snapshot and the worst-case list, asked first thing after the snapshot is loaded;
    `outside_count`: queries of each false-alarm kind, `count` unless said)."""
    from parser.index.builder import cycles_unchecked
    from parser.index.snapshot import load_snapshot, save_snapshot
    from parser.index.store import TurnStore

    kept, held = hold_out(read_meetings(data))
    corpus = build_corpus(kept, size)
    megabytes = text_bytes(corpus) / 1e6
    queries = make_queries(corpus, count)
    remembered = make_remembered(corpus, count)
    acronyms = acronyms_of(corpus)
    foreign = other_language(OTHER_LANGUAGE)
    half = (outside_count or count) // 2
    outside = make_remembered(held, half, first_id=-1) + make_remembered(foreign, half, first_id=-1)
    outside_spans = make_queries(held, half) + make_queries(foreign, half)
    outside_spans = [Query(q.text, -1, q.original, q.damage, q.meant) for q in outside_spans]
    records_s = float("inf")
    for _ in range(2):  # the quicker of two: what making the records alone costs, as the build makes them
        with cycles_unchecked():
            start = time.perf_counter()
            for _ in records(corpus):
                pass
            records_s = min(records_s, time.perf_counter() - start)
    # Modules the build imports on first use, and numpy's and the allocator's first arenas, are
    # the process's, not the store's: a small store built first leaves them out of the figure.
    TurnStore(records([(name, turns[:100]) for name, turns in corpus[:10]]))
    gc.collect()
    base = _status("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    store = TurnStore(records(corpus))
    builds = [time.perf_counter() - start]
    peak = _status("VmHWM") - base
    steady = _status("VmRSS") - base
    for _ in range(BUILDS.get(size, 3) - 1):  # the median build time; the memory of the first build
        del store
        gc.collect()
        start = time.perf_counter()
        store = TurnStore(records(corpus))
        builds.append(time.perf_counter() - start)
    build_s = statistics.median(builds)
    turns = len(store)
    del corpus
    path = cache / f"bench-{size}.npz"
    start = time.perf_counter()
    save_snapshot(store, path, key="bench")
    save_s = time.perf_counter() - start
    del store
    gc.collect()
    start = time.perf_counter()
    store = load_snapshot(path, key="bench")
    load_s = time.perf_counter() - start
    assert store is not None and len(store) == turns
    from bot.commands import charts

    charts.warm_up().join()  # as the bot does once its records are loaded, while it logs in
    figures: dict[str, object] = {
        "size": size,
        "turns": turns,
        "text_mb": megabytes,
        "records_s": records_s,
        "build_s": build_s - records_s,
        "build_mb_s": megabytes / (build_s - records_s),
        "with_records_mb_s": megabytes / build_s,
        "peak_mb": peak / 1e6,
        "steady_mb": steady / 1e6,
        "peak_ratio": peak / 1e6 / megabytes,
        "snapshot_mb": path.stat().st_size / 1e6,
        "save_s": save_s,
        "load_s": load_s,
    }
    if worst_only:
        return {**figures, "worst": asyncio.run(worst_cases(store))}
    quote = asyncio.run(_ask(store, "quote", queries))
    whosaid = asyncio.run(_ask(store, "whosaid", queries))
    sample = queries[:brute]
    ours_on_sample = asyncio.run(_ask(store, "whosaid", sample))
    quote_on_sample = asyncio.run(_ask(store, "quote", sample))
    brute_force = _brute(store, sample)
    rem_whosaid = asyncio.run(_ask(store, "whosaid", remembered))
    rem_quote = asyncio.run(_ask(store, "quote", remembered))
    rem_sample = remembered[:brute]
    rem_on_sample = asyncio.run(_ask(store, "whosaid", rem_sample))
    rem_brute = _brute(store, rem_sample, ("guarded", "token_set"))
    alarms = asyncio.run(_ask(store, "whosaid", outside))
    alarms_spans = asyncio.run(_ask(store, "whosaid", outside_spans))
    exact_words = asyncio.run(precision(store, acronyms))
    worst = asyncio.run(worst_cases(store))
    damage: dict[str, int] = {}
    for query in queries:
        for part in query.damage.split(", "):
            damage[part] = damage.get(part, 0) + 1
    return {
        **figures,
        "quote": quote,
        "whosaid": whosaid,
        "sample": len(sample),
        "ours_on_sample": ours_on_sample,
        "quote_on_sample": quote_on_sample,
        "brute": brute_force,
        "damage": damage,
        "remembered": rem_whosaid,
        "remembered_quote": rem_quote,
        "remembered_on_sample": rem_on_sample,
        "remembered_brute": rem_brute,
        "alarms": alarms,
        "alarms_spans": alarms_spans,
        "outside": len(outside),
        "precision": exact_words,
        "worst": worst,
        "queries": len(queries),
    }


def _pct(figures: dict[str, float]) -> str:
    return f"{100 * figures['top1']:.1f} / {100 * figures['top5']:.1f} / {100 * figures['top1_strict']:.1f} %"


def _alarm(figures: dict) -> str:  # type: ignore[type-arg]
    verdicts = figures["verdicts"]
    n = sum(verdicts.values())
    return f"{100 * verdicts.get('close', 0) / n:.1f} / {100 * verdicts.get('verbatim', 0) / n:.1f} %"


def _rest(r: dict) -> str:  # type: ignore[type-arg]
    return f"{100 * len(r['alarms']['wrong']) / r['outside']:.1f} / {100 * len(r['alarms_spans']['wrong']) / r['outside']:.1f} %"


def _wrong(figures: dict, queries: int) -> str:  # type: ignore[type-arg]
    """The share called close or verbatim that is not right, with its count and a 95 % interval
    (Wilson's): at 500 queries, 1 % is five of them."""
    wrong = round((figures["said"] - figures["right_said"]) * queries)
    low, high = _wilson(wrong, queries)
    return f"{100 * wrong / queries:.1f} % ({wrong}; {100 * low:.1f}–{100 * high:.1f})"


def _wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    spread = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return max(0.0, centre - spread), min(1.0, centre + spread)


def _worst(cases: list[dict]) -> str:  # type: ignore[type-arg]
    first = max(c["first_ms"] for c in cases)
    again = max(c["again_ms"] for c in cases)
    return f"{first:.0f} / {again:.0f}"


def _table(results: list[dict]) -> str:  # type: ignore[type-arg]
    rows = [
        ("turns", lambda r: f"{r['turns']:,}"),
        ("text (speakers + words), MB", lambda r: f"{r['text_mb']:.1f}"),
        ("build: s (store; records made apart)", lambda r: f"{r['build_s']:.2f}"),
        ("build: MB/s (store)", lambda r: f"{r['build_mb_s']:.1f}"),
        ("build: MB/s (making pydantic records + store)", lambda r: f"{r['with_records_mb_s']:.1f}"),
        ("peak memory of the build, MB", lambda r: f"{r['peak_mb']:.0f}"),
        ("peak / text", lambda r: f"{r['peak_ratio']:.2f}"),
        ("memory after the build, MB", lambda r: f"{r['steady_mb']:.0f}"),
        ("snapshot: MB on disk", lambda r: f"{r['snapshot_mb']:.0f}"),
        ("snapshot: save s", lambda r: f"{r['save_s']:.2f}"),
        ("snapshot: load s", lambda r: f"{r['load_s']:.2f}"),
        ("!quote p50 / p95 ms", lambda r: f"{r['quote']['p50_ms']:.1f} / {r['quote']['p95_ms']:.1f}"),
        ("!quote top-1 / top-5 / strict top-1", lambda r: _pct(r["quote"])),
        ("!whosaid p50 / p95 ms", lambda r: f"{r['whosaid']['p50_ms']:.1f} / {r['whosaid']['p95_ms']:.1f}"),
        ("!whosaid top-1 / top-5 / strict top-1", lambda r: _pct(r["whosaid"])),
        ("brute force: queries (a sample of the above)", lambda r: f"{r['sample']}"),
        (
            "brute force partial_ratio p50 / p95 ms",
            lambda r: f"{r['brute']['plain']['p50_ms']:.0f} / {r['brute']['plain']['p95_ms']:.0f}",
        ),
        ("brute force partial_ratio top-1 / top-5 / strict top-1", lambda r: _pct(r["brute"]["plain"])),
        ("brute force, short turns whole, top-1 / top-5 / strict top-1", lambda r: _pct(r["brute"]["guarded"])),
        ("!whosaid on the same sample top-1 / top-5 / strict top-1", lambda r: _pct(r["ours_on_sample"])),
        ("!quote on the same sample top-1 / top-5 / strict top-1", lambda r: _pct(r["quote_on_sample"])),
        ("REMEMBERED: !whosaid right turn first and close/verbatim", lambda r: f"{100 * r['remembered']['right_said']:.1f} %"),
        (
            "remembered: !whosaid top-1 / top-5",
            lambda r: f"{100 * r['remembered']['top1']:.1f} / {100 * r['remembered']['top5']:.1f} %",
        ),
        ("remembered: !whosaid p50 / p95 ms", lambda r: f"{r['remembered']['p50_ms']:.1f} / {r['remembered']['p95_ms']:.1f}"),
        (
            "remembered: !quote p50 / p95 ms",
            lambda r: f"{r['remembered_quote']['p50_ms']:.1f} / {r['remembered_quote']['p95_ms']:.1f}",
        ),
        ("remembered, brute-force sample: queries", lambda r: f"{r['sample']}"),
        (
            "  !whosaid right and close/verbatim / top-1",
            lambda r: f"{100 * r['remembered_on_sample']['right_said']:.1f} / {100 * r['remembered_on_sample']['top1']:.1f} %",
        ),
        ("  partial_ratio (short turns whole) top-1", lambda r: f"{100 * r['remembered_brute']['guarded']['top1']:.1f} %"),
        ("  token_set_ratio top-1", lambda r: f"{100 * r['remembered_brute']['token_set']['top1']:.1f} %"),
        ("FALSE ALARMS (records not loaded): queries", lambda r: f"{r['outside']}"),
        ("  remembered kind: called close / verbatim", lambda r: _alarm(r["alarms"])),
        ("  damaged-span kind: called close / verbatim", lambda r: _alarm(r["alarms_spans"])),
        (
            "  …the turn says the words quoted or meant: right (remembered / span kind)",
            lambda r: f"{100 * r['alarms']['right_said']:.1f} / {100 * r['alarms_spans']['right_said']:.1f} %",
        ),
        (
            "  …else it says them nearly as typed: wrong (remembered / span kind)",
            lambda r: f"{100 * r['alarms']['nearly']:.1f} / {100 * r['alarms_spans']['nearly']:.1f} %",
        ),
        ("  …neither: wrong (remembered / span kind)", lambda r: _rest(r)),
        ("  WRONG: all but the right ones, remembered kind", lambda r: _wrong(r["alarms"], r["outside"])),
        ("  WRONG: all but the right ones, damaged-span kind", lambda r: _wrong(r["alarms_spans"], r["outside"])),
        ("!QUOTE OF RARE WORDS / ACRONYMS: words", lambda r: f"{r['precision']['words']} / {r['precision']['acronyms']}"),
        ("  turns said to hold it that do", lambda r: f"{100 * r['precision']['said']:.1f} %"),
        ("  all turns of page 1 that hold it", lambda r: f"{100 * r['precision']['page']:.1f} %"),
        ("WORST CASES: slowest, ms (first ask / again)", lambda r: _worst(r["worst"])),
    ]
    rows = [(name, cell) for name, cell in rows if _measured(cell, results[0])]  # --worst-only: what was measured
    width = max(len(name) for name, _ in rows)
    cols = [f"{r['size']:,} turns" for r in results]
    cells = [[cell(r) for r in results] for _, cell in rows]
    cw = max(18, *(len(c) for c in cols), *(len(c) for row in cells for c in row))
    lines = [f"{'':<{width}}  " + "  ".join(f"{c:>{cw}}" for c in cols)]
    for (name, _), row in zip(rows, cells, strict=True):
        lines.append(f"{name:<{width}}  " + "  ".join(f"{c:>{cw}}" for c in row))
    return "\n".join(lines)


def _measured(cell, result: dict) -> bool:  # type: ignore[no-untyped-def, type-arg]
    try:
        cell(result)
    except KeyError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--brute", type=int, help="brute-force queries per size (default: 200, 60, 15)")
    parser.add_argument("--worst-only", action="store_true", help="only the build, the snapshot and the worst-case list")
    parser.add_argument("--outside", type=int, help="queries of each false-alarm kind (default: --queries)")
    parser.add_argument("--alarms", action="store_true", help="list the false alarms counted wrong")
    args = parser.parse_args()
    if args.child:
        brute = args.brute or BRUTE_SAMPLE.get(args.child, 15)
        print(json.dumps(child(args.child, args.data, args.queries, brute, args.cache, args.worst_only, args.outside)))
        return 0
    results = []
    with tempfile.TemporaryDirectory(prefix="verbatim-bench-") as tmp:
        data = unpack(args.archive, Path(tmp) / "qmsum")
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        for size in (int(s) for s in args.sizes.split(",")):
            command = [sys.executable, __file__, "--child", str(size), "--data", str(data), "--cache", tmp]
            command += ["--queries", str(args.queries)] + (["--brute", str(args.brute)] if args.brute else [])
            command += ["--worst-only"] if args.worst_only else []
            command += ["--outside", str(args.outside)] if args.outside else []
            if hasattr(os, "sched_setaffinity"):
                command = ["taskset", "-c", "0", *command] if _has_taskset() else command
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            result = json.loads(done.stdout.splitlines()[-1])
            results.append(result)
            print(f"{size:,} turns measured in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(_table(results))
    for r in results:
        if "damage" not in r:
            continue
        print(
            f"{r['size']:,}: damage of the {r['queries']} queries: {r['damage']}; !whosaid verdicts: {r['whosaid']['verdicts']}"
        )
        print(f"{r['size']:,}: remembered verdicts {r['remembered']['verdicts']}; outside {r['alarms']['verdicts']}")
        for alarm in (r["alarms"]["wrong"] + r["alarms_spans"]["wrong"]) if args.alarms else []:
            print(f"  wrong alarm: {alarm['query']!r} (quoted: {alarm['quoted']!r}) → {alarm['summary']}")
    last = results[-1]
    print(f"\nworst cases at {last['size']:,} turns (ms, first ask / again):")
    for case in last["worst"]:
        print(f"  {case['first_ms']:7.0f} {case['again_ms']:7.0f}  {case['command'][:70]}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


def _has_taskset() -> bool:
    from shutil import which

    return which("taskset") is not None


if __name__ == "__main__":
    sys.exit(main())
