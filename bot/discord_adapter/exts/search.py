"""`quote`, `whosaid`, `speaker` and `context` for Discord: prefix and slash, one core, one rendering."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands

from bot.discord_adapter.exts._shared import Ctx, drop_unserved, filters, hybrid_command, respond, words
from bot.discord_adapter.exts._suggest import meeting_choices, speaker_choices

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot


# The filter options /quote and /whosaid share, described once.
FILTERS = {
    "speaker": "Only this speaker's turns",
    "meeting": "Only this meeting",
    "date": "Only these dates: 2021, 2021-03, 2021-03-22 or 2021-01..2021-06",
}


class Search(commands.Cog):
    """Ask the records: the words, who said them, who someone is, and what was said around a turn."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    # Prefix commands read the filters from the text as typed (`!quote DAAR speaker:leon`); the
    # options after `words` only ever come from a slash command.
    @hybrid_command("quote", description="Turns that contain these words, best first")
    @app_commands.describe(
        words='Words to find; put "a phrase" in quotes to match it exactly', page="Which page of the results", **FILTERS
    )
    @app_commands.autocomplete(speaker=speaker_choices, meeting=meeting_choices)
    async def quote(
        self,
        ctx: Ctx,
        *,
        words: str,
        speaker: str | None = None,
        meeting: str | None = None,
        date: str | None = None,
        page: app_commands.Range[int, 1] | None = None,
    ) -> None:
        """Turns that contain these words; "a phrase in quotes" must appear as written."""
        await respond(ctx, "quote", f"{words} {filters(speaker, meeting, date, page)}".strip())

    @hybrid_command("whosaid", description="Who said it: the turn whose words best match")
    @app_commands.describe(phrase="The words as you remember them, even misspelt or half-remembered", **FILTERS)
    @app_commands.autocomplete(speaker=speaker_choices, meeting=meeting_choices)
    async def whosaid(
        self,
        ctx: Ctx,
        *,
        phrase: str,
        speaker: str | None = None,
        meeting: str | None = None,
        date: str | None = None,
    ) -> None:
        """Who said it, even misspelt or half-remembered."""
        await respond(ctx, "whosaid", f"{phrase} {filters(speaker, meeting, date)}".strip())

    @hybrid_command("speaker", description="A speaker as the records print the name, with turns and words")
    @app_commands.describe(name="A name, part of one, or a nickname; accents and case do not matter")
    @app_commands.autocomplete(name=speaker_choices)
    async def speaker(self, ctx: Ctx, *, name: str) -> None:
        """Who a speaker is, with their turns and words."""
        await respond(ctx, "speaker", name)

    @hybrid_command("context", description="The turns around one turn of a meeting")
    @app_commands.describe(
        meeting="The meeting's id or title words",
        turn="The turn number a hit shows",
        around="How many turns to show either side (default 2)",
    )
    @app_commands.autocomplete(meeting=meeting_choices)
    async def context(
        self,
        ctx: Ctx,
        meeting: str,
        turn: app_commands.Range[int, 0],
        around: app_commands.Range[int, 0, 10] | None = None,
    ) -> None:
        """The turns around a turn, so a quote can be read in its conversation."""
        await respond(ctx, "context", words(meeting, turn, around))


async def setup(bot: VerbatimBot) -> None:
    cog = Search(bot)
    await bot.add_cog(cog)
    drop_unserved(bot, cog)
