"""The chat language: every command, registered once, looked up by name."""

from __future__ import annotations

from bot.commands import add, config, context, meetings, quote, remove, speaker, stats, unwatch, watch, watches, whosaid
from bot.commands.base import Command

COMMANDS: dict[str, Command] = {
    c.name: c
    for c in (
        quote.COMMAND,
        speaker.COMMAND,
        whosaid.COMMAND,
        meetings.COMMAND,
        context.COMMAND,
        stats.COMMAND,
        add.COMMAND,
        remove.COMMAND,
        watch.COMMAND,
        watches.COMMAND,
        unwatch.COMMAND,
        config.COMMAND,
    )
}
