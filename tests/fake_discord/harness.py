"""Running the project's real bot against the fake Discord, and small records to feed it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.discord_adapter.client import VerbatimBot, make_bot
from config.settings import Settings
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from tests.fake_discord.server import TIMEOUT, FakeDiscord


@contextlib.contextmanager
def pointed_at(fake: FakeDiscord) -> Iterator[None]:
    """discord.py's REST base and default gateway pointed at the fake, restored afterwards."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"{fake.ws_base}/gateway")
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


def make_settings(**overrides: Any) -> Settings:
    """Settings from nothing but the test: no .env, no token, a cooldown no test trips by accident."""
    values: dict[str, Any] = {"discord_token": None, "cooldown_rate": 1000}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def running(fake: FakeDiscord, bot: VerbatimBot, shard: int | None = None) -> AsyncIterator[VerbatimBot]:
    """The bot logged in and identified with the fake; closed cleanly afterwards."""
    with pointed_at(fake):
        task = asyncio.create_task(bot.start(fake.token))
        try:
            ready = asyncio.create_task(fake.ready(shard))
            done, _ = await asyncio.wait({task, ready}, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
            if ready not in done:
                ready.cancel()
                if task in done:
                    task.result()
                raise AssertionError("the bot did not identify with the fake gateway")
            yield bot
        finally:
            await bot.close()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, TIMEOUT)


@contextlib.asynccontextmanager
async def bot_on_fake(
    store: TurnStore | None,
    corpus: Sequence[Path] = (),
    fake: FakeDiscord | None = None,
    defer_after: float | None = None,
    **settings: Any,
) -> AsyncIterator[tuple[FakeDiscord, VerbatimBot]]:
    """A fresh fake Discord with the project's bot connected to it.

    The bot defers a slow answer after `defer_after` seconds: never by default, so that how an
    interaction is answered does not depend on the machine's load; 0 defers every answer.
    """
    fake = fake or FakeDiscord()
    await fake.start()
    try:
        bot = make_bot(make_settings(**settings), list(corpus), store)
        bot.defer_after = defer_after
        async with running(fake, bot):
            yield fake, bot
        assert not fake.unexpected, f"the bot called endpoints the fake does not serve: {fake.unexpected}"
    finally:
        await fake.close()


def vtt(speakers_and_words: Sequence[tuple[str, str]]) -> str:
    """A WebVTT record, one cue per (speaker, words), ten seconds apart."""
    cues = ["WEBVTT", ""]
    for n, (speaker, words) in enumerate(speakers_and_words):
        start, end = 10 * n, 10 * n + 8
        cues += [
            f"00:{start // 60:02d}:{start % 60:02d}.000 --> 00:{end // 60:02d}:{end % 60:02d}.000",
            f"<v {speaker}>{words}",
            "",
        ]
    return "\n".join(cues)


def write_meetings(folder: Path, count: int) -> list[Path]:
    """`count` small dated meetings, so `meetings` has more than one page."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"2021-03-{n + 1:02d}-weekly-call-{n + 1}.vtt"
        path.write_text(vtt([("Ana Lima", f"Welcome to call {n + 1} about DNS abuse."), ("Bob Stone", "Thank you, Ana.")]))
        paths.append(path)
    return paths


def records_of(*meetings: tuple[Meeting, Sequence[tuple[str, str]]]) -> list[Record]:
    """Records made in memory: each meeting with its (speaker, words) turns, three turns a page."""
    return [
        Record(
            meeting=meeting,
            turns=[
                Turn(meeting_id=meeting.id, index=i, speaker=speaker, text=words, page=1 + i // 3)
                for i, (speaker, words) in enumerate(turns)
            ],
        )
        for meeting, turns in meetings
    ]


def store_of(*meetings: tuple[Meeting, Sequence[tuple[str, str]]]) -> TurnStore:
    """A turn store of records made in memory."""
    return TurnStore(records_of(*meetings))
