"""The README's table of a `bench_postgres.py` run: `bench_postgres.py … > run.json`, then
`.venv/bin/python bench/postgres_table.py run.json [again.json …]` (a second run with `--reuse`
adds its commands' columns: the same database asked again, its pages read before). An import run
with `--family 0` asks no commands: the first run after it gives them, asked of the database it kept."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

FAMILIES = ("damaged", "remembered", "outside")
SCOPES = (("guild", "in a server"), ("shared", "in a DM"))


def load(path: Path) -> dict[str, Any]:
    text = path.read_text()
    report: dict[str, Any] = json.JSONDecoder().raw_decode(text[text.index("{") :])[0]
    return report


def _ms(row: dict[str, Any] | None) -> str:
    return "—" if row is None else f"{row['p50_ms']:.0f} / {row['p95_ms']:.0f}"


def _top(pg: dict[str, Any], memory: dict[str, Any], kind: str) -> str:
    if kind == "outside":
        alarms = pg.get("false_alarms")
        return "" if alarms is None else f"false alarms {100 * alarms:.1f} % / {100 * memory.get('false_alarms', 0):.1f} %"
    return f"{100 * pg['top1']:.1f} % / {100 * memory['top1']:.1f} %"


def table(first: dict[str, Any], again: list[dict[str, Any]]) -> str:
    if not first.get("commands") and not again:
        raise SystemExit("the run asked no commands (--family 0): give a --reuse run of its database after it")
    asked, again = (first, again) if first.get("commands") else (again[0], again[1:])
    mb = first["text_MB"]
    phases = first.get("copy_phases_s") or []
    lines = [
        f"{first['turns']:,} turns over {first['guilds']:,} servers, records' text {mb:,.1f} MB",
        f"bulk import (COPY)          {first['copy_MB_per_s']:.2f} MB/s ({first['copy_seconds']:.0f} s"
        + (f": rows {phases[0]:.0f} s, indexes {phases[1]:.0f} s, statistics {phases[2]:.0f} s)" if len(phases) == 3 else ")"),
        f"  CPU s per MB              this process {first['copy_client_cpu_s'] / mb:.2f}, its row workers"
        f" {first.get('copy_workers_cpu_s', 0.0) / mb:.2f}, the server {first['copy_server_cpu_s'] / mb:.2f}"
        f" (the benchmark's corpus, made before, {first['corpus_cpu_s'] / mb:.2f})",
        f"/add of one record, p50     {first['add_p50_ms']:.0f} ms",
        f"database on disk            {first['database_MB']:,} MB",
        f"bot process resident        {asked['commands'].get('pg_rss_MB', asked['pg_rss_MB']):.0f} MB (after the queries)",
        "",
        "through the commands         PostgreSQL p50 / p95 ms"
        + "".join("   again p50 / p95" for _ in again)
        + "   memory p50 / p95   top-1 pg / memory",
    ]
    for scope, title in SCOPES:
        count = asked["commands"][f"{scope}/postgres"]["damaged quote"]["n"]
        lines.append(f"{title} ({count} a row)")
        for kind in FAMILIES:
            for command in ("quote", "whosaid"):
                key = f"{kind} {command}"
                pg = asked["commands"][f"{scope}/postgres"][key]
                memory = asked["commands"][f"{scope}/memory"][key]
                label = f"  {kind if command == 'quote' else '':<11} !{command:<8}"
                cells = [f"{_ms(pg):>18}"] + [f"{_ms(a['commands'][f'{scope}/postgres'].get(key)):>17}" for a in again]
                lines.append(label + "".join(cells) + f"{_ms(memory):>19}   {_top(pg, memory, kind)}")
    differ = asked["commands"].get("answers_differ/postgres", {})
    lines.append(
        "answers (verdict and top turn) that differ between the stores:"
        f" {differ.get('quote', 0)} of {3 * sum(asked['commands'][f'{s}/postgres']['damaged quote']['n'] for s, _ in SCOPES)}"
        f" for !quote, {differ.get('whosaid', 0)} for !whosaid"
    )
    loads = [asked["commands"].get("load_average")] + [a["commands"].get("load_average") for a in again]
    lines.append("load average at the commands: " + ", ".join("/".join(f"{x:.1f}" for x in la) for la in loads if la))
    return "\n".join(lines)


if __name__ == "__main__":
    runs = [load(Path(p)) for p in sys.argv[1:]]
    print(table(runs[0], runs[1:]))
