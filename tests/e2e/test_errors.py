"""What the bot does when Discord, its owner or its own code goes wrong: refused at start, stale slash
commands, a bug behind a button, a reload asked twice, and the owner's `/sync clear`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

import bot.discord_adapter.views
from bot.discord_adapter.client import VerbatimBot, make_bot, serve
from bot.replies import APOLOGY
from parser.index.store import TurnStore
from tests.conftest import SAMPLE
from tests.facts import DAAR_SPEAKER, DAAR_TURN
from tests.fake_discord import FakeDiscord, Sent, bot_on_fake, make_settings
from tests.fake_discord.harness import pointed_at
from tests.fake_discord.payloads import MESSAGE_CONTENT_INTENT

Env = tuple[FakeDiscord, VerbatimBot]
DAAR = "1 turn matches “DAAR”"


@pytest.fixture
async def env(store: TurnStore) -> AsyncIterator[Env]:
    async with bot_on_fake(store) as running_bot:
        yield running_bot


async def ask(fake: FakeDiscord, text: str, **how: Any) -> Sent:
    mark = await fake.say(text, **how)
    return await fake.next_sent(mark, what=f"an answer to {text!r}")


async def slash(fake: FakeDiscord, name: str, /, **options: Any) -> Sent:
    return await fake.message_for(await fake.slash(name, **options))


# ----- refused at `run` -----


async def run_against(fake: FakeDiscord, store: TurnStore, token: str) -> int:
    """`python -m bot run`'s serving loop, pointed at the fake Discord."""
    await fake.start()
    try:
        with pointed_at(fake):
            return await asyncio.wait_for(serve(make_bot(make_settings(), [], store), token), 30)
    finally:
        await fake.close()


async def test_a_refused_token_is_one_line_and_exit_code_2(store: TurnStore, capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeDiscord()
    assert await run_against(fake, store, "not-" + fake.token) == 2
    assert capsys.readouterr().err == "Discord refused the token: copy it again from the Bot page of your application.\n"
    assert ("GET", "/users/@me") in fake.requests and not fake.gateway.identifies


async def test_a_refused_message_content_intent_is_one_line_and_exit_code_2(
    store: TurnStore, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeDiscord(refused_intents=MESSAGE_CONTENT_INTENT)
    assert await run_against(fake, store, fake.token) == 2
    err = capsys.readouterr().err
    assert err.startswith("Discord refused a privileged intent: enable it") and err.count("\n") == 1
    assert fake.gateway.identifies[0]["intents"] & MESSAGE_CONTENT_INTENT and not fake.gateway.sessions


# ----- slash commands the tree cannot run -----


async def test_a_stale_slash_command_gets_a_hint_and_the_bot_keeps_serving(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    fake, _ = env
    with caplog.at_level(logging.WARNING, logger="bot.discord_adapter.client"):
        removed = await slash(fake, "transcribe", words="DAAR")  # a command this bot no longer has
        reshaped = await slash(fake, "context", turn=3)  # synced before `meeting` became required
    for hint in (removed, reshaped):
        assert hint.ephemeral
        assert hint.embed["description"].startswith("This slash command has changed since it was last synced")
    assert sum(r.getMessage().startswith("stale slash command") for r in caplog.records) == 2
    assert (await slash(fake, "quote", words="DAAR")).embed["title"] == DAAR


async def test_any_other_slash_tree_error_is_logged_and_apologised_for(env: Env, caplog: pytest.LogCaptureFixture) -> None:
    """The tree's error handler, given an error of no known kind on an interaction nobody answered."""
    fake, running_bot = env
    stale = "verbatim:from-an-older-version"  # a button no view listens for
    arrived: asyncio.Future[discord.Interaction[Any]] = asyncio.get_running_loop().create_future()

    async def keep(interaction: discord.Interaction[Any]) -> None:
        if (interaction.data or {}).get("custom_id") == stale and not arrived.done():
            arrived.set_result(interaction)

    running_bot.add_listener(keep, "on_interaction")
    click = await fake.click(await ask(fake, "!quote DAAR"), stale)
    interaction = await asyncio.wait_for(arrived, 10)
    with caplog.at_level(logging.ERROR, logger="bot.discord_adapter.client"):
        await running_bot.tree.on_error(interaction, app_commands.AppCommandError("a bug of ours"))
    apology = await fake.message_for(click)
    assert apology.ephemeral and apology.embed["description"] == APOLOGY
    [failure] = [r for r in caplog.records if r.getMessage() == "slash command failed"]
    assert failure.exc_info is not None and "a bug of ours" in str(failure.exc_info[1])
    assert (await slash(fake, "quote", words="DAAR")).embed["title"] == DAAR


# ----- a bug behind a button -----


async def test_a_buttons_own_bug_is_logged_the_presser_gets_the_apology_and_the_bot_keeps_serving(
    env: Env, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake, _ = env
    real = bot.discord_adapter.views.render

    def broken_once(reply: object) -> object:
        monkeypatch.setattr(bot.discord_adapter.views, "render", real)
        raise RuntimeError("a bug of ours")

    hit = await slash(fake, "quote", words="DAAR")
    monkeypatch.setattr(bot.discord_adapter.views, "render", broken_once)
    with caplog.at_level(logging.ERROR, logger="bot.discord_adapter.views"):
        apology = await fake.message_for(await fake.click(hit, "verbatim:context:0"), after=len(fake.sent))
    assert apology.ephemeral and apology.data["content"] == APOLOGY
    [failure] = [r for r in caplog.records if r.getMessage() == "button verbatim:context:0 failed"]
    assert failure.exc_info is not None and "a bug of ours" in str(failure.exc_info[1])
    again = await fake.message_for(await fake.click(hit, "verbatim:context:0"), after=len(fake.sent))
    assert again.embed["title"].startswith(f"Around turn {DAAR_TURN} of")
    assert (await slash(fake, "speaker", name="goran")).embed["title"].startswith(DAAR_SPEAKER)


# ----- the owner's commands -----


async def test_a_second_reload_while_one_runs_is_told_to_wait_for_the_first(tmp_path: Path, store: TurnStore) -> None:
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(SAMPLE, records / SAMPLE.name)
    aliases = tmp_path / "aliases.toml"
    os.mkfifo(aliases)  # the first reload waits, reading it, until the test writes the aliases
    async with bot_on_fake(store, corpus=[records], aliases=aliases) as (fake, running_bot):
        try:
            mark = await fake.say("!reload", author=fake.owner)
            first = await fake.next_sent(mark)
            assert first.embed["title"].startswith("Reloading the records in the background")
            mark = await fake.say("!reload", author=fake.owner)
            second = await fake.next_sent(mark + 1, what="the answer to the second reload")
            assert second.embed["description"] == "A reload is already running; its result will follow."
            # The reload reads the aliases once in the child that builds the snapshot, maybe again in the
            # bot: each reader that opens the FIFO is given them, until the outcome is sent.
            feeding = asyncio.create_task(feed(aliases, '"GÖRAN MARBY" = ["Goran"]\n'))
            try:
                outcome = await fake.next_sent(mark + 2, what="the outcome of the first reload")
            finally:
                feeding.cancel()
            assert outcome.embed["title"].startswith("Reloaded 1 meeting")
            assert running_bot.store is not store
            assert (await ask(fake, "!quote DAAR")).embed["title"] == DAAR
        finally:
            await release(aliases, running_bot)


async def feed(fifo: Path, text: str) -> None:
    """Give `text` to every reader that opens the FIFO, until cancelled."""
    while True:
        try:
            handle = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # ENXIO while no reader has it open
        except OSError:
            await asyncio.sleep(0.02)
            continue
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        await asyncio.sleep(0.05)  # the reader reads to the end of what was written, then the next may open


async def release(fifo: Path, running_bot: VerbatimBot) -> None:
    """Let a reload still waiting on the FIFO finish (a thread cannot be cancelled), whatever the test did."""
    for _ in range(200):
        if not running_bot.background:
            return
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))  # ENXIO while no reader has it open
        await asyncio.sleep(0.05)
    raise AssertionError("a reload is still running after 10 s")


async def test_sync_clear_removes_this_servers_copy_and_keeps_the_global_one(env: Env) -> None:
    fake, _ = env
    guild = fake.channel["guild_id"]
    await ask(fake, "!sync", author=fake.owner)
    await ask(fake, "!sync here", author=fake.owner)
    published = len(fake.commands["global"])
    assert len(fake.commands[guild]) == published
    assert {"quote", "sync", "add", "watch"} <= {command["name"] for command in fake.commands["global"]}
    cleared = await slash(fake, "sync", scope="clear", user=fake.owner)
    assert cleared.ephemeral
    assert cleared.embed["title"] == "Removed this server's copy of the slash commands; the global ones remain."
    assert fake.commands[guild] == [] and len(fake.commands["global"]) == published
    refused = await slash(fake, "sync", scope="clear", user=fake.alice)
    assert refused.ephemeral and fake.commands[guild] == []
    in_a_dm = await slash(fake, "sync", scope="clear", user=fake.owner, dm=True)
    assert in_a_dm.embed["description"] == "`clear` needs a server: run it in one, or sync `global`."
    assert (await slash(fake, "quote", words="DAAR")).embed["title"] == DAAR
