"""How the Discord bot is put together: settings, sharding, the commands it offers, autocomplete ranking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord.ext import commands
from pydantic import ValidationError

import bot.commands
from bot.commands.base import Command, Request
from bot.discord_adapter.client import ShardedVerbatimBot, VerbatimBot, make_bot, run_bot
from bot.discord_adapter.exts._suggest import Entry, entries, suggest
from bot.replies import Reply
from config.settings import Settings
from parser.index.store import TurnStore
from parser.models import Meeting
from tests.conftest import SAMPLE
from tests.fake_discord import bot_on_fake, make_settings
from tests.fake_discord.harness import store_of


async def loaded(store: TurnStore) -> VerbatimBot:
    """The bot with every extension loaded, without connecting anywhere."""
    client = make_bot(make_settings(), [], store)
    await client._async_setup_hook()
    await client.setup_hook()
    return client


@pytest.fixture
async def offline(store: TurnStore) -> AsyncIterator[VerbatimBot]:
    client = await loaded(store)
    yield client
    await client.close()


def test_shard_settings_pick_the_sharded_bot_and_must_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    assert type(make_bot(make_settings(), [])) is VerbatimBot
    sharded = make_bot(make_settings(shard_count=4, shard_ids=[2, 3]), [])
    assert isinstance(sharded, ShardedVerbatimBot) and isinstance(sharded, commands.AutoShardedBot)
    assert (sharded.shard_count, sharded.shard_ids) == (4, [2, 3])
    monkeypatch.setenv("SHARD_COUNT", "2")
    monkeypatch.setenv("SHARD_IDS", "1")
    monkeypatch.setenv("VERBATIM_OWNER_IDS", "11, 22")
    from_env = Settings(_env_file=None)
    assert (from_env.shard_count, from_env.shard_ids, from_env.owner_ids) == (2, [1], [11, 22])
    with pytest.raises(ValidationError, match="needs SHARD_COUNT"):
        Settings(_env_file=None, shard_count=None, shard_ids=[0])
    with pytest.raises(ValidationError, match="between 0 and"):
        Settings(_env_file=None, shard_count=2, shard_ids=[2])


async def test_the_bot_never_pings(offline: VerbatimBot) -> None:
    mentions = offline.allowed_mentions
    assert mentions is not None and mentions.to_dict()["parse"] == []


async def test_every_core_command_is_served_both_ways_without_collisions(offline: VerbatimBot) -> None:
    names = [name for command in offline.walk_commands() for name in (command.name, *command.aliases)]
    assert len(names) == len(set(names))
    slash = {command.name: command for command in offline.tree.get_commands()}
    assert set(bot.commands.COMMANDS) | {"help", "reload", "sync"} == set(slash) <= set(names)
    for command in slash.values():
        assert isinstance(command, discord.app_commands.Command)
        assert command.description != "…" and all(p.description != "…" for p in command.parameters)
    assert slash["reload"].default_permissions == discord.Permissions(administrator=True)


async def test_a_new_core_command_is_on_discord_at_once(store: TurnStore, monkeypatch: pytest.MonkeyPatch) -> None:
    async def echo(request: Request) -> Reply:
        return Reply(command="echo", summary=f"echo: {request.argument}")

    new = Command(name="echo", usage="echo WORDS", summary="Say the words back.", handler=echo, example="echo hi")
    monkeypatch.setitem(bot.commands.COMMANDS, "echo", new)
    async with bot_on_fake(store) as (fake, _):
        by_slash = await fake.message_for(await fake.slash("echo", text="hello there"))
        mark = await fake.say("!echo hello   there")
        by_prefix = await fake.next_sent(mark)
    assert by_slash.embed["title"] == "echo: hello there"
    assert by_prefix.embed["title"] == "echo: hello   there"


async def test_a_wrapper_without_its_core_command_is_not_offered(store: TurnStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(bot.commands.COMMANDS, "stats")
    client = await loaded(store)
    try:
        assert client.get_command("stats") is None and client.tree.get_command("stats") is None
    finally:
        await client.close()


def test_suggestions_fold_accents_and_case_and_rank_word_starts_first() -> None:
    candidates = [
        Entry("Amélie Dupont", "Amélie Dupont", ("amelie dupont",), 9),
        Entry("Emile Zola", "Emile Zola", ("emile zola",), 5),
        Entry("LEÓN SANCHEZ", "LEÓN SANCHEZ", ("leon sanchez",), 2),
        Entry("Marc Ledupe", "Marc Ledupe", ("marc ledupe",), 1),
    ]
    assert [e.value for e in suggest(candidates, "DUP")] == ["Amélie Dupont", "Marc Ledupe"]
    assert [e.value for e in suggest(candidates, "amélie")] == ["Amélie Dupont"]
    assert [e.value for e in suggest(candidates, "león s")] == ["LEÓN SANCHEZ"]
    assert [e.value for e in suggest(candidates, "")] == ["Amélie Dupont", "Emile Zola", "LEÓN SANCHEZ", "Marc Ledupe"]
    assert suggest(candidates, "zzz") == []


def test_meeting_suggestions_are_newest_first_and_fit_discords_100_characters() -> None:
    import datetime as dt

    old = Meeting(id="old", title="A" * 150, date=dt.date(2020, 1, 1))
    new = Meeting(id="new", title="New call", date=dt.date(2024, 1, 1))
    speakers, meetings = entries(store_of((old, [("Ana", "hi")]), (new, [("Bob", "hello")])))
    assert [m.value for m in meetings] == ["new", "old"]
    assert all(len(m.label) <= 100 for m in meetings) and meetings[0].label == "New call · 2024-01-01 (new)"
    assert {s.value for s in speakers} == {"Ana", "Bob"}


def test_an_aliases_path_that_cannot_be_read_stops_run_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`run` with VERBATIM_ALIASES naming a folder: one line and exit code 2, before anything connects."""
    assert run_bot(make_settings(discord_token="never-used", aliases=tmp_path), [SAMPLE]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: the aliases file (VERBATIM_ALIASES) cannot be read: Is a directory\n"
