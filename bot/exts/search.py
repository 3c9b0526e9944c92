"""`quote`, `whosaid` and `speaker` for Discord: prefix and slash, one core, one rendering."""

from __future__ import annotations

from discord.ext import commands

from bot import core
from bot.discord_app import VerbatimBot
from bot.render_discord import render


class Search(commands.Cog):
    """Ask the records: the words, who said them, and who someone is."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot

    async def _answer(self, ctx: commands.Context[VerbatimBot], name: str, argument: str) -> None:
        assert self.bot.store is not None
        reply = await core.run(self.bot.store, name, argument, self.bot.settings.prefix)
        await ctx.send(**render(reply))

    @commands.hybrid_command(name="quote", description="Turns that contain these words, best first")
    async def quote(self, ctx: commands.Context[VerbatimBot], *, words: str) -> None:
        """Turns that contain these words; "a phrase in quotes" must appear as written."""
        await self._answer(ctx, "quote", words)

    @commands.hybrid_command(name="whosaid", description="Who said it: the turn whose words best match")
    async def whosaid(self, ctx: commands.Context[VerbatimBot], *, phrase: str) -> None:
        """Who said it, even misspelt or half-remembered."""
        await self._answer(ctx, "whosaid", phrase)

    @commands.hybrid_command(name="speaker", description="A speaker as the record prints the name, with turns and words")
    async def speaker(self, ctx: commands.Context[VerbatimBot], *, name: str) -> None:
        """Who a speaker is, with their turns and words."""
        await self._answer(ctx, "speaker", name)


async def setup(bot: VerbatimBot) -> None:
    await bot.add_cog(Search(bot))
