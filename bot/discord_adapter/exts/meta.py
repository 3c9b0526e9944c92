"""`help`, and the error handler that turns mistakes into answers and keeps the bot serving.

discord.py parses a prefix command's typed options only for slash's sake; when that parsing fails
(`!context acd 139 x`, a lone `!quote`), the core gets the text as typed and says what it needs.
"""

from __future__ import annotations

import difflib
import logging
import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot import core
from bot.discord_adapter.exts._shared import Ctx, hybrid_command, respond, send_reply
from bot.replies import APOLOGY, Reply

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot

log = logging.getLogger(__name__)


def _name(ctx: Ctx) -> str:
    return ctx.command.name if ctx.command else ""


def _slash_mistake(error: commands.CommandError) -> str | None:
    """A sentence for a slash option Discord let through but we could not use, else None."""
    cause = error.original if isinstance(error, commands.HybridCommandError) else error
    if isinstance(cause, app_commands.TransformerError | app_commands.CheckFailure | commands.UserInputError):
        return str(cause) or "That option is not valid here."
    return None


class Meta(commands.Cog):
    """Help and errors."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    @hybrid_command("help", aliases=["h", "?"], description="What the bot can do, with examples")
    async def help(self, ctx: Ctx) -> None:
        """The commands, with examples."""
        await send_reply(ctx, core.help_reply(self.bot.settings.prefix), "")

    def _meant_for_us(self, ctx: Ctx, name: str) -> bool:
        """`!important news` in a busy channel is chat, not a typo: answer it only when it looks like one."""
        if not name or not name[0].isalpha():
            return False
        if ctx.guild is None or ctx.prefix != self.bot.settings.prefix:
            return True
        known = [n for c in self.bot.commands for n in (c.name, *c.aliases)]
        return bool(difflib.get_close_matches(name, known, n=1, cutoff=0.6))

    @commands.Cog.listener()
    async def on_command_error(self, ctx: Ctx, error: commands.CommandError) -> None:
        """User mistakes get a one-line answer; our bugs a short apology and a logged traceback."""
        prefix = "/" if ctx.interaction is not None else self.bot.settings.prefix
        if isinstance(error, commands.UserInputError) and ctx.command and ctx.interaction is None:
            try:
                await respond(ctx, ctx.command.name)
                return
            except discord.HTTPException:
                log.exception("could not answer %s", ctx.command)
                return
            except Exception as err:  # a bug while answering: the apology below, never a second silent failure
                error = commands.CommandInvokeError(err)
        if isinstance(error, commands.CommandNotFound):
            name = (ctx.invoked_with or "").lower()
            if not self._meant_for_us(ctx, name):
                return
            reply = await self.bot.ask(name, "")
        elif isinstance(error, commands.CommandOnCooldown):
            wait = max(1, math.ceil(error.retry_after))
            reply = Reply(command=_name(ctx), error=f"Slow down: you can ask again in {wait} s.")
        elif isinstance(error, commands.NotOwner):
            reply = Reply(command=_name(ctx), error=f"Only the bot's owner can use `{prefix}{_name(ctx)}`.")
        elif (sentence := _slash_mistake(error)) is not None:
            reply = Reply(command=_name(ctx), error=sentence)
        elif isinstance(error, commands.CheckFailure):
            reply = Reply(command=_name(ctx), error="That command cannot be used here.")
        else:
            original = getattr(error, "original", error)
            log.error("command %s failed", ctx.command, exc_info=(type(original), original, original.__traceback__))
            reply = Reply(command=_name(ctx), error=APOLOGY)
        try:
            await send_reply(ctx, reply, "", ephemeral=True)
        except discord.HTTPException:
            log.exception("could not send the error reply")


async def setup(bot: VerbatimBot) -> None:
    await bot.add_cog(Meta(bot))
