"""Soak: the real bot process on the fake Discord with a 1M-turn store, quick commands next to heavy ones.

`.venv/bin/python bench/bench_soak.py [--turns N] [--rounds R]` (~5 min at 1M turns). The QMSum
records are written as JSON record files in a temporary folder and the bot is started on them
(`python -m bot run`, its gateway and REST pointed at the fake), with an event-loop lag probe.
Twenty people each send five quick commands (`!quote`, `!whosaid`, `!speaker`), one at a time,
in their DMs: first with nothing else running (idle), then while eight of them run
`!stats speaker:…` (loaded), then again while a reload rebuilds every record too (reload).
Last, a SIGTERM while heavy commands and a reload are still running: how long the process
takes to exit, and its exit code. Figures are medians over the rounds; the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import ARCHIVE, build_corpus, make_queries, read_meetings, unpack  # noqa: E402
from tests.fake_discord import FakeDiscord, payloads  # noqa: E402

PEOPLE = 20
QUICK_EACH = 5
HEAVY = 8

PROBE = """
import asyncio, sys, time, yarl
from discord.http import Route
from discord.gateway import DiscordWebSocket
import bot.discord_adapter.client as client

Route.BASE = sys.argv[1]
DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
serve = client.serve

async def probed(bot, token):
    async def probe():
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.01)
            lag = time.monotonic() - before - 0.01
            if lag > 0.02:
                print(f"LAG {time.time():.3f} {lag * 1000:.1f}", flush=True)
    task = asyncio.create_task(probe())
    try:
        return await serve(bot, token)
    finally:
        task.cancel()

client.serve = probed
import bot.corpus
from pathlib import Path
bot.corpus.build_store.__defaults__ = (None, Path(sys.argv[4]), None)  # the cache in the bench's temp folder
from bot.__main__ import main
sys.exit(main(["run", "--corpus", sys.argv[3]]))
"""


def write_records(corpus: list[tuple[str, list[tuple[str, str]]]], folder: Path) -> None:
    """Each meeting as a QMSum JSON record file, as the dataset publishes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, turns in corpus:
        data = {"meeting_transcripts": [{"speaker": s, "content": c} for s, c in turns]}
        (folder / f"{name.replace('~', '-copy')}.json").write_text(json.dumps(data), encoding="utf-8")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def person(fake: FakeDiscord, who: dict[str, object], commands: list[str]) -> list[float]:
    """One person's quick commands in their DM, each sent once the last was answered: seconds each took."""
    channel = fake.dm_with(who)["id"]
    took = []
    for text in commands:
        mark = len([s for s in fake.sent if s.data["channel_id"] == channel])
        start = time.monotonic()
        await fake.say(text, author=who, dm=True)
        await fake.wait_for(
            lambda c=channel, m=mark: len([s for s in fake.sent if s.data["channel_id"] == c]) > m or None,
            timeout=120,
            what=text,
        )
        took.append(time.monotonic() - start)
    return took


async def heavy(fake: FakeDiscord, people: list[dict[str, object]], speakers: list[str]) -> asyncio.Task[None]:
    """Eight `!stats speaker:…` in the server channel at once; a task that ends when all have answered."""
    mark = len(fake.sent)
    for who, name in zip(people, speakers, strict=False):
        await fake.say(f'!stats speaker:"{name}"', author=who)

    async def answered() -> None:
        channel = fake.channel["id"]
        await fake.wait_for(
            lambda: len([s for s in fake.sent[mark:] if s.data["channel_id"] == channel and s.files]) >= HEAVY or None,
            timeout=600,
            what="the heavy commands",
        )

    return asyncio.create_task(answered())


async def quick_round(fake: FakeDiscord, people: list[dict[str, object]], quick: list[str]) -> tuple[list[float], float, float]:
    """Every person's quick commands at once: (latencies, wall start, wall end)."""
    started = time.time()
    per = await asyncio.gather(*(person(fake, who, quick[n * QUICK_EACH : (n + 1) * QUICK_EACH]) for n, who in enumerate(people)))
    return [t for each in per for t in each], started, time.time()


def lag_in(lags: list[tuple[float, float]], start: float, end: float) -> float:
    return max((ms for at, ms in lags if start <= at <= end), default=0.0)


async def soak(turns: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="verbatim-soak-") as tmp:
        work = Path(tmp)
        print(f"building a {turns:,}-turn corpus from QMSum…", flush=True)
        corpus = build_corpus(read_meetings(unpack(ARCHIVE, work / "qmsum")), turns)
        queries = make_queries(corpus, PEOPLE * QUICK_EACH * rounds, seed=14)
        speakers = [s for s, _ in Counter(s for _, t in corpus for s, _ in t).most_common(40)][10 : 10 + HEAVY]
        records = work / "records"
        write_records(corpus, records)
        del corpus
        size = sum(p.stat().st_size for p in records.iterdir()) / 1e6
        print(f"{len(list(records.iterdir())):,} record files, {size:.0f} MB; starting the bot", flush=True)

        fake = FakeDiscord()
        await fake.start()
        env = dict(
            os.environ,
            DISCORD_TOKEN=fake.token,
            PYTHONPATH=str(ROOT),
            VERBATIM_COOLDOWN_RATE="10000",
            VERBATIM_LOG_LEVEL="WARNING",
        )
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", PROBE, fake.api_base, f"{fake.ws_base}/gateway", str(records), str(work / "cache"),
            cwd=work, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            await fake.wait_for(lambda: None in fake.gateway.sessions or None, timeout=900, what="the bot to connect")
            print(f"bot up in {time.monotonic() - started:.1f} s (records read, indexed, snapshot saved)", flush=True)
            people = [payloads.user(f"person{n}") for n in range(PEOPLE)]
            kinds = ("quote", "whosaid", "quote", "whosaid", "speaker")
            lines = []
            for n, query in enumerate(queries):
                kind = kinds[n % len(kinds)]
                words = query.text if kind != "speaker" else speakers[n % len(speakers)].split()[0]
                lines.append(f"!{kind} {words}")
            await person(fake, people[0], lines[:5])  # warm up

            figures: dict[str, list[float]] = {"idle": [], "loaded": [], "reload": []}
            windows: dict[str, list[tuple[float, float]]] = {"idle": [], "loaded": [], "reload": []}
            heavy_s: list[float] = []
            events: list[tuple[float, str]] = []
            for r in range(rounds):
                quick = lines[r * PEOPLE * QUICK_EACH : (r + 1) * PEOPLE * QUICK_EACH]
                took, a, b = await quick_round(fake, people, quick)
                figures["idle"].append(pct(took, 0.95))
                windows["idle"].append((a, b))

                start = time.monotonic()
                events.append((time.time(), "heavy asked"))
                done = await heavy(fake, people[:HEAVY], speakers)
                took, a, b = await quick_round(fake, people, quick)
                figures["loaded"].append(pct(took, 0.95))
                windows["loaded"].append((a, b))
                await done
                heavy_s.append(time.monotonic() - start)

                (records / "0-touched.json").write_text(
                    json.dumps({"meeting_transcripts": [{"speaker": "Soak", "content": f"round {r} changed the records"}]})
                )
                events.append((time.time(), "reload asked"))
                mark = await fake.say("!reload", author=fake.owner)
                await fake.next_sent(mark, what="the reload's first answer")
                done = await heavy(fake, people[:HEAVY], speakers)
                took, a, b = await quick_round(fake, people, quick)
                figures["reload"].append(pct(took, 0.95))
                windows["reload"].append((a, b))
                await done
                await fake.wait_for(
                    lambda m=mark: any("Reloaded" in str(s.embeds) for s in fake.sent[m:]) or None,
                    timeout=900,
                    what="the reload to end",
                )
                events.append((time.time(), "reload answered"))
                print(f"round {r + 1}: quick p95 idle {figures['idle'][-1] * 1000:.0f} ms, "
                      f"loaded {figures['loaded'][-1] * 1000:.0f} ms, reload {figures['reload'][-1] * 1000:.0f} ms; "
                      f"8 heavy answered in {heavy_s[-1]:.1f} s", flush=True)  # fmt: skip

            # SIGTERM in the middle: heavy commands and a reload running
            (records / "0-touched.json").write_text(
                json.dumps({"meeting_transcripts": [{"speaker": "Soak", "content": "changed once more"}]})
            )
            await fake.say("!reload", author=fake.owner)
            await heavy(fake, people[:HEAVY], speakers)
            await asyncio.sleep(1.0)
            asked = time.monotonic()
            term_at = time.time()
            process.send_signal(signal.SIGTERM)
            stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=300)
            exit_s = time.monotonic() - asked
        finally:
            if process.returncode is None:
                process.kill()
            await fake.close()

        lags = []
        for line in stdout.decode(errors="replace").splitlines():
            if line.startswith("LAG "):
                _, at, ms = line.split()
                lags.append((float(at), float(ms)))
        print()
        print(f"Soak — {turns:,} turns ({size:.0f} MB of QMSum JSON), {PEOPLE} people × {QUICK_EACH} quick commands, "
              f"{HEAVY} heavy; medians of {rounds} rounds")  # fmt: skip
        idle = statistics.median(figures["idle"])
        for phase in ("idle", "loaded", "reload"):
            p95 = statistics.median(figures[phase])
            lag = statistics.median(lag_in(lags, a, b) for a, b in windows[phase])
            print(f"  quick p95 {phase:<7} {p95 * 1000:8.0f} ms   ({p95 / idle:4.1f}× idle)   worst loop lag {lag:6.0f} ms")
        print(f"  8 heavy !stats answered in   {statistics.median(heavy_s):6.1f} s (median)")
        print(f"  worst loop lag over the run  {max((ms for _, ms in lags), default=0):6.0f} ms")
        print(f"  worst loop lag before SIGTERM {max((ms for at, ms in lags if at < term_at), default=0):5.0f} ms")
        print(f"  SIGTERM during heavy + reload: exit in {exit_s:.2f} s, code {process.returncode}")
        named = [(a, b, name) for name, spans in windows.items() for a, b in spans]
        worst = sorted(lags, key=lambda lag: -lag[1])[:8]

        def between(at: float) -> str:
            last = max(((t, label) for t, label in events if t <= at), default=(at, "start"))
            return f"{at - last[0]:.1f} s after {last[1]}"

        where = [next((name for a, b, name in named if a <= at <= b), None) or between(at) for at, _ in worst]
        print("  worst lags: " + ", ".join(f"{ms:.0f} ms ({w})" for (_, ms), w in zip(worst, where, strict=True)))
        if process.returncode != 0:
            print(stderr.decode(errors="replace")[-2000:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(soak(args.turns, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
