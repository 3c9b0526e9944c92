"""`watch`, `watches` and `unwatch` for Discord, and the task that notices new records on disk.

The alerts themselves are posted by the client when the library tells it of new records
(added in a server, or shared ones read from disk).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from discord import app_commands
from discord.ext import commands, tasks

from bot.corpus import corpus_key
from bot.discord_adapter.exts._shared import Ctx, drop_unserved, hybrid_command, respond
from bot.discord_adapter.exts._suggest import speaker_choices

if TYPE_CHECKING:
    from bot.discord_adapter.client import VerbatimBot

log = logging.getLogger(__name__)


class Watches(commands.Cog):
    """Words a channel waits for in new records; and the corpus files checked for new ones."""

    def __init__(self, bot: VerbatimBot) -> None:
        self.bot = bot
        self.key: str | None = None
        minutes = bot.settings.corpus_check_minutes
        if minutes > 0:
            self.check_corpus.change_interval(minutes=minutes)
            self.check_corpus.start()

    async def cog_load(self) -> None:
        """The files as they are when the bot starts serving them: what later checks compare with."""
        self.key = await asyncio.to_thread(corpus_key, self.bot.corpus, self.bot.settings.aliases)

    async def cog_unload(self) -> None:
        self.check_corpus.cancel()

    @hybrid_command(name="watch", description="Be told in this channel when a new record has these words")
    @app_commands.describe(words="The words, as you would give them to /quote", speaker="Only when this speaker says them")
    @app_commands.autocomplete(speaker=speaker_choices)
    @app_commands.guild_only()
    async def watch(self, ctx: Ctx, *, words: str, speaker: str | None = None) -> None:
        """Watch for words in the records added from now on."""
        who = f' speaker:"{speaker.replace(chr(34), "")}"' if speaker and speaker.strip() else ""
        await respond(ctx, "watch", f"{words}{who}")

    @hybrid_command(name="watches", description="The watches of this channel")
    @app_commands.guild_only()
    async def watches(self, ctx: Ctx) -> None:
        """List this channel's watches."""
        await respond(ctx, "watches", "")

    @hybrid_command(name="unwatch", description="End a watch of this server")
    @app_commands.describe(number="The watch's number, as /watches lists it")
    @app_commands.guild_only()
    async def unwatch(self, ctx: Ctx, number: app_commands.Range[int, 1]) -> None:
        """End one watch."""
        await respond(ctx, "unwatch", str(number))

    @tasks.loop(minutes=5)
    async def check_corpus(self) -> None:
        """Read the records again when a corpus file was added, changed or removed (what `reload` does)."""
        bot = self.bot
        try:
            key = await asyncio.to_thread(corpus_key, bot.corpus, bot.settings.aliases)
        except Exception:
            log.exception("could not check the corpus files")
            return
        if key == self.key or bot.library is None:
            return
        log.info("the corpus files changed: reading them again")
        reply = await bot.reload_corpus()
        if reply.error:
            log.warning("%s", reply.error)  # the key stays as it was: the next check tries again
            return
        self.key = key

    @check_corpus.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()


async def setup(bot: VerbatimBot) -> None:
    cog = Watches(bot)
    await bot.add_cog(cog)
    drop_unserved(bot, cog)
