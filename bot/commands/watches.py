"""`!watches`: the watches of this channel."""

from __future__ import annotations

import asyncio

from bot.commands.base import Command, Request
from bot.commands.server import in_server
from bot.library import watches_said
from bot.replies import ListReply


async def watches(request: Request) -> ListReply:
    library, place, guild_id = in_server(request)
    found = await asyncio.to_thread(library.watches, guild_id, place.channel_id)
    if not found:
        return ListReply(
            command="watches",
            error=f"This channel has no watches. `{request.prefix}watch WORDS` starts one.",
        )
    lines = [f"{w.id}: “{w.words}”" + (f" said by {w.speaker}" if w.speaker else "") for w in found]
    return ListReply(
        command="watches",
        summary=f"{watches_said(len(found))} in this channel",
        lines=[*lines, f"`{request.prefix}unwatch N` ends watch N."],
        total=len(found),
    )


COMMAND = Command(
    name="watches",
    usage="watches",
    summary="The watches of this channel.",
    handler=watches,
    needs_argument=False,
)
