"""`add`, `remove` and `config` for Discord: a server's own records, and who may change them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.exts._shared import Ctx, drop_unserved, hybrid_command, respond, words
from bot.discord_adapter.exts._suggest import meeting_choices

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot


class Records(commands.Cog):
    """Records a server adds from the chat: seen in that server only, kept across restarts."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    # Prefix commands read the link as typed and the files attached to the message; the options
    # only ever come from a slash command.
    @hybrid_command(name="add", description="Add a meeting record to this server: attach it, or give a link")
    @app_commands.describe(file="The record file (PDF, DOCX, VTT, SRT, text, JSON…)", url="An http(s) link to the record")
    @app_commands.guild_only()
    async def add(self, ctx: Ctx, file: discord.Attachment | None = None, url: str | None = None) -> None:
        """Add a record to this server's records; searchable at once."""
        if ctx.interaction is None:
            attachments = list(ctx.message.attachments[:1])  # the record; any other file is not read
        else:
            attachments = [file] if file is not None else []
        await respond(ctx, "add", url or "", attachments)

    @hybrid_command(name="remove", description="Remove a record that was added in this server")
    @app_commands.describe(meeting="The meeting's id or title words")
    @app_commands.autocomplete(meeting=meeting_choices)
    @app_commands.guild_only()
    async def remove(self, ctx: Ctx, *, meeting: str) -> None:
        """Remove one of this server's added records."""
        await respond(ctx, "remove", meeting)

    @hybrid_command(name="config", description="This server's settings: the role that may add records")
    @app_commands.describe(setting="The setting to change", role="The role that may add and remove records (leave out: none)")
    @app_commands.guild_only()
    async def config(self, ctx: Ctx, setting: Literal["add-role"] | None = None, role: discord.Role | None = None) -> None:
        """Show or change this server's settings."""
        await respond(ctx, "config", words(setting, role.id if role else "none" if setting else None))


async def setup(bot: VerbatimBot) -> None:
    cog = Records(bot)
    await bot.add_cog(cog)
    drop_unserved(bot, cog)
