"""`!unwatch N`: end a watch (its creator, or someone who may manage the server)."""

from __future__ import annotations

import asyncio

from bot.commands.base import Command, Request, UserError
from bot.commands.server import in_server
from bot.replies import ListReply


async def unwatch(request: Request) -> ListReply:
    library, place, guild_id = in_server(request)
    number = request.argument.strip().lstrip("#")
    if not number.isdigit():
        raise UserError(f"Which watch? Write its number, e.g. `{request.prefix}unwatch 3`; `{request.prefix}watches` lists them.")
    found = next((w for w in await asyncio.to_thread(library.watches, guild_id) if w.id == int(number)), None)
    if found is None:
        raise UserError(f"There is no watch {number} in this server; `{request.prefix}watches` lists this channel's.")
    if found.user_id != place.user_id and not place.manage_guild:
        raise UserError(f"Watch {number} is someone else's: only they, or a manager of the server, can end it.")
    await asyncio.to_thread(library.remove_watch, guild_id, found.id)
    return ListReply(command="unwatch", query=request.argument, summary=f"Ended watch {found.id}: “{found.words}”")


COMMAND = Command(
    name="unwatch",
    usage="unwatch N",
    summary="End a watch of this server.",
    handler=unwatch,
    example="unwatch 1",
)
