"""`!config add-role ROLE|none`: which role, besides Manage Server, may add and remove records."""

from __future__ import annotations

import asyncio
import re

from bot.commands.base import Command, Request, UserError
from bot.commands.server import in_server
from bot.replies import ListReply

_ROLE = re.compile(r"^(?:<@&(\d+)>|(\d+))$")


async def config(request: Request) -> ListReply:
    library, place, guild_id = in_server(request)
    setting, _, value = request.argument.strip().partition(" ")
    value = value.strip()
    if not setting:
        role = await asyncio.to_thread(library.add_role, guild_id)
        who = f"the role with id {role}" if role else "nobody else"
        return ListReply(
            command="config",
            summary="This server's settings",
            lines=[f"add-role: besides Manage Server, {who} may add and remove records."],
        )
    if setting.lower() != "add-role":
        raise UserError(f"The one setting is `add-role`: `{request.prefix}config add-role ROLE` (or `none`).")
    if not place.manage_guild:
        raise UserError("Only someone with the Manage Server permission can change this server's settings.")
    if value.lower() in ("none", "off", "-"):
        await asyncio.to_thread(library.set_add_role, guild_id, None)
        return ListReply(command="config", summary="Only members with Manage Server may add and remove records now.")
    found = _ROLE.match(value)
    if not found:
        raise UserError(f"Which role? Mention it, e.g. `{request.prefix}config add-role @Secretaries`, or write `none`.")
    role_id = int(found[1] or found[2])
    await asyncio.to_thread(library.set_add_role, guild_id, role_id)
    return ListReply(command="config", summary="Members with that role may now add and remove records, as managers can.")


COMMAND = Command(
    name="config",
    usage="config [add-role ROLE|none]",
    summary="This server's settings: which role may add and remove records.",
    handler=config,
    needs_argument=False,
)
