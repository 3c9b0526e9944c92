"""Buttons under an answer: pages that only the person who asked can turn, and the context of each hit.

Pages are asked of the core again, never sliced here: a reply that pages names the command for its
next page (`next`); the view remembers every page it showed, for going back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol, TypeVar

import discord

from bot.commands import COMMANDS
from bot.commands.base import Place
from bot.discord_adapter.render import edit_kwargs, paging, render, shorten
from bot.replies import APOLOGY, AlertReply, ContextReply, HitOut, Reply

log = logging.getLogger(__name__)

PAGE_TIMEOUT = 180.0
DEFER_AFTER = 1.0  # seconds before a slow answer is deferred: well inside Discord's 3 s to answer an interaction
CONTEXT_BUTTONS = 5
LABEL_LIMIT = 80
T = TypeVar("T")
ButtonCallback = Callable[[discord.Interaction[Any]], Coroutine[Any, Any, None]]


class Asker(Protocol):
    """What the buttons need of the bot: a whole command line answered, and each person's cooldown (the client gives both)."""

    defer_after: float | None  # seconds before a slow answer is deferred (None: never)

    async def ask_message(self, message: str, place: Place | None = None) -> Reply: ...

    def wait_before(self, user_id: int) -> float | None: ...


def interaction_place(interaction: discord.Interaction[Any]) -> Place:
    """Where a button was pressed and by whom, as a command's `Place`."""
    permissions = interaction.permissions
    roles = frozenset(r.id for r in getattr(interaction.user, "roles", ()))
    return Place(interaction.guild_id, interaction.channel_id or 0, interaction.user.id, permissions.manage_guild, roles)


class AlertBot(Asker, Protocol):
    """What an alert needs of the bot: its channels, and answers for the alert's context button."""

    def get_channel(self, id: int, /) -> Any: ...

    async def fetch_channel(self, channel_id: int, /) -> Any: ...


async def in_time(work: Awaitable[T], on_slow: Callable[[], Awaitable[Any]], after: float | None) -> T:
    """Await `work`; if it is not done within `after` seconds, call `on_slow` (defer, typing) first; None: never."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=after)
    if not done:
        try:
            await on_slow()
        except discord.HTTPException:
            log.warning("could not defer or show typing; answering anyway", exc_info=True)
    return await task


def next_page(reply: Reply) -> str | None:
    """The command line of the reply's next page, when the core gives one."""
    line = getattr(reply, "next", None)
    return line if isinstance(line, str) and line else None


class ReplyView(discord.ui.View):
    """Previous/next pages and per-hit context buttons; only the person who asked may press them."""

    def __init__(self, bot: Asker, author_id: int, reply: Reply, asked: str) -> None:
        super().__init__(timeout=PAGE_TIMEOUT)
        self.bot = bot
        self.author_id = author_id
        self.reply = reply
        self.pages = [asked]
        self.index = 0
        self.message: discord.Message | None = None
        self._build()

    @classmethod
    def for_reply(cls, bot: Asker, author_id: int, reply: Reply, asked: str) -> ReplyView | None:
        """A view when the reply has pages or hits with context, else None (no empty button rows)."""
        view = cls(bot, author_id, reply, asked)
        return view if view.children else None

    def _build(self) -> None:
        """Buttons for the reply on show: rebuilt on every page, since each page has its own hits."""
        self.clear_items()
        reply = self.reply
        page, pages = paging(reply)
        back = self.index > 0
        forward = next_page(reply) is not None
        if back or forward:
            self._button("◀ Previous", "verbatim:prev", not back, self._previous, row=0)
            self._button(f"{page} / {pages}", "verbatim:page", True, None, row=0, style=discord.ButtonStyle.secondary)
            self._button("Next ▶", "verbatim:next", not forward, self._next, row=0)
        if "context" in COMMANDS and not isinstance(reply, ContextReply):
            for at, hit in enumerate([h for h in reply.hits if h.context][:CONTEXT_BUTTONS]):
                label = shorten(f"Context · {hit.speaker} · turn {hit.turn_index}", LABEL_LIMIT)
                self._button(
                    label, f"verbatim:context:{at}", False, self._context_of(hit), row=1, style=discord.ButtonStyle.secondary
                )

    def _button(
        self,
        label: str,
        custom_id: str,
        disabled: bool,
        callback: ButtonCallback | None,
        row: int,
        style: discord.ButtonStyle = discord.ButtonStyle.primary,
    ) -> None:
        button: discord.ui.Button[ReplyView] = discord.ui.Button(
            label=label, custom_id=custom_id, disabled=disabled, row=row, style=style
        )
        if callback is not None:
            button.callback = callback  # type: ignore[method-assign,assignment]  # discord.py documents this assignment
        self.add_item(button)

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the person who asked presses the buttons, and each press counts against their cooldown like a command."""
        if interaction.user.id != self.author_id:
            command = self.reply.command or "help"
            await interaction.response.send_message(
                f"Only the person who asked can use these buttons. Ask your own with `/{command}`.", ephemeral=True
            )
            return False
        return await self._within_cooldown(interaction)

    async def _within_cooldown(self, interaction: discord.Interaction[Any]) -> bool:
        """A press is one of the presser's commands: past their cooldown, they are told how long to wait."""
        wait = self.bot.wait_before(interaction.user.id)
        if wait:
            await interaction.response.send_message(
                f"Slow down: you can ask again in {max(1, math.ceil(wait))} s.", ephemeral=True
            )
            return False
        return True

    async def on_timeout(self) -> None:
        """Grey the buttons out, so nobody presses one that no longer answers."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        if self.message is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.message.edit(view=self)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]) -> None:
        """A bug behind a button: logged with its traceback, a short apology to the presser."""
        log.error("button %s failed", getattr(item, "custom_id", item), exc_info=error)
        with contextlib.suppress(discord.HTTPException):
            await send_new(interaction, content=APOLOGY, ephemeral=True)

    async def _previous(self, interaction: discord.Interaction[Any]) -> None:
        if self.index == 0:
            await interaction.response.defer()
            return
        await self._show(interaction, self.pages[self.index - 1], self.index - 1)

    async def _next(self, interaction: discord.Interaction[Any]) -> None:
        line = next_page(self.reply)
        if line is None:
            await interaction.response.defer()
            return
        await self._show(interaction, line, self.index + 1)

    async def _show(self, interaction: discord.Interaction[Any], line: str, index: int) -> None:
        """Ask the core for another page and put it in place of this one."""
        reply = await in_time(
            self.bot.ask_message(line, interaction_place(interaction)), interaction.response.defer, self.bot.defer_after
        )
        if reply.error:
            await _send(interaction, render(reply), None, ephemeral=True)
            return
        if index == len(self.pages) or self.pages[index] != line:
            del self.pages[index:]
            self.pages.append(line)
        self.index = index
        self.reply = reply
        self._build()
        kwargs = edit_kwargs(render(reply))
        if interaction.response.is_done():
            await interaction.edit_original_response(**kwargs, view=self)
        else:
            await interaction.response.edit_message(**kwargs, view=self)

    def _context_of(self, hit: HitOut) -> ButtonCallback:
        """The callback of one hit's context button: the core's own `context` command, as a new message."""

        async def show_context(interaction: discord.Interaction[Any]) -> None:
            line = hit.context or ""
            reply = await in_time(
                self.bot.ask_message(line, interaction_place(interaction)),
                lambda: interaction.response.defer(thinking=True),
                self.bot.defer_after,
            )
            view = ReplyView.for_reply(self.bot, interaction.user.id, reply, line)
            message = await _send(interaction, render(reply), view)
            if view is not None:
                view.message = message

        return show_context


class AlertView(ReplyView):
    """The context button under an alert: the whole channel was told, so anyone may press it (within their cooldown)."""

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return await self._within_cooldown(interaction)


async def send_alert(bot: AlertBot, alert: AlertReply) -> None:
    """Post an alert in its watch's channel; its mention may notify the watch's creator and nobody else."""
    channel = bot.get_channel(alert.channel_id) or await bot.fetch_channel(alert.channel_id)
    if not isinstance(channel, discord.abc.Messageable):
        log.warning("watch %s: channel %s cannot take messages", alert.watch_id, alert.channel_id)
        return
    view = AlertView.for_reply(bot, alert.user_id, alert, "")
    only_them = discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(alert.user_id)], replied_user=False)
    message = await channel.send(content=f"<@{alert.user_id}>", **render(alert), view=view, allowed_mentions=only_them)  # type: ignore[arg-type]
    if view is not None:
        view.message = message


async def _send(
    interaction: discord.Interaction[Any], rendered: dict[str, Any], view: discord.ui.View | None, ephemeral: bool = False
) -> discord.Message | None:
    """A new message in answer to a button, with its buttons if any."""
    kwargs = dict(rendered, ephemeral=ephemeral)
    if view is not None:
        kwargs["view"] = view
    return await send_new(interaction, **kwargs)


async def send_new(interaction: discord.Interaction[Any], **kwargs: Any) -> discord.Message | None:
    """A new message in answer to an interaction, whether or not it was deferred or answered already."""
    if interaction.response.is_done():
        return await interaction.followup.send(**kwargs, wait=True)
    response = await interaction.response.send_message(**kwargs)
    resource = response.resource
    return resource if isinstance(resource, discord.Message) else None
