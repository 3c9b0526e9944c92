"""The discord.py client: loads the records, then the command extensions; answers with embeds."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import core, prepare
from bot.alerts import alerts_for
from bot.commands import COMMANDS, charts
from bot.commands.base import Place, Upload, plural
from bot.corpus import CorpusError, build_store
from bot.discord_adapter.exts._suggest import entries
from bot.discord_adapter.lanes import Lane, in_own_thread
from bot.discord_adapter.views import DEFER_AFTER, send_alert, send_new
from bot.library import DatabaseUnavailable, Library, MemoryLibrary
from bot.replies import APOLOGY, AlertReply, Reply
from config.settings import Settings
from parser.index.archive import Archive
from parser.index.store import TurnStore
from parser.models import Meeting
from parser.readers.limits import limits_of

log = logging.getLogger(__name__)

EXTENSIONS = tuple(
    f"bot.discord_adapter.exts.{name}" for name in ("search", "browse", "admin", "meta", "records", "watches", "generic")
)
CLOSE_GRACE = 5.0  # SIGTERM to exit within 10 s, well inside Heroku's 30
QUICK_WORKERS = 2  # searches hold the GIL: more threads than cores only make each answer wait longer
HEAVY_WORKERS = 1
HEAVY_PER_PERSON = 1
SWITCH_INTERVAL = 0.001
LOADING = "The records are still loading; try again in a moment."
MESSAGE_CONTENT_HELP = (
    "The Message Content intent is not enabled for this application, so Discord would refuse the "
    "connection. Connecting without it: slash commands, mentions (@Verbatim quote …) and DMs still work, "
    "but '%squote …' typed in a server will not. To enable it: https://discord.com/developers/applications "
    "→ your application → Bot → Privileged Gateway Intents → Message Content Intent → Save, then restart."
)


def _reload_failed(err: Exception) -> Reply:
    """The reply to a reload that failed (called in its `except`): the records it could not read
    are the user's to fix, in a line; anything else is ours, logged with its traceback."""
    if isinstance(err, CorpusError):
        log.warning("reload failed, the previous records keep serving: %s", err)
        return Reply(command="reload", error=f"Reload failed; the previous records keep serving. {err}")
    log.exception("reload failed, the previous records keep serving")
    return Reply(
        command="reload", error=f"Reload failed ({type(err).__name__}: {err}); the previous records keep serving. See the log."
    )


def _run_core(store: TurnStore | Archive, name: str, argument: str, prefix: str, **where: Any) -> Reply:
    """The core's coroutine, run to completion on a worker thread's own event loop."""
    return asyncio.run(core.run(store, name, argument, prefix, **where))


def _alerts_core(library: Library, meetings: list[Meeting], prefix: str) -> list[AlertReply]:
    return asyncio.run(alerts_for(library, meetings, prefix))


def _load(settings: Settings, corpus: Sequence[Path]) -> tuple[TurnStore, Any]:
    """The records read and indexed, and the suggestion lists made, all before the store serves."""
    store, result = build_store(corpus, settings.aliases, settings.cache_dir, limits=limits_of(settings))
    entries(store)
    # What exists now lives as long as the store: keep it out of the cycle collector's full passes,
    # each of which would walk it while every thread, the event loop too, waits (150 ms at 1M turns).
    gc.freeze()
    return store, result


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
        self.defer_after: float | None = DEFER_AFTER  # a slower answer is deferred first; tests set 0 or None (never)
        # Keyed by user id, so commands and buttons count against the same bucket.
        self.cooldowns: commands.CooldownMapping[int] = commands.CooldownMapping.from_cooldown(
            settings.cooldown_rate, settings.cooldown_seconds, lambda user_id: user_id
        )
        self.add_check(self._cooldown)
        self.background: set[asyncio.Task[Any]] = set()
        self._reloading = False
        self.library: Library | None = None
        self.quick = Lane("quick", QUICK_WORKERS)
        self.heavy = Lane("heavy", HEAVY_WORKERS)
        self._heavy_running: dict[int | None, int] = {}
        self.children: set[asyncio.subprocess.Process] = set()  # a reload's build, ended at shutdown

    @property
    def store(self) -> TurnStore | None:
        """Every record being served in memory: the library's live store once it is open, else the shared
        records; None before they load, and always with VERBATIM_SEARCH=postgres (the records are in the database)."""
        return self.library.store if isinstance(self.library, MemoryLibrary) else self._store

    @store.setter
    def store(self, store: TurnStore | None) -> None:
        self._store = store

    async def setup_hook(self) -> None:
        """After login, before the gateway: records (shared, then every server's), intents, commands.

        A broken extension is logged, not fatal; a database that cannot be reached is (the bot
        must not answer as if the servers' records were gone).
        """
        # Not on asyncio's default executor: its threads are waited for at exit, and a database that
        # does not answer would hold a SIGTERM for as long; a thread of its own is abandoned.
        library: Library
        if self.settings.search == "postgres":  # nothing indexed here: the shared records imported if they changed
            from bot.pg_library import PgLibrary

            library = await in_own_thread(PgLibrary.open, self.settings, self.corpus, name="database")
        else:
            if self.store is None:
                built, _ = await in_own_thread(_load, self.settings, self.corpus, name="load")
                self.store = built
            else:
                await self.quick.run(entries, self.store)
            library = await in_own_thread(MemoryLibrary.open, self.store, self.settings, name="database")
        library.added.append(self._records_added)
        self.library = library
        self._drop_missing_message_content()
        self.tree.error(self._on_tree_error)
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

    def wait_before(self, user_id: int) -> float | None:
        """Seconds this person must wait before the bot answers them again, or None; counts one command or button."""
        bucket = self.cooldowns.get_bucket(user_id)
        return (bucket.update_rate_limit() or None) if bucket is not None else None

    async def _cooldown(self, ctx: commands.Context[Any]) -> bool:
        """One bucket per user across every command, so nobody can flood a channel through the bot."""
        retry_after = self.wait_before(ctx.author.id)
        if retry_after:
            bucket = self.cooldowns.get_bucket(ctx.author.id)
            assert bucket is not None
            raise commands.CommandOnCooldown(bucket, retry_after, commands.BucketType.user)
        return True

    def view(self, guild_id: int | None) -> TurnStore | Archive | None:
        """The records a server sees (None: a DM): the shared ones and its own."""
        if self.library is not None:
            return self.library.view(guild_id)
        return None if self.store is None else self.store.view(guild_id)

    def _run_in_view(self, name: str, argument: str, place: Place | None, files: tuple[Upload, ...]) -> Reply:
        """On a lane's thread: the server's view of the records (made there, off the loop), then the command."""
        store = self.view(place.guild_id if place else None)
        if store is None:
            return Reply(command=name, error=LOADING)
        return _run_core(store, name, argument, self.settings.prefix, library=self.library, place=place, files=files)

    async def ask(self, name: str, argument: str, place: Place | None = None, files: tuple[Upload, ...] = ()) -> Reply:
        """Run one core command in its lane, so a slow search never stalls the gateway nor a heavy one the quick.

        A person may have `HEAVY_PER_PERSON` heavy commands running at once; the next is refused
        until one answers.
        """
        if self.store is None and self.library is None:
            return Reply(command=name, error=LOADING)
        command = COMMANDS.get(name)
        if command is None or not command.heavy:
            return await self.quick.run(self._run_in_view, name, argument, place, files)
        user_id = place.user_id if place is not None else None
        if self._heavy_running.get(user_id, 0) >= HEAVY_PER_PERSON:
            return Reply(
                command=name,
                query=argument,
                error=f"Your previous `{self.settings.prefix}{name}` is still being worked out; ask again once it has answered.",
            )
        self._heavy_running[user_id] = self._heavy_running.get(user_id, 0) + 1
        try:
            return await self.heavy.run(self._run_in_view, name, argument, place, files)
        finally:
            self._heavy_running[user_id] -= 1
            if not self._heavy_running[user_id]:
                del self._heavy_running[user_id]

    async def ask_message(self, message: str, place: Place | None = None) -> Reply:
        """Answer a whole command line (a button's `!context …`) as asked in that place, in its lane."""
        parsed = core.parse(message, self.settings.prefix)
        if parsed is None:
            return Reply(command="", query=message, error=f"Commands start with `{self.settings.prefix}`.")
        return await self.ask(*parsed, place=place)

    def _records_added(self, meetings: list[Meeting]) -> None:
        """Told by the library (on whichever thread added them): post the alerts they answer, on the loop."""
        self.loop.call_soon_threadsafe(self.spawn, self.post_alerts(meetings))

    async def post_alerts(self, meetings: list[Meeting]) -> None:
        """Each watch a new record answers, posted once in its channel, mentioning the watch's creator alone."""
        if self.library is None:
            return
        try:
            alerts = await self.quick.run(_alerts_core, self.library, meetings, self.settings.prefix)
        except Exception:
            log.exception("could not work out the alerts for %s", [m.id for m in meetings])
            return
        for alert in alerts:
            if not self.runs_shard_of(alert.guild_id):
                continue  # the process that runs that server's shard read the same files, and posts it
            try:
                await send_alert(self, alert)
            except Exception as err:  # a channel gone, no permission, the connection closing: the others still go
                log.warning(
                    "could not post watch %s of server %s in channel %s: %s",
                    alert.watch_id,
                    alert.guild_id,
                    alert.channel_id,
                    err,
                )

    def runs_shard_of(self, guild_id: int) -> bool:
        """Whether this process runs the shard of that server (Discord's formula); with no SHARD_IDS, it runs them all."""
        count, ids = self.settings.shard_count, self.settings.shard_ids
        return count is None or ids is None or (guild_id >> 22) % count in ids

    async def reload_corpus(self) -> Reply:
        """Read the records again off the loop; swap them in only if they load, so a bad edit never takes the bot down."""
        if self._reloading:
            return Reply(command="reload", error="A reload is already running; its result will follow.")
        if self.library is not None and not isinstance(self.library, MemoryLibrary):
            return await self._reload_database(self.library)
        self._reloading = True
        old = self.store
        try:
            job = prepare.spec(self.corpus, self.settings.aliases, limits_of(self.settings), self.settings.cache_dir)
            await prepare.snapshot_in_child(job, self.children)  # the build, off this process's GIL
            store, result = await in_own_thread(_load, self.settings, self.corpus, name="reload")
            if isinstance(self.library, MemoryLibrary):  # every server's records on top, read again from the database
                await in_own_thread(self.library.replace_shared, store, name="reload")  # abandoned at exit, as the build is
        except Exception as err:
            return _reload_failed(err)
        finally:
            self._reloading = False
        self.store = store
        if isinstance(self.library, MemoryLibrary):
            store = self.library.store
        before = f" (was {plural(len(old.meetings), 'meeting')}, {len(old):,} turns)" if old is not None else ""
        unread = f"; {plural(len(result.errors), 'file')} could not be read, see the log" if result.errors else ""
        summary = f"Reloaded {plural(len(store.meetings), 'meeting')}, {len(store):,} turns{before}{unread}."
        log.info("%s", summary)
        return Reply(command="reload", summary=summary)

    async def _reload_database(self, library: Library) -> Reply:
        """VERBATIM_SEARCH=postgres: import the shared records again if the files changed (once, whichever process is first)."""
        from bot.pg_library import PgLibrary

        assert isinstance(library, PgLibrary)
        self._reloading = True
        try:
            synced = await in_own_thread(library.sync, self.corpus, name="reload")
        except Exception as err:
            return _reload_failed(err)
        finally:
            self._reloading = False
        done = "Reloaded" if synced.imported else "The shared records were up to date:"
        unread = f"; {plural(len(synced.errors), 'file')} could not be read, see the log" if synced.errors else ""
        summary = f"{done} {plural(synced.meetings, 'shared meeting')}{unread}."
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

    async def close(self) -> None:
        """Close the Discord connection and the database; the lanes' threads end with the process (none is waited for)."""
        self.quick.close()
        self.heavy.close()
        for child in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                child.kill()
        await super().close()
        if self.library is not None:
            self.library.close()

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
    except DatabaseUnavailable as err:
        print(f"{err}. Check VERBATIM_DATABASE_URL (or DATABASE_URL), or unset it to use SQLite.", file=sys.stderr)
        return 2
    except CorpusError as err:  # VERBATIM_SEARCH=postgres reads the corpus files only once connected
        print(err, file=sys.stderr)
        return 2
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

    def stop_loading(signum: int, frame: object) -> None:
        raise SystemExit(0)  # not connected yet: nothing to close; a half-saved snapshot is removed on the way out

    store: TurnStore | None = None
    if settings.search == "memory":  # with postgres the records stay in the database: nothing to build here
        previous = signal.signal(signal.SIGTERM, stop_loading)
        try:
            store, _ = build_store(corpus, settings.aliases, settings.cache_dir, limits=limits_of(settings))
        except CorpusError as err:
            print(err, file=sys.stderr)
            return 2
        finally:
            signal.signal(signal.SIGTERM, previous)
    warming = charts.warm_up()  # while the bot logs in: the first `!stats` then finds matplotlib loaded
    logging.getLogger("discord.http").setLevel(logging.WARNING)
    gc.freeze()  # as `_load` does after a reload
    bot = make_bot(settings, corpus, store)
    # Searches and !stats hold the GIL in worker threads: the event loop (gateway heartbeats, every
    # reply) gets it back after 1 ms instead of CPython's default 5 ms, once per waiting thread.
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        return asyncio.run(serve(bot, settings.discord_token.get_secret_value().strip()))
    finally:
        charts.finish_warming(warming)
