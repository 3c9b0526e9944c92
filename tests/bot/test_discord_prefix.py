"""Commands through discord.py's own command framework, with dpytest's local backend (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import discord
import discord.ext.test as dpytest
import pytest
from discord.ext import commands

from bot.discord_app import VerbatimBot
from bot.render_discord import EMBED_TOTAL_LIMIT, escape, render
from bot.replies import HitOut, Reply
from config.settings import Settings
from parser.store import TurnStore


@pytest.fixture
async def bot(store: TurnStore) -> AsyncIterator[VerbatimBot]:
    # dpytest's backend makes members only when the members intent is on.
    client = VerbatimBot(Settings(_env_file=None, discord_token=None), [], store, intents=discord.Intents.all())
    await client._async_setup_hook()
    await client.setup_hook()
    dpytest.configure(client)
    yield client
    await dpytest.empty_queue()


async def test_quote_answers_with_an_embed(bot: VerbatimBot) -> None:
    await dpytest.message("!quote DAAR")
    embed = dpytest.get_embed()
    assert embed.title == "1 turn matches “DAAR”"
    assert embed.fields[0].name.startswith("GÖRAN MARBY — ICANN70")
    assert "**DAAR**" in embed.fields[0].value


async def test_speaker_and_whosaid(bot: VerbatimBot) -> None:
    await dpytest.message("!speaker Goran")
    assert dpytest.get_embed().title.startswith("GÖRAN MARBY: 2 turns")
    await dpytest.message("!whosaid nous avons 29 associes")
    embed = dpytest.get_embed()
    assert embed.title.startswith("Verbatim: Said word for word by MIGUEL IGNACIO ESTRADA")


async def test_mistakes_get_the_cores_one_line_answer(bot: VerbatimBot) -> None:
    # dpytest re-raises the command error after our handler has answered it.
    with pytest.raises(commands.MissingRequiredArgument):
        await dpytest.message("!quote")
    assert dpytest.get_embed().description.startswith("\\`!quote\\` needs something to look for")
    with pytest.raises(commands.CommandNotFound):
        await dpytest.message("!qoute DAAR")
    assert "Did you mean" in dpytest.get_embed().description


async def test_bots_are_ignored(bot: VerbatimBot) -> None:
    other_bot = await dpytest.member_join(name="OtherBot")
    other_bot._user.bot = True
    await dpytest.message("!help", member=other_bot)
    assert dpytest.verify().message().nothing()
    await dpytest.message("!help")
    assert dpytest.get_embed().description.startswith("`!quote WORDS`")


def test_nobody_can_be_pinged() -> None:
    assert escape("@everyone look") == "@\u200beveryone look"
    assert escape("<@123456789012345678>") == "<@\u200b123456789012345678>"
    assert escape("**bold** _x_ [link](http://a)") == "\\*\\*bold\\*\\* \\_x\\_ \\[link\\]\\(http://a\\)"


def test_embeds_stay_inside_discords_limits() -> None:
    long = "mot " * 5000
    hit = HitOut(
        speaker="X" * 300,
        resolved_speaker="X",
        meeting_id="m",
        meeting_title="T" * 300,
        turn_index=0,
        text=long,
        score=90,
        span=(100, 4000),
    )
    reply = Reply(command="quote", summary="S" * 400, hits=[hit] * 30, total=30)
    embed = render(reply)["embed"]
    assert isinstance(embed, discord.Embed)
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert len(embed.title) <= 256 and len(embed.fields) <= 25
    assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
    assert embed.footer.text.endswith("more")


async def test_no_two_commands_collide_and_every_core_command_is_served(bot: VerbatimBot) -> None:
    from bot.commands import COMMANDS

    names = [name for command in bot.walk_commands() for name in (command.name, *command.aliases)]
    assert len(names) == len(set(names))
    slash = [command.name for command in bot.tree.get_commands()]
    assert len(slash) == len(set(slash))
    assert set(COMMANDS) | {"help"} <= set(names) & set(slash)
