"""`help`, and the error handler that turns mistakes into answers and keeps the bot serving."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot import core
from bot.discord_app import VerbatimBot
from bot.render_discord import render
from bot.replies import Reply

log = logging.getLogger(__name__)


def name_of(ctx: commands.Context[VerbatimBot]) -> str:
    return ctx.command.name if ctx.command else ""


class Meta(commands.Cog):
    """Help and errors."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    @commands.hybrid_command(name="help", description="What the bot can do, with examples")
    async def help(self, ctx: commands.Context[VerbatimBot]) -> None:
        """The commands, with examples."""
        await ctx.send(**render(core.help_reply(self.bot.settings.prefix)))

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context[VerbatimBot], error: commands.CommandError) -> None:
        """User mistakes get the core's own one-line answer; our bugs a short apology and a traceback."""
        prefix = self.bot.settings.prefix
        store = self.bot.store
        assert store is not None
        if isinstance(error, commands.CommandNotFound):
            name = (ctx.invoked_with or "").lower()
            reply = await core.run(store, name, "", prefix)
        elif isinstance(error, commands.MissingRequiredArgument | commands.BadArgument) and ctx.command:
            reply = await core.run(store, ctx.command.name, "", prefix)
        elif isinstance(error, commands.CommandOnCooldown):
            reply = Reply(command=name_of(ctx), error=f"Slow down: try again in {error.retry_after:.0f} s.")
        else:
            original = getattr(error, "original", error)
            log.error("command %s failed", ctx.command, exc_info=(type(original), original, original.__traceback__))
            reply = Reply(command=name_of(ctx), error="Sorry, something went wrong on our side; it has been logged.")
        try:
            await ctx.send(**render(reply))
        except discord.HTTPException:
            log.exception("could not send the error reply")


async def setup(bot: VerbatimBot) -> None:
    await bot.add_cog(Meta(bot))
