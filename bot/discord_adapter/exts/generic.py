"""A plain wrapper for every core command that has no typed one yet, so each is on Discord from day one.

Loaded last: a command already served by another extension keeps its typed options. A new core
command appears here as `/name text:…`; give it typed options by writing its wrapper in a cog.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from discord import app_commands
from discord.ext import commands

from bot.commands import COMMANDS
from bot.commands.base import Command
from bot.discord_adapter.exts._shared import Ctx, respond
from bot.discord_adapter.render import shorten

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100


def plain_command(command: Command) -> commands.HybridCommand[Any, ..., None]:
    """`/name text:…` and `!name …` for one core command, described by its own usage and summary."""

    @app_commands.describe(text=shorten(f"What follows {command.usage.split()[0]}: {command.usage}", DESCRIPTION_LIMIT))
    async def callback(ctx: Ctx, *, text: str = "") -> None:
        await respond(ctx, command.name, text)

    return commands.HybridCommand(
        callback, name=command.name, description=shorten(command.summary, DESCRIPTION_LIMIT), help=command.summary
    )


async def setup(bot: VerbatimBot) -> None:
    for command in COMMANDS.values():
        if bot.get_command(command.name) is None:
            log.info("serving %r with a plain text option until it has a typed wrapper", command.name)
            bot.add_command(plain_command(command))
