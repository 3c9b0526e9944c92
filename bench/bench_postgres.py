"""PostgreSQL store benchmark on the QMSum records: import, size on disk, latency, top-1, memory.

    nice -n 10 .venv/bin/python bench/bench_postgres.py [--turns 1000000] [--guilds 1000] [--queries 100]

The corpus is `bench.corpus`'s (QMSum, then changed copies), made a meeting at a time so that ten
million turns never sit in memory, in a process of its own into a scratch file before the import
is timed (its CPU is reported apart; reading the file back is the import's): QMSum
itself is the shared records (guild 0), the copies are spread over `--guilds` servers in runs of
meetings. It is written to a new database on the
server (`VERBATIM_BENCH_DATABASE_URL`, default the local test server) with COPY
(`python -m parser --into`'s path), then a sample of meetings again one at a time as `/add`
writes them. Damaged quotes (`bench.corpus.make_queries`) of a few guilds' own turns are asked
in those guilds (their records and the shared ones), and quotes of shared turns in a DM (shared
records only), by `!quote`'s and `!whosaid`'s search steps; the same queries go to an in-memory
`TurnStore` of exactly what that guild sees, in the same run. The PostgreSQL side runs in a child
process holding nothing but the store, so its resident memory is what a bot's would be. The
database is dropped at the end unless `--keep`. Times are medians over the queries; the machine
is shared, so every figure is noisy.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import pickle
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import ARCHIVE, Source, _permutations, _swap, make_queries, read_meetings, unpack  # noqa: E402
from bench.store_queries import outside_records  # noqa: E402

URL = os.environ.get("VERBATIM_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
SCOPES = 4  # guilds whose own turns are quoted
CHUNK = 64  # meetings the corpus' process pickles at a time


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _cpu_of(pid: str) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerCpu:
    """CPU seconds of the server processes working for one database (its backends, and their parallel
    workers of index builds), sampled every 0.2 s from /proc while in use: a bulk import's several
    connections come and go. Same host only; 0 when /proc does not show them."""

    def __init__(self, database: str) -> None:
        self.database = database.encode()
        self.seen: dict[str, float] = {}
        self.others: set[str] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, daemon=True)

    def _sample(self) -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit() or pid in self.others:
                continue
            if pid not in self.seen:  # a process met for the first time: one of ours?
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if not (command.startswith(b"postgres: ") and (self.database in command or self._helps_ours(command))):
                    self.others.add(pid)
                    continue
            self.seen[pid] = max(self.seen.get(pid, 0.0), _cpu_of(pid))

    def _helps_ours(self, command: bytes) -> bool:
        """A parallel worker of one of our backends (other people's index builds have theirs)."""
        leader = command.rsplit(b"parallel worker for PID ", 1)[-1].split()[0] if b"parallel worker for PID " in command else b""
        return leader.decode() in self.seen

    def _poll(self) -> None:
        while not self.stop.wait(0.2):
            self._sample()

    def __enter__(self) -> ServerCpu:
        self._sample()
        self.start = dict(self.seen)
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop.set()
        self.thread.join()
        self._sample()
        self.seconds = sum(cpu - self.start.get(pid, 0.0) for pid, cpu in self.seen.items())


def stream(source: Source, size: int, seed: int = 1) -> Iterator[tuple[int, str, list[tuple[str, str]]]]:
    """(copy, meeting name, turns) of `build_corpus(source, size)`, one meeting at a time."""
    order = source[:]
    random.Random(seed).shuffle(order)
    total = sum(len(t) for _, t in order)
    mappings = _permutations(source, -(-size // total), seed)
    left = size
    for k, mapping in enumerate(mappings):
        for name, turns in order:
            if left <= 0:
                return
            chosen = turns[:left] if not k else [(s, _swap(c, mapping)) for s, c in turns[:left]]
            left -= len(chosen)
            yield k, (f"{name}~{k}" if k else name), chosen


def _produce(source: Source, size: int, path: Path) -> None:
    """The child's side of `made_before`: `stream`'s meetings with their text's bytes, pickled in chunks."""
    chunk: list[tuple[int, str, list[tuple[str, str]], int]] = []
    with path.open("wb") as out:
        for k, name, turns in stream(source, size):
            chunk.append((k, name, turns, sum(len(s.encode()) + len(c.encode()) for s, c in turns)))
            if len(chunk) >= CHUNK:
                pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
                chunk = []
        pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)


def made_before(source: Source, size: int, folder: Path, cpu: dict[str, float]) -> Path:
    """`stream(source, size)`, each meeting with its text's bytes, made in a child process (forked:
    it has `source` already) into a scratch file in `folder`, before the import's clock starts:
    the import's rate is the import's, as `python -m parser --into` times it once the files are
    read (making the changed copies cost a seventh of the machine's CPU while the import ran).
    Reading the file back (`read_made`) is in the import's time. The child's CPU seconds go in `cpu["corpus"]`."""
    path = folder / "corpus.pickle"
    context = multiprocessing.get_context("fork")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    child = context.Process(target=_produce, args=(source, size, path), daemon=True)
    child.start()
    child.join()
    if child.exitcode:
        raise RuntimeError(f"the corpus' process failed ({child.exitcode})")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu["corpus"] = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return path


def read_made(path: Path) -> Iterator[tuple[int, str, list[tuple[str, str]], int]]:
    """The meetings `made_before` wrote, a chunk at a time: ten million turns never sit in memory."""
    with path.open("rb") as chunks:
        while True:
            try:
                yield from pickle.load(chunks)
            except EOFError:
                return


def record(name: str, turns: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    from parser.models import Meeting, Record, Turn

    meeting = Meeting(id=name, title=name, language="en", format="json")
    # as a reader makes them (`Turn.trusted`): the import is measured, not the validation of what it is given
    return Record(meeting=meeting, turns=[Turn.trusted(name, i, s, c) for i, (s, c) in enumerate(turns)])


def right(text: str, is_quoted_turn: bool, query: dict[str, str]) -> bool:
    """The quoted turn, or one holding the quoted words (or the words meant) exactly, after folding."""
    from parser.text import fold

    if is_quoted_turn:
        return True
    folded = fold(text)
    return any(re.search(rf"(?<!\S){re.escape(fold(w))}(?!\S)", folded) for w in (query["original"], query["meant"]))


# the child: PostgreSQL queries only ------------------------------------------------------------


def ask_postgres(url: str, queries_file: Path) -> dict[str, object]:
    """`!quote`'s and `!whosaid`'s search steps against PgStore for every query; times, answers, memory."""
    from bot.commands.quote import CLOSE_ENOUGH, CLOSEST
    from parser.index.postgres.store import PgStore

    asked = json.loads(queries_file.read_text())
    store = PgStore(url)
    store.find_words(None, "warm up")
    out: dict[str, object] = {"rss_start": _rss()}
    for command in ("quote", "whosaid"):
        times, answers = [], []
        for q in asked:
            guild = q["guild"]
            began = time.perf_counter()
            if command == "quote":
                found, _ = store.find_words(guild, q["text"])
                if not (found and found[0].score >= CLOSE_ENOUGH):
                    closest = [f for f in store.find_closest(guild, q["text"], limit=CLOSEST) if f.score >= CLOSE_ENOUGH]
                    if closest and (not found or closest[0].score > found[0].score):
                        found = closest
            else:
                found = store.find_phrase(guild, q["text"], shown=5).hits or store.find_closest(guild, q["text"], limit=5)
            times.append(time.perf_counter() - began)
            top = found[0].turn if found else None
            answers.append([top.meeting_id, top.index, top.text] if top else None)
        out[command] = {"times": times, "answers": answers}
    out["rss_end"] = _rss()
    store.close()
    return out


# the parent: corpus, import, in-memory baseline, report ---------------------------------------


def ask_memory(scopes: dict[int | None, list], queries: list[dict]) -> dict[str, object]:  # type: ignore[type-arg]
    from bot.commands.quote import search_quote
    from parser.index.memory_archive import archive_of
    from parser.index.search import find_closest, find_phrase
    from parser.index.store import TurnStore

    out: dict[str, dict[str, list]] = {"quote": {"times": [], "answers": []}, "whosaid": {"times": [], "answers": []}}  # type: ignore[type-arg]
    for guild, records in scopes.items():
        store = TurnStore(records)
        mine = [q for q in queries if q["guild"] == guild]
        for command in ("quote", "whosaid"):
            for q in mine:
                began = time.perf_counter()
                if command == "quote":
                    hits = list(search_quote(archive_of(store), q["text"])[0][:1])
                else:
                    hits = find_phrase(store, q["text"]) or find_closest(store, q["text"], limit=5)
                out[command]["times"].append(time.perf_counter() - began)
                turn = store.turns[hits[0].turn_id] if hits else None
                out[command]["answers"].append([turn.meeting_id, turn.index, turn.text] if turn else None)
        del store
    return out  # type: ignore[return-value]


def summary(result: dict, queries: list[dict]) -> dict[str, dict[str, float]]:  # type: ignore[type-arg]
    table = {}
    for command in ("quote", "whosaid"):
        times, answers = result[command]["times"], result[command]["answers"]
        hits = [
            a is not None and right(a[2], (a[0], a[1]) == (q["meeting"], q["index"]), q)
            for a, q in zip(answers, queries, strict=True)
        ]
        table[command] = {
            "p50_ms": 1000 * statistics.median(times),
            "p95_ms": 1000 * _percentile(times, 0.95),
            "top1": sum(hits) / len(hits),
        }
    return table


def _ask_child(code: Path, url: str, queries_file: str) -> dict:  # type: ignore[type-arg]
    """The queries through the commands of the checkout at `code`, against PostgreSQL, in a process of its own."""
    script = code / "bench" / "bench_postgres.py"
    child = subprocess.run(
        [sys.executable, str(script), "--child-commands", url, queries_file], capture_output=True, text=True, check=True
    )
    return json.loads(child.stdout)  # type: ignore[no-any-return]


def run_commands(
    url: str, kept: dict, outside: Source, count: int, baseline: Path | None = None, rounds: int = 1, saved: Path | None = None
) -> dict[str, object]:  # type: ignore[type-arg]
    """The three query families (`bench.store_queries`) of each scope, as `!quote` and `!whosaid`
    through the commands: PostgreSQL in a process of its own (its resident memory is the bot's),
    memory on a store of exactly what each scope sees, in this one; side by side.

    With `baseline` (another checkout), its code asks PostgreSQL too, in turn with this one's
    (`rounds` times each, baseline first): a paired comparison on the same database and load."""
    from bench.store_queries import ask_memory as memory_commands
    from bench.store_queries import differ, families, score

    asked: list[dict] = []  # type: ignore[type-arg]
    for k, guild in enumerate([*sorted(g for g in kept if g is not None), None]):
        own = kept[guild]
        source = [(r.meeting.id, [(t.speaker, t.text) for t in r.turns]) for r in own]
        asked += [{**vars(a)} for a in families(source, outside, guild, count, seed=30 + k)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(asked, f)
    if saved is not None:
        saved.write_text(json.dumps(asked))
        if not rounds:
            return {"queries": len(asked), "saved": str(saved)}
    runs: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    for k in range(rounds):
        if baseline is not None:
            runs.append((f"baseline{k + 1}", _ask_child(baseline, url, f.name)))
        runs.append((f"postgres{k + 1}" if rounds > 1 or baseline is not None else "postgres", _ask_child(ROOT, url, f.name)))
    os.unlink(f.name)
    scopes = {g: ([*kept[None], *kept[g]] if g is not None else kept[None]) for g in kept}
    memory = memory_commands(scopes, asked)
    pg = runs[-1][1]
    out: dict[str, object] = {
        "queries": len(asked),
        "pg_rss_MB": round(pg["rss_end"] / 1e6, 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],  # 1, 5, 15 min, when PostgreSQL's runs ended
    }
    for label, pick in (("guild", lambda q: q["guild"] is not None), ("shared", lambda q: q["guild"] is None)):
        idx = [i for i, q in enumerate(asked) if pick(q)]
        sub = [asked[i] for i in idx]
        for name, result in [*runs, ("memory", memory)]:
            out[f"{label}/{name}"] = score({c: [result[c][i] for i in idx] for c in ("quote", "whosaid")}, sub)
    for name, result in runs:
        out[f"answers_differ/{name}"] = differ({c: result[c] for c in ("quote", "whosaid")}, memory)
    return out


class _Phases(logging.Handler):
    """The bulk import's phases (rows written, indexes built, statistics), in seconds, from the writer's log."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: list[float] = []
        self.writer = logging.getLogger("parser.index.postgres.writer")

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("bulk import:"):
            self.seconds = [round(float(x), 1) for x in record.args[1:]]  # type: ignore[index]

    def __enter__(self) -> _Phases:
        self.writer.addHandler(self)
        self.level_before = self.writer.level
        self.writer.setLevel(logging.INFO)
        return self

    def __exit__(self, *exc: object) -> None:
        self.writer.removeHandler(self)
        self.writer.setLevel(self.level_before)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--guilds", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=100, help="per kind of scope (guilds, shared)")
    parser.add_argument("--added", type=int, default=40, help="meetings written again one at a time, as /add does")
    parser.add_argument("--streams", type=int, default=None, help="connections the bulk import writes on (default: the writer's)")
    parser.add_argument("--processes", type=int, default=None, help="worker processes making its rows (default: the writer's)")
    parser.add_argument("--keep", action="store_true", help="leave the database (its name is printed)")
    parser.add_argument(
        "--family",
        type=int,
        default=40,
        help="queries of each family (damaged, remembered, outside) per scope, through the commands",
    )
    parser.add_argument("--no-steps", action="store_true", help="skip the search steps' run (only the commands')")
    parser.add_argument(
        "--reuse", metavar="DATABASE", help="ask a database a run with the same --turns and --guilds kept, not importing again"
    )
    parser.add_argument("--baseline", type=Path, help="another checkout whose code asks PostgreSQL in turn with this one's")
    parser.add_argument("--prefix", default="verbatim_bench", help="the new database's name begins so")
    parser.add_argument("--save-queries", type=Path, help="write the commands' queries (JSON) here, to profile them")
    parser.add_argument("--rounds", type=int, default=1, help="runs of the commands' queries on PostgreSQL, each code")
    parser.add_argument("--child", nargs=2, metavar=("URL", "QUERIES"), help=argparse.SUPPRESS)
    parser.add_argument("--child-commands", nargs=2, metavar=("URL", "QUERIES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(ask_postgres(args.child[0], Path(args.child[1]))))
        return 0
    if args.child_commands:
        from bench.store_queries import ask_postgres as ask_commands

        print(json.dumps(ask_commands(args.child_commands[0], json.loads(Path(args.child_commands[1]).read_text()))))
        return 0

    import psycopg
    from psycopg.conninfo import make_conninfo

    from parser.index.postgres.schema import migrate
    from parser.index.postgres.writer import add_record, import_records

    name = args.reuse or f"{args.prefix}_{uuid.uuid4().hex[:8]}"
    if not args.reuse:
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    url = make_conninfo(URL, dbname=name)
    scratch = tempfile.TemporaryDirectory(prefix="verbatim-corpus-")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            source = read_meetings(unpack(ARCHIVE, Path(tmp)))
        shared_meetings = len(source)
        lengths = [len(t) for _, t in source]
        total = sum(lengths)
        rest = -(-max(0, args.turns - total) // total) * shared_meetings  # meetings past QMSum's own, at most
        if args.turns % total:
            left, short = args.turns % total, 0
            for n in lengths:  # the last copy stops part-way: count the meetings it holds (order is shuffled, so roughly)
                if left <= 0:
                    short += 1
                left -= n
            rest -= short
        rng = random.Random(16)
        chosen = set(rng.sample(range(1, args.guilds + 1), SCOPES))
        kept: dict[int | None, list] = {None: [], **{g: [] for g in chosen}}  # type: ignore[type-arg]
        sample: list = []  # type: ignore[type-arg]
        text_bytes = 0
        corpus_cpu: dict[str, float] = {}
        corpus = made_before(source, args.turns, Path(scratch.name), corpus_cpu)

        def records() -> Iterator:  # type: ignore[type-arg]
            nonlocal text_bytes
            for n, (k, meeting, turns, nbytes) in enumerate(read_made(corpus)):
                guild = 0 if k == 0 else 1 + (n - shared_meetings) * args.guilds // max(1, rest)
                text_bytes += nbytes
                made = record(meeting, turns)
                if guild == 0 or guild in chosen:
                    kept[None if guild == 0 else guild].append(made)
                if len(sample) < args.added and k and n % 7 == 0:
                    sample.append((guild, made))
                guilds[made.meeting.id] = guild
                yield made

        guilds: dict[str, int] = {}
        if args.reuse:  # the same corpus, made again for the queries; the database has it
            made = sum(1 for _ in records())
            with psycopg.connect(url) as conn:
                size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
            done, copy_seconds, client_cpu, server_cpu = {"turns": args.turns, "meetings": made}, float("nan"), 0.0, 0.0
            workers_cpu = 0.0
            add_times, added_bytes, add_seconds = [], 0, float("nan")
            phases = _Phases()
        else:
            with psycopg.connect(url) as conn:
                migrate(conn)
                conn.commit()
                client_cpu = time.process_time()
                children = resource.getrusage(resource.RUSAGE_CHILDREN)
                with ServerCpu(name) as server:
                    began = time.perf_counter()
                    streams = {} if args.streams is None else {"streams": args.streams}
                    if args.processes is not None:
                        streams["processes"] = args.processes
                    with _Phases() as phases:
                        done = import_records(conn, records(), guild_of=lambda r: guilds[r.meeting.id], **streams)
                    copy_seconds = time.perf_counter() - began
                server_cpu, client_cpu = server.seconds, time.process_time() - client_cpu
                after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the writer's workers
                workers_cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
                added_bytes, began = 0, time.perf_counter()
                add_times = []
                for guild, made in sample:
                    one = time.perf_counter()
                    add_record(
                        conn,
                        made.model_copy(update={"meeting": made.meeting.model_copy(update={"id": made.meeting.id + "+"})}),
                        guild,
                    )
                    add_times.append(time.perf_counter() - one)
                    added_bytes += sum(len(t.speaker.encode()) + len(t.text.encode()) for t in made.turns)
                add_seconds = time.perf_counter() - began
                conn.commit()
                conn.autocommit = True
                conn.execute("VACUUM (ANALYZE) search_turns")
                size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
        # Queries: damaged quotes of each chosen guild's own turns, and of shared turns asked in a DM.
        queries: list[dict] = []  # type: ignore[type-arg]
        for guild in [*sorted(chosen), None]:
            own = kept[guild] if guild is not None else kept[None]
            src = [(r.meeting.id, [(t.speaker, t.text) for t in r.turns]) for r in own]
            flat = [(r.meeting.id, t.index) for r in own for t in r.turns]
            count = max(1, args.queries // SCOPES) if guild is not None else max(1, args.queries)
            for q in make_queries(src, count, seed=16 + (guild or 0)):
                meeting, index = flat[q.turn_id]
                queries.append(
                    {"guild": guild, "text": q.text, "original": q.original, "meant": q.meant, "meeting": meeting, "index": index}
                )
        scopes = {g: ([*kept[None], *kept[g]] if g is not None else kept[None]) for g in [*sorted(chosen), None]}
        commands = (
            run_commands(
                url,
                kept,
                outside_records(ROOT.parent / "shared" / "corpus"),
                args.family,
                args.baseline,
                args.rounds,
                args.save_queries,
            )
            if args.family
            else {}
        )
        if args.no_steps:  # one query of each scope kind: the import's figures still come with the resident memory
            queries = [next(q for q in queries if q["guild"] is not None), next(q for q in queries if q["guild"] is None)]
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(queries, f)
        child = subprocess.run([sys.executable, __file__, "--child", url, f.name], capture_output=True, text=True, check=True)
        os.unlink(f.name)
        pg = json.loads(child.stdout)
        memory = ask_memory(scopes, queries)
        report = {
            "turns": done["turns"],
            "meetings": done["meetings"],
            "guilds": args.guilds,
            "text_MB": round(text_bytes / 1e6, 1),
            "copy_MB_per_s": round(text_bytes / 1e6 / copy_seconds, 2),
            "copy_seconds": round(copy_seconds, 1),
            "copy_phases_s": phases.seconds,  # rows written, indexes built, statistics (the writer's log)
            "copy_streams": args.streams,
            "copy_client_cpu_s": round(client_cpu, 1),  # the import, and the records made of the corpus' tuples
            "copy_workers_cpu_s": round(workers_cpu, 1),  # the writer's worker processes (rows.RowMaker)
            "corpus_cpu_s": round(corpus_cpu.get("corpus", 0.0), 1),  # making the corpus, in its own process, before
            "copy_server_cpu_s": round(server_cpu, 1),
            "add_MB_per_s": round(added_bytes / 1e6 / max(add_seconds, 1e-9), 2),
            "add_p50_ms": round(1000 * statistics.median(add_times), 1) if add_times else None,
            "database_MB": round(size / 1e6),
            "pg_rss_MB": round(pg["rss_end"] / 1e6, 1),
            "queries": {
                "guild": sum(q["guild"] is not None for q in queries),
                "shared": sum(q["guild"] is None for q in queries),
            },
        }
        for label, pick in (("guild", lambda q: q["guild"] is not None), ("shared", lambda q: q["guild"] is None)):
            idx = [i for i, q in enumerate(queries) if pick(q)]
            sub = [queries[i] for i in idx]
            for store_name, result in (("postgres", pg), ("memory", memory)):
                part = {
                    c: {"times": [result[c]["times"][i] for i in idx], "answers": [result[c]["answers"][i] for i in idx]}
                    for c in ("quote", "whosaid")
                }
                report[f"{label}/{store_name}"] = summary(part, sub)
        differ = []
        for command in ("quote", "whosaid"):
            for q, a, b in zip(queries, pg[command]["answers"], memory[command]["answers"], strict=True):
                if (a or [None, None])[:2] != (b or [None, None])[:2]:
                    differ.append(
                        {
                            "command": command,
                            "query": q["text"],
                            "quoted": [q["meeting"], q["index"]],
                            "postgres": a[:2] if a else None,
                            "memory": b[:2] if b else None,
                        }
                    )
        report["top1_differs"] = {c: sum(d["command"] == c for d in differ) for c in ("quote", "whosaid")}
        report["differ_sample"] = differ[:12]
        report["commands"] = commands
        print(json.dumps(report, indent=1))
    finally:
        scratch.cleanup()
        if args.keep or args.reuse:
            print(f"kept database {name}", file=sys.stderr)
        else:
            with psycopg.connect(URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return 0


if __name__ == "__main__":
    sys.exit(main())
