"""Faults the real discord.py client meets on Discord, and the bot still answering after each."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest

import bot.discord_adapter.exts._shared
from bot.corpus import build_store
from bot.discord_adapter.client import ShardedVerbatimBot, VerbatimBot, make_bot
from bot.replies import APOLOGY
from parser.index.store import TurnStore
from tests.conftest import ROOT, SAMPLE
from tests.fake_discord import FakeDiscord, Sent, bot_on_fake, make_settings, running
from tests.fake_discord.payloads import MESSAGE_CONTENT_INTENT

Env = tuple[FakeDiscord, VerbatimBot]


@pytest.fixture
async def env(store: TurnStore) -> AsyncIterator[Env]:
    async with bot_on_fake(store) as running_bot:
        yield running_bot


async def ask(fake: FakeDiscord, text: str, **how: object) -> Sent:
    mark = await fake.say(text, **how)  # type: ignore[arg-type]
    return await fake.next_sent(mark, what=f"an answer to {text!r}")


async def test_a_429_on_send_is_waited_out_and_retried(env: Env) -> None:
    fake, _ = env
    messages = rf"/channels/{fake.channel['id']}/messages"
    fake.rate_limit_next("POST", messages, retry_after=0.05)
    sent = await ask(fake, "!quote DAAR")
    assert sent.embed["title"] == "1 turn matches “DAAR”"
    assert fake.requests.count(("POST", messages)) == 2
    assert len(fake.sent) == 1


async def test_a_dropped_gateway_is_resumed_and_missed_events_arrive(env: Env) -> None:
    fake, _ = env
    await fake.drop(code=4000)
    sent = await ask(fake, "!quote DAAR")
    session = fake.gateway.sessions[None]
    assert sent.embed["title"] == "1 turn matches “DAAR”"
    assert session.resumes == 1 and len(fake.gateway.identifies) == 1
    assert (await ask(fake, "!speaker goran")).embed["title"].startswith("GÖRAN MARBY")


async def test_an_exception_in_a_command_is_logged_and_the_bot_answers_the_next(
    env: Env, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake, _ = env
    real = bot.discord_adapter.exts._shared.render

    def broken_once(reply: object) -> object:
        monkeypatch.setattr(bot.discord_adapter.exts._shared, "render", real)
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(bot.discord_adapter.exts._shared, "render", broken_once)
    with caplog.at_level(logging.ERROR):
        apology = await ask(fake, "!quote DAAR")
    assert apology.embed["description"] == APOLOGY
    failure = next(r for r in caplog.records if r.getMessage() == "command quote failed")
    assert failure.exc_info is not None and "a bug of ours" in str(failure.exc_info[1])
    assert (await ask(fake, "!quote DAAR")).embed["title"] == "1 turn matches “DAAR”"
    interaction = await fake.slash("quote", words="DAAR")
    assert (await fake.message_for(interaction)).embed["title"] == "1 turn matches “DAAR”"


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    return folder


async def reload(fake: FakeDiscord) -> tuple[Sent, Sent]:
    """`!reload` by the owner: the immediate answer, then the outcome."""
    mark = await fake.say("!reload", author=fake.owner)
    started = await fake.next_sent(mark)
    outcome = await fake.next_sent(mark + 1, what="the outcome of the reload")
    return started, outcome


async def test_reload_swaps_in_new_records_and_keeps_the_old_on_failure(records: Path) -> None:
    store, _ = build_store([records])
    async with bot_on_fake(store, corpus=[records]) as (fake, running_bot):
        refused = await ask(fake, "!reload", author=fake.bob)
        assert refused.embed["description"] == "Only the bot's owner can use `!reload`."

        (records / "2021-04-01-extra.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Ana Lima>Extra words.\n")
        started, outcome = await reload(fake)
        assert started.embed["title"].startswith("Reloading the records in the background")
        assert outcome.embed["title"].startswith("Reloaded 2 meetings")
        assert (await ask(fake, "!meetings")).embed["title"].startswith("2 meetings loaded")

        serving = running_bot.store
        for path in records.iterdir():
            path.unlink()
        (records / "broken.txt").write_bytes(b"\x00\x01\x02 not a record")
        _, outcome = await reload(fake)
        assert outcome.embed["description"].startswith("Reload failed; the previous records keep serving.")
        assert running_bot.store is serving
        assert (await ask(fake, "!quote DAAR")).embed["title"] == "1 turn matches “DAAR”"


async def test_sync_is_owner_only_never_automatic_and_every_option_is_described(env: Env) -> None:
    fake, _ = env
    assert not [r for r in fake.requests if r[0] == "PUT"]
    refused = await fake.slash("sync", user=fake.alice)
    assert (await fake.message_for(refused)).ephemeral
    assert fake.commands == {}

    synced = await ask(fake, "!sync", author=fake.owner)
    assert synced.embed["title"].startswith("Synced 15 slash commands to every server")
    names = {c["name"] for c in fake.commands["global"]}
    asking = {"quote", "whosaid", "speaker", "context", "meetings", "stats", "help"}
    servers = {"add", "remove", "config", "watch", "watches", "unwatch"}
    assert asking | servers | {"reload", "sync"} == names
    for command in fake.commands["global"]:
        assert command["description"] != "…"
        assert all(o["description"] != "…" for o in command.get("options", []))

    here = await ask(fake, "!sync here", author=fake.owner)
    assert here.embed["title"].startswith("Synced 15 slash commands to this server")
    assert len(fake.commands[fake.channel["guild_id"]]) == 15
    assert "needs a server" in (await ask(fake, "!sync here", author=fake.owner, dm=True)).embed["description"]


async def test_without_the_message_content_intent_the_bot_explains_and_slash_still_works(
    store: TurnStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.discord_adapter.client"):
        async with bot_on_fake(store, fake=FakeDiscord(app_flags=0)) as (fake, running_bot):
            interaction = await fake.slash("quote", words="DAAR")
            assert (await fake.message_for(interaction)).embed["title"] == "1 turn matches “DAAR”"
            assert running_bot.user is not None
            mention = await ask(fake, f"<@{running_bot.user.id}> quote DAAR")
            assert mention.embed["title"] == "1 turn matches “DAAR”"
    assert not fake.gateway.identifies[0]["intents"] & MESSAGE_CONTENT_INTENT
    assert any("Message Content Intent" in r.getMessage() for r in caplog.records)


async def test_two_processes_each_run_their_shard(store: TurnStore) -> None:
    fake = FakeDiscord(shard_count=2)
    await fake.start()
    try:
        bots = [make_bot(make_settings(shard_count=2, shard_ids=[n]), [], store) for n in (0, 1)]
        assert all(isinstance(b, ShardedVerbatimBot) and isinstance(b, discord.AutoShardedClient) for b in bots)
        async with running(fake, bots[0], shard=0), running(fake, bots[1], shard=1):
            assert sorted(tuple(i["shard"]) for i in fake.gateway.identifies) == [(0, 2), (1, 2)]
            second = fake.guilds[1]["channels"][0]
            sent = await ask(fake, "!quote DAAR", channel=second)
            assert sent.data["channel_id"] == second["id"]
            assert [g.id for g in bots[1].guilds] == [int(fake.guilds[1]["id"])]
            assert [g.id for g in bots[0].guilds] == [int(fake.guilds[0]["id"])]
    finally:
        await fake.close()


@pytest.mark.slow
async def test_sigterm_closes_the_real_process_cleanly(tmp_path: Path) -> None:
    fake = FakeDiscord()
    await fake.start()
    script = (
        "import sys, yarl; from discord.http import Route; from discord.gateway import DiscordWebSocket;"
        f"Route.BASE = {fake.api_base!r};"
        f"DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake.ws_base + '/gateway'!r});"
        "from bot.__main__ import main; sys.exit(main(['run', '--corpus', sys.argv[1]]))"
    )
    environment = dict(os.environ, DISCORD_TOKEN=fake.token, PYTHONPATH=str(ROOT))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(SAMPLE), cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for(lambda: None in fake.gateway.sessions, timeout=30, what="the process to connect")
        assert (await ask(fake, "!quote DAAR")).embed["title"] == "1 turn matches “DAAR”"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
        await fake.close()
    assert process.returncode == 0, stderr.decode()
    assert fake.gateway.sessions[None].close_codes == [1000]
    logs = stdout.decode()
    assert "signal received: closing the Discord connection" in logs and "closed" in logs
    assert "discord.http" not in logs
