"""What every command wrapper shares: ask the core, send its answer with its buttons.

A prefix command hands the core the text exactly as typed (the core parses its own language, as
in the console); a slash command hands it the options, written in that same language.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.commands import COMMANDS
from bot.discord_adapter.render import render
from bot.discord_adapter.views import ReplyView, in_time
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot

log = logging.getLogger(__name__)

Ctx = commands.Context["VerbatimBot"]


def raw_argument(ctx: Ctx) -> str:
    """What followed the command's name in the message, exactly as typed."""
    rest = ctx.message.content[len(ctx.prefix or "") :].lstrip()
    invoked = ctx.invoked_with or ""
    if rest[: len(invoked)].lower() == invoked.lower():
        rest = rest[len(invoked) :]
    return rest.strip()


def words(*parts: object) -> str:
    """Slash options joined into one argument in the core's language; empty options left out."""
    return " ".join(str(p).strip() for p in parts if p is not None and str(p).strip())


def filters(speaker: str | None = None, meeting: str | None = None, date: str | None = None, page: int | None = None) -> str:
    """Slash filter options as the core's own tokens: `speaker:"León Sánchez" meeting:"…" date:2021-03 page:2`."""
    quoted = {"speaker": speaker, "meeting": meeting}
    parts = [f'{key}:"{value.replace(chr(34), "")}"' for key, value in quoted.items() if value and value.strip()]
    if date and date.strip():
        parts.append(f"date:{date.strip()}")
    if page is not None:
        parts.append(f"page:{page}")
    return " ".join(parts)


async def respond(ctx: Ctx, name: str, slash_argument: str = "") -> None:
    """Answer one command: the core on a worker thread, a deferral if it is slow, then the embed."""
    argument = slash_argument if ctx.interaction is not None else raw_argument(ctx)
    reply = await in_time(ctx.bot.ask(name, argument), ctx.typing, ctx.bot.defer_after)
    await send_reply(ctx, reply, f"{ctx.bot.settings.prefix}{name} {argument}".strip())


async def send_reply(ctx: Ctx, reply: Reply, asked: str, ephemeral: bool = False) -> None:
    """Send a rendered reply, with paging and context buttons when it has any."""
    view = ReplyView.for_reply(ctx.bot, ctx.author.id, reply, asked)
    message = await ctx.send(**render(reply), view=view, ephemeral=ephemeral)
    if view is not None:
        view.message = message


def drop_unserved(bot: VerbatimBot, cog: commands.Cog) -> None:
    """Remove a cog's wrappers whose core command does not exist (yet), so no slash command answers 'unknown'."""
    for command in cog.get_commands():
        if command.name not in COMMANDS:
            log.info("the core has no %r command: not offering it on Discord", command.name)
            bot.remove_command(command.name)
            bot.tree.remove_command(command.name)
