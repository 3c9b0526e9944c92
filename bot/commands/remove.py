"""`!remove MEETING`: one of this server's added records goes, from the answers and from the database."""

from __future__ import annotations

import asyncio

from bot.commands.base import Command, Request, UserError
from bot.commands.lookup import resolve_meeting
from bot.commands.server import in_server, require_records_permission
from bot.replies import ListReply


async def remove(request: Request) -> ListReply:
    library, place, guild_id = in_server(request)
    require_records_permission(request, library, place, guild_id)
    meeting = resolve_meeting(request.store, request.argument, request.prefix)
    if meeting.scope != guild_id:
        raise UserError(f"{meeting.id} is one of the shared records: only records added in this server can be removed.")
    if not await asyncio.to_thread(library.remove, guild_id, meeting.id):
        raise UserError(f"{meeting.id} was removed already.")
    titled = f" · {meeting.title}" if meeting.title != meeting.id else ""
    return ListReply(command="remove", query=request.argument, summary=f"Removed {meeting.id}{titled}")


COMMAND = Command(
    name="remove",
    usage="remove MEETING",
    summary="Remove a record that was added in this server.",
    handler=remove,
    example="remove weekly-call-2024-05-01",
)
