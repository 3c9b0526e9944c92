"""`meetings` and `stats` for Discord: what is loaded, and who spoke how much."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.exts._shared import Ctx, drop_unserved, hybrid_command, respond, send_reply, words
from bot.discord_adapter.exts._suggest import meeting_choices, speaker_choices
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot


class Browse(commands.Cog):
    """Browse the records: the meetings loaded, and each speaker's share."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    @hybrid_command("meetings", description="The loaded meetings, newest first, with their speakers")
    @app_commands.describe(filter="Title words, or a date such as 2021 or 2021-03", page="Which page (10 meetings a page)")
    async def meetings(self, ctx: Ctx, filter: str | None = None, page: app_commands.Range[int, 1] | None = None) -> None:
        """The loaded meetings, newest first; filter by title words or a date."""
        await respond(ctx, "meetings", words(filter, f"page:{page}" if page else None))

    @hybrid_command("stats", description="Who spoke how much, with a chart: a meeting, all of them, or one speaker")
    @app_commands.describe(meeting="One meeting (default: all of them)", speaker="One speaker across meetings")
    @app_commands.autocomplete(meeting=meeting_choices, speaker=speaker_choices)
    async def stats(self, ctx: Ctx, meeting: str | None = None, speaker: str | None = None) -> None:
        """Who spoke how much, with a chart."""
        if ctx.interaction is not None and meeting and speaker:
            reply = Reply(command="stats", error="Pick a meeting or a speaker, not both.")
            await send_reply(ctx, reply, "", ephemeral=True)
            return
        await respond(ctx, "stats", f"speaker:{speaker}" if speaker else words(meeting))


async def setup(bot: VerbatimBot) -> None:
    cog = Browse(bot)
    await bot.add_cog(cog)
    drop_unserved(bot, cog)
