"""Owner-only `reload` (the records, in the background) and `sync` (slash commands, never at start)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.exts._shared import Ctx, hybrid_command, send_reply
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot

log = logging.getLogger(__name__)


class Admin(commands.Cog):
    """Commands for whoever runs the bot: the application's owner, or VERBATIM_OWNER_IDS."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    async def cog_check(self, ctx: Ctx) -> bool:  # type: ignore[override]
        if not await self.bot.is_owner(ctx.author):
            raise commands.NotOwner(f"Only the bot's owner can use `{ctx.command}`.")
        return True

    @hybrid_command("reload", description="Owner: read the records again; the old ones serve until the new load")
    @app_commands.default_permissions(administrator=True)
    async def reload(self, ctx: Ctx) -> None:
        """Read the records again in the background and swap them in only if they load."""
        started = Reply(command="reload", summary="Reloading the records in the background; the current ones keep serving.")
        await send_reply(ctx, started, "", ephemeral=True)
        self.bot.spawn(self._reload(ctx))

    async def _reload(self, ctx: Ctx) -> None:
        reply = await self.bot.reload_corpus()
        try:
            await send_reply(ctx, reply, "", ephemeral=True)
        except discord.HTTPException:
            log.exception("could not tell %s how the reload went: %s", ctx.author, reply.error or reply.summary)

    @hybrid_command("sync", description="Owner: publish the slash commands to Discord")
    @app_commands.describe(scope="global: every server (default); here: this server at once; clear: remove this server's copy")
    @app_commands.default_permissions(administrator=True)
    async def sync(self, ctx: Ctx, scope: Literal["global", "here", "clear"] = "global") -> None:
        """Publish the slash commands: globally, or to this server at once for trying them out."""
        tree = self.bot.tree
        if scope != "global" and ctx.guild is None:
            reply = Reply(command="sync", error=f"`{scope}` needs a server: run it in one, or sync `global`.")
        else:
            if scope == "here":
                assert ctx.guild is not None
                tree.copy_global_to(guild=ctx.guild)
            elif scope == "clear":
                tree.clear_commands(guild=ctx.guild)
            synced = await tree.sync(guild=None if scope == "global" else ctx.guild)
            where = "to every server (Discord may take a minute to show them)" if scope == "global" else "to this server"
            names = ", ".join(f"/{c.name}" for c in synced)
            summary = f"Synced {len(synced)} slash commands {where}: {names}"
            if scope == "clear":
                summary = "Removed this server's copy of the slash commands; the global ones remain."
            reply = Reply(command="sync", summary=summary)
            log.info("%s", summary)
        await send_reply(ctx, reply, "", ephemeral=True)


async def setup(bot: VerbatimBot) -> None:
    await bot.add_cog(Admin(bot))
