"""The query families asked of both stores through the commands themselves, and how they are scored.

Three families, as the in-memory benchmark makes them (`bench.corpus`): *damaged* spans of one
turn (a typo, a word or two missing, case and accents lost), *remembered* quotes (12–22 words with
a quarter to nearly half left out, some over a sentence end, some with a word changed), and
*outside*: the same kinds of queries made from records that are not loaded (held-out QMSum
meetings and a French record), which no verdict should call close or verbatim. Each query is
asked as `!quote` and `!whosaid` through `bot.core.run` of an `Archive`: the in-memory store and
PostgreSQL answer by the same command code, so any difference is the store's.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench.corpus import Query, Source, make_queries, make_remembered
from parser.text import fold

KINDS = ("damaged", "remembered", "outside")


@dataclass(frozen=True)
class Asked:
    """One query of a family, with the turn it was made from (None for records not loaded)."""

    kind: str
    guild: int | None  # the server it is asked in (None: a DM, the shared records only)
    text: str
    meeting: str | None
    index: int | None
    original: str
    meant: str


def _placed(source: Source, queries: list[Query], kind: str, guild: int | None, loaded: bool) -> list[Asked]:
    """The queries with their turn named by meeting and turn number (ids differ between stores)."""
    where: list[tuple[str, int]] = [(name, i) for name, turns in source for i in range(len(turns))]
    out = []
    for q in queries:
        meeting, index = where[q.turn_id] if loaded and q.turn_id >= 0 else (None, None)
        out.append(Asked(kind, guild, q.text, meeting, index, q.original, q.meant))
    return out


def families(loaded: Source, outside: Source, guild: int | None, count: int, seed: int = 7) -> list[Asked]:
    """`count` damaged and `count` remembered quotes of `loaded` (what `guild` sees of its own or the
    shared records, in record order), and `count` quotes of `outside`, half of each kind."""
    damaged = make_queries(loaded, count, seed=seed)
    remembered = make_remembered(loaded, count, seed=seed + 4)
    away = make_remembered(outside, count // 2, seed=seed + 8, first_id=-1)
    away += make_queries(outside, count - count // 2, seed=seed + 9)
    return [
        *_placed(loaded, damaged, "damaged", guild, True),
        *_placed(loaded, remembered, "remembered", guild, True),
        *_placed(outside, away, "outside", guild, False),
    ]


def right(top: list[Any], q: dict[str, Any]) -> bool:
    """The top hit (meeting, turn number, text) is the quoted turn, or holds the quoted words (or
    the words meant) exactly, after folding."""
    meeting_id, turn_index, text = top
    if (meeting_id, turn_index) == (q["meeting"], q["index"]):
        return True
    folded = fold(text)
    return any(re.search(rf"(?<!\S){re.escape(fold(w))}(?!\S)", folded) for w in (q["original"], q["meant"]))


async def ask(archive_of: Any, queries: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every query as `!quote` and `!whosaid` of `archive_of(guild)`: time, top hit, verdict."""
    from bot.core import run

    out: dict[str, list[Any]] = {"quote": [], "whosaid": []}
    for command in out:
        for q in queries:
            archive = archive_of(q["guild"])
            began = time.perf_counter()
            reply = await run(archive, command, q["text"])
            seconds = time.perf_counter() - began
            hit = reply.hits[0] if getattr(reply, "hits", None) else getattr(reply, "nearest", None)
            verdict = getattr(reply, "verdict", None) or ("hits" if getattr(reply, "hits", None) else "none")
            top = [hit.meeting_id, hit.turn_index, hit.text] if hit is not None and verdict != "not found" else None
            out[command].append([seconds, verdict, top])
    return out


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def score(answers: dict[str, list[Any]], queries: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per family and command: p50/p95 ms, top-1 (loaded families), and for `!whosaid` the share
    with the right turn first and a verdict of close or verbatim (loaded) or any such verdict (outside)."""
    table: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        picked = [k for k, q in enumerate(queries) if q["kind"] == kind]
        if not picked:
            continue
        for command in ("quote", "whosaid"):
            rows = [answers[command][k] for k in picked]
            times = [r[0] for r in rows]
            figures = {"p50_ms": 1000 * statistics.median(times), "p95_ms": 1000 * _percentile(times, 0.95), "n": len(rows)}
            said = [r[1] in ("close", "verbatim") for r in rows]
            if kind == "outside":
                if command == "whosaid":
                    figures["false_alarms"] = sum(said) / len(rows)
            else:
                top = [r[2] is not None and right(r[2], queries[k]) for r, k in zip(rows, picked, strict=True)]
                figures["top1"] = sum(top) / len(rows)
                if command == "whosaid":
                    figures["right_said"] = sum(t and s for t, s in zip(top, said, strict=True)) / len(rows)
            table[f"{kind} {command}"] = figures
    return table


def differ(first: dict[str, list[Any]], second: dict[str, list[Any]]) -> dict[str, int]:
    """How many answers (verdict and top turn) differ between two stores, per command."""

    def said(answer: list[Any]) -> tuple[str, Any]:
        return answer[1], answer[2] and answer[2][:2]

    return {command: sum(said(a) != said(b) for a, b in zip(first[command], second[command], strict=True)) for command in first}


def as_dicts(asked: list[Asked]) -> list[dict[str, Any]]:
    return [asdict(a) for a in asked]


def ask_postgres(url: str, queries: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The queries asked of PostgreSQL (a `PgArchive` per guild, as the bot keeps them), with this
    process's resident memory before and after: run it in a process holding nothing else."""
    import asyncio

    from config.aliases import load_aliases
    from parser.index.postgres.archive import PgArchive
    from parser.index.postgres.store import PgStore

    store = PgStore(url, load_aliases())
    archives: dict[int | None, PgArchive] = {}

    def archive_of(guild: int | None) -> PgArchive:
        if guild not in archives:
            archives[guild] = PgArchive(store, guild)
        return archives[guild]

    asyncio.run(ask(archive_of, [{**queries[0], "text": "warm up"}]))  # the pool's connections, the imports
    rss_start = _rss()
    answers = asyncio.run(ask(archive_of, queries))
    store.close()
    return {**answers, "rss_start": rss_start, "rss_end": _rss()}


def ask_memory(scopes: dict[int | None, list[Any]], queries: Sequence[dict[str, Any]]) -> dict[str, list[Any]]:
    """The queries asked of an in-memory store of exactly what each guild sees, in the queries' order."""
    import asyncio

    from config.aliases import load_aliases
    from parser.index.memory_archive import archive_of
    from parser.index.store import TurnStore

    out: dict[str, list[Any]] = {"quote": [None] * len(queries), "whosaid": [None] * len(queries)}
    for guild, records in scopes.items():
        archive = archive_of(TurnStore(records, load_aliases()))
        mine = [k for k, q in enumerate(queries) if q["guild"] == guild]
        answers = asyncio.run(ask(lambda _, kept=archive: kept, [queries[k] for k in mine]))
        for command, rows in answers.items():
            for k, row in zip(mine, rows, strict=True):
                out[command][k] = row
        del archive
    return out


def _rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


OUTSIDE = ("zoom-vtt", "vtt-voice", "srt", "otter", "markdown", "icann")  # the corpus' records that are not QMSum


def outside_records(corpus: Path) -> Source:
    """Meeting records nobody loads in a QMSum benchmark (English calls and podcasts, a French
    roundtable), read as the bot reads them: the *outside* family's quotes come from these."""
    from parser.readers.loader import load

    loaded = load([corpus / folder for folder in OUTSIDE if (corpus / folder).exists()])
    return [(r.meeting.id, [(t.speaker, t.text) for t in r.turns if t.text.strip()]) for r in loaded.records]
