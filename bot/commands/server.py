"""What the commands that change a server's records and watches share: a server, and who may."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.base import Place, Request, UserError

if TYPE_CHECKING:
    from bot.library import Library


def in_server(request: Request) -> tuple[Library, Place, int]:
    """The library, the place and the server's id; a one-line refusal outside a server (a DM, the console)."""
    library, place = request.library, request.place
    if library is None or place is None:
        raise UserError(
            f"`{request.prefix}{request.command}` works in a Discord server, for that server's records. "
            "Here, give record files with --corpus instead."
        )
    if place.guild_id is None:
        raise UserError(f"`{request.prefix}{request.command}` works in a server, not in direct messages.")
    return library, place, place.guild_id


def may_change_records(library: Library, place: Place, guild_id: int) -> bool:
    """Manage Server, or the role the server named with `config add-role`."""
    if place.manage_guild:
        return True
    role = library.add_role(guild_id)
    return role is not None and role in place.role_ids


def require_records_permission(request: Request, library: Library, place: Place, guild_id: int) -> None:
    if not may_change_records(library, place, guild_id):
        raise UserError(
            f"`{request.prefix}{request.command}` needs the Manage Server permission, "
            f"or the role a manager sets with `{request.prefix}config add-role ROLE`."
        )
