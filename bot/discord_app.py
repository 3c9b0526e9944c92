"""The discord.py client: loads the records, then the command extensions; answers with embeds."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import discord
from discord.ext import commands

from bot.corpus import CorpusError, build_store
from config.settings import Settings
from parser.store import TurnStore

log = logging.getLogger(__name__)

EXTENSIONS = ("bot.exts.search", "bot.exts.meta")


class VerbatimBot(commands.Bot):
    """A bot that answers from a turn store; its commands live in `bot/exts/`."""

    def __init__(
        self,
        settings: Settings,
        corpus: Sequence[Path],
        store: TurnStore | None = None,
        intents: discord.Intents | None = None,
    ) -> None:
        if intents is None:
            intents = discord.Intents.default()
            intents.message_content = True
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.prefix),
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            case_insensitive=True,
        )
        self.settings = settings
        self.corpus = list(corpus)
        self.store = store

    async def setup_hook(self) -> None:
        if self.store is None:
            self.store, _ = await asyncio.to_thread(build_store, self.corpus, self.settings.aliases)
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                log.exception("Failed to load extension %s", extension)

    async def on_ready(self) -> None:
        log.info("logged in as %s; %d guilds", self.user, len(self.guilds))


def run_bot(settings: Settings, corpus: Sequence[Path]) -> int:
    """`python -m bot run`: connect to Discord, or say what is missing."""
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print(
            "DISCORD_TOKEN is not set: put the bot's token in the environment or in .env "
            "(README, 'Running on Discord'). To try the bot without Discord: python -m bot chat",
            file=sys.stderr,
        )
        return 2
    try:
        store, _ = build_store(corpus, settings.aliases)
    except CorpusError as err:
        print(err, file=sys.stderr)
        return 2
    bot = VerbatimBot(settings, corpus, store)
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    bot.run(settings.discord_token.get_secret_value(), log_handler=None)
    return 0
