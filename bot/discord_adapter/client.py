"""The discord.py client: loads the records, then the command extensions; answers with embeds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import core
from bot.commands.base import plural
from bot.corpus import CorpusError, build_store
from bot.discord_adapter.views import DEFER_AFTER, send_new
from bot.replies import APOLOGY, Reply
from config.settings import Settings
from parser.index.store import TurnStore

log = logging.getLogger(__name__)

EXTENSIONS = tuple(f"bot.discord_adapter.exts.{name}" for name in ("search", "browse", "admin", "meta", "generic"))
CLOSE_GRACE = 20.0
MESSAGE_CONTENT_HELP = (
    "The Message Content intent is not enabled for this application, so Discord would refuse the "
    "connection. Connecting without it: slash commands, mentions (@Verbatim quote …) and DMs still work, "
    "but '%squote …' typed in a server will not. To enable it: https://discord.com/developers/applications "
    "→ your application → Bot → Privileged Gateway Intents → Message Content Intent → Save, then restart."
)


def _run_core(store: TurnStore, name: str, argument: str, prefix: str) -> Reply:
    """The core's coroutine, run to completion on a worker thread's own event loop."""
    return asyncio.run(core.run(store, name, argument, prefix))


def _answer_core(store: TurnStore, message: str, prefix: str) -> Reply:
    """A whole command line answered on a worker thread's own event loop."""
    return asyncio.run(core.answer(store, message, prefix))


class VerbatimBot(commands.Bot):
    """A bot that answers from a turn store; its commands live in `bot/discord_adapter/exts/`."""

    def __init__(
        self,
        settings: Settings,
        corpus: Sequence[Path],
        store: TurnStore | None = None,
        intents: discord.Intents | None = None,
        **options: Any,
    ) -> None:
        if intents is None:
            intents = discord.Intents.default()
            intents.message_content = True
        # The bot never joins voice: spare every start the warnings about voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned_or(settings.prefix),
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            case_insensitive=True,
            strip_after_prefix=True,
            owner_ids=set(settings.owner_ids),
            **options,
        )
        self.settings = settings
        self.corpus = list(corpus)
        self.store = store
        self.cooldowns = commands.CooldownMapping.from_cooldown(
            settings.cooldown_rate, settings.cooldown_seconds, commands.BucketType.user
        )
        self.add_check(self._cooldown)
        self.background: set[asyncio.Task[Any]] = set()
        self._reloading = False
        self.defer_after: float | None = DEFER_AFTER  # a slower answer is deferred first; tests set 0 or None (never)

    async def setup_hook(self) -> None:
        """After login, before the gateway: records, intents, commands; a broken extension is logged, not fatal."""
        if self.store is None:
            self.store, _ = await asyncio.to_thread(build_store, self.corpus, self.settings.aliases, self.settings.cache_dir)
        self._drop_missing_message_content()
        self.tree.on_error = self._on_tree_error
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                log.exception("Failed to load extension %s", extension)

    def _drop_missing_message_content(self) -> None:
        """Without the portal switch, asking for message content ends the connection (4014): ask without it."""
        app = self.application
        if app is None or not self.intents.message_content:
            return
        if app.flags.gateway_message_content or app.flags.gateway_message_content_limited:
            return
        log.warning(MESSAGE_CONTENT_HELP, self.settings.prefix)
        # The identify payload reads the state's own Intents object; there is no public setter after __init__.
        self._connection._intents.message_content = False

    async def _cooldown(self, ctx: commands.Context[Any]) -> bool:
        """One bucket per user across every command, so nobody can flood a channel through the bot."""
        bucket = self.cooldowns.get_bucket(ctx.message)
        retry_after = bucket.update_rate_limit() if bucket is not None else None
        if retry_after:
            assert bucket is not None
            raise commands.CommandOnCooldown(bucket, retry_after, commands.BucketType.user)
        return True

    async def ask(self, name: str, argument: str) -> Reply:
        """Run one core command on a worker thread, so a slow search never stalls the gateway."""
        if self.store is None:
            return Reply(command=name, error="The records are still loading; try again in a moment.")
        return await asyncio.to_thread(_run_core, self.store, name, argument, self.settings.prefix)

    async def ask_message(self, message: str) -> Reply:
        """Answer a whole command line (a button's `!context …`), like the console does."""
        if self.store is None:
            return Reply(command="", error="The records are still loading; try again in a moment.")
        return await asyncio.to_thread(_answer_core, self.store, message, self.settings.prefix)

    async def reload_corpus(self) -> Reply:
        """Read the records again off the loop; swap them in only if they load, so a bad edit never takes the bot down."""
        if self._reloading:
            return Reply(command="reload", error="A reload is already running; its result will follow.")
        self._reloading = True
        old = self.store
        try:
            store, result = await asyncio.to_thread(build_store, self.corpus, self.settings.aliases, self.settings.cache_dir)
        except CorpusError as err:
            log.warning("reload failed, the previous records keep serving: %s", err)
            return Reply(command="reload", error=f"Reload failed; the previous records keep serving. {err}")
        except Exception as err:
            log.exception("reload failed, the previous records keep serving")
            return Reply(
                command="reload",
                error=f"Reload failed ({type(err).__name__}: {err}); the previous records keep serving. See the log.",
            )
        finally:
            self._reloading = False
        self.store = store
        before = f" (was {plural(len(old.meetings), 'meeting')}, {len(old):,} turns)" if old is not None else ""
        unread = f"; {plural(len(result.errors), 'file')} could not be read, see the log" if result.errors else ""
        summary = f"Reloaded {plural(len(store.meetings), 'meeting')}, {len(store):,} turns{before}{unread}."
        log.info("%s", summary)
        return Reply(command="reload", summary=summary)

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """A background task the bot keeps a reference to until it ends (the loop only keeps weak ones)."""
        task = asyncio.create_task(coro)
        self.background.add(task)
        task.add_done_callback(self.background.discard)
        return task

    async def _on_tree_error(self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
        """Slash errors that never reach a hybrid command: stale commands get a hint, the rest an apology."""
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            text = "This slash command has changed since it was last synced; the bot's owner should run `sync`."
            log.warning("stale slash command: %s", error)
        else:
            text = APOLOGY
            log.error("slash command failed", exc_info=error)
        embed = discord.Embed(description=text, colour=discord.Colour.red())
        with contextlib.suppress(discord.HTTPException):
            await send_new(interaction, embed=embed, ephemeral=True)

    async def on_ready(self) -> None:
        """The line a host looks for in the log to know the bot is up."""
        log.info("logged in as %s; %d guilds", self.user, len(self.guilds))


class ShardedVerbatimBot(VerbatimBot, commands.AutoShardedBot):
    """The same bot over several gateway shards, for processes that each run some of them."""


def make_bot(settings: Settings, corpus: Sequence[Path], store: TurnStore | None = None, **options: Any) -> VerbatimBot:
    """A plain bot, or a sharded one when SHARD_COUNT is set."""
    if settings.shard_count is None:
        return VerbatimBot(settings, corpus, store, **options)
    return ShardedVerbatimBot(settings, corpus, store, shard_count=settings.shard_count, shard_ids=settings.shard_ids, **options)


async def serve(bot: VerbatimBot, token: str) -> int:
    """Run until Discord or a signal ends it; SIGTERM closes the connection cleanly inside Heroku's 30 s."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(bot.start(token), name="discord")
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    stopper.cancel()
    if stop.is_set() and not runner.done():
        log.info("signal received: closing the Discord connection")
        # Stop reading first: a close while the gateway is being read goes out as 4000 (resumable), not 1000.
        runner.cancel()
    try:
        await runner
    except asyncio.CancelledError:
        pass
    except discord.LoginFailure:
        print("Discord refused the token: copy it again from the Bot page of your application.", file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print(
            "Discord refused a privileged intent: enable it on the Bot page of your application "
            "(Privileged Gateway Intents), or remove it.",
            file=sys.stderr,
        )
        return 2
    finally:
        try:
            await asyncio.wait_for(bot.close(), CLOSE_GRACE)
        except TimeoutError:
            log.warning("closing took longer than %.0f s; leaving anyway", CLOSE_GRACE)
    log.info("closed")
    return 0


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
        store, _ = build_store(corpus, settings.aliases, settings.cache_dir)
    except CorpusError as err:
        print(err, file=sys.stderr)
        return 2
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    bot = make_bot(settings, corpus, store)
    return asyncio.run(serve(bot, settings.discord_token.get_secret_value().strip()))
