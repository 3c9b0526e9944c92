"""Discord API objects as the real API sends them: just the fields discord.py 2.7 reads.

Snowflakes carry the current time in their top bits: discord.py treats an interaction whose id
is older than 15 minutes as expired, so ids are made from the clock, never made up.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
import threading
import time
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
ALL_PERMISSIONS = str((1 << 50) - 1)
MANAGE_GUILD = 1 << 5
# What @everyone may do in the fake's guilds: read, write, embed, attach, use commands; not manage the server.
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31) | (1 << 38))
MESSAGE_CONTENT_INTENT = 1 << 15
FLAG_MESSAGE_CONTENT = 1 << 18
FLAG_MESSAGE_CONTENT_LIMITED = 1 << 19
EPHEMERAL = 1 << 6

_counter = itertools.count()
_lock = threading.Lock()

Json = dict[str, Any]


def snowflake() -> int:
    """A fresh id whose timestamp is now, as Discord makes them."""
    with _lock:
        n = next(_counter)
    return ((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (n & 0x3FFFFF)


def snowflake_on_shard(shard_id: int, shard_count: int) -> int:
    """A guild id that Discord routes to `shard_id` ((id >> 22) % shard_count)."""
    while True:
        candidate = snowflake()
        if (candidate >> 22) % shard_count == shard_id:
            return candidate
        time.sleep(0.001)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def token() -> str:
    return secrets.token_urlsafe(24)


def user(name: str, *, bot: bool = False, user_id: int | None = None) -> Json:
    return {
        "id": str(user_id or snowflake()),
        "username": name,
        "global_name": name.capitalize(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def member(of: Json, roles: list[str] | None = None) -> Json:
    return {"user": of, "roles": roles or [], "joined_at": now_iso(), "deaf": False, "mute": False, "flags": 0, "pending": False}


def role(role_id: int, name: str, permissions: str, position: int = 1) -> Json:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": permissions,
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(guild_id: int, name: str = "general") -> Json:
    return {
        "id": str(snowflake()),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "rate_limit_per_user": 0,
    }


def dm_channel(recipient: Json) -> Json:
    return {"id": str(snowflake()), "type": 1, "recipients": [recipient], "last_message_id": None}


def guild(
    guild_id: int,
    name: str,
    owner: Json,
    members: list[Json],
    channels: list[Json],
    roles: list[Json] | None = None,
    member_roles: dict[str, list[str]] | None = None,
) -> Json:
    """A GUILD_CREATE payload: @everyone (members' permissions) and other roles, the members, the channels."""
    everyone = role(guild_id, "@everyone", MEMBER_PERMISSIONS, position=0)
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "owner_id": owner["id"],
        "unavailable": False,
        "member_count": len(members),
        "large": False,
        "features": [],
        "roles": [everyone, *(roles or [])],
        "emojis": [],
        "stickers": [],
        "members": [member(u, (member_roles or {}).get(u["id"])) for u in members],
        "channels": channels,
        "threads": [],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "joined_at": now_iso(),
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_flags": 0,
    }


def application(app_id: int, owner: Json, flags: int) -> Json:
    return {
        "id": str(app_id),
        "name": "Verbatim",
        "icon": None,
        "description": "",
        "rpc_origins": [],
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "summary": "",
        "verify_key": "0" * 64,
        "team": None,
        "flags": flags,
    }


def message(
    channel_id: int | str,
    author: Json,
    content: str,
    *,
    guild_id: int | None = None,
    embeds: list[Json] | None = None,
    components: list[Json] | None = None,
    attachments: list[Json] | None = None,
    flags: int = 0,
    roles: list[str] | None = None,
) -> Json:
    data: Json = {
        "id": str(snowflake()),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": embeds or [],
        "components": components or [],
        "pinned": False,
        "type": 0,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
        data["member"] = {k: v for k, v in member(author, roles).items() if k != "user"}
    return data


def attachment(attachment_id: int, name: str, size: int, url: str) -> Json:
    return {"id": str(attachment_id), "filename": name, "size": size, "url": url, "proxy_url": url, "content_type": "text/plain"}


def option(name: str, value: Any, focused: bool = False) -> Json:
    """An option as Discord sends it; an attachment (a dict with `filename`) by its id, a role by its id."""
    if isinstance(value, dict) and "filename" in value:
        return {"name": name, "type": 11, "value": value["id"]}
    if isinstance(value, dict) and "permissions" in value:
        return {"name": name, "type": 8, "value": value["id"]}
    kind = 5 if isinstance(value, bool) else 4 if isinstance(value, int) else 3
    found: Json = {"name": name, "type": kind, "value": value}
    if focused:
        found["focused"] = True
    return found


def interaction(
    kind: int,
    app_id: int,
    who: Json,
    channel: Json,
    data: Json,
    *,
    extra: Json | None = None,
    roles: list[str] | None = None,
    permissions: str = ALL_PERMISSIONS,
) -> Json:
    """An INTERACTION_CREATE payload, in a guild channel (member, with its roles and permissions) or a DM (user)."""
    payload: Json = {
        "id": str(snowflake()),
        "application_id": str(app_id),
        "type": kind,
        "token": token(),
        "version": 1,
        "data": data,
        "channel_id": channel["id"],
        "channel": channel,
        "app_permissions": ALL_PERMISSIONS,
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 8 * 1024 * 1024,
    }
    if channel.get("guild_id"):
        payload["guild_id"] = channel["guild_id"]
        payload["guild_locale"] = "en-US"
        payload["member"] = dict(member(who, roles), permissions=permissions)
        payload["context"] = 0
        payload["authorizing_integration_owners"] = {"0": channel["guild_id"]}
    else:
        payload["user"] = who
        payload["context"] = 1
        payload["authorizing_integration_owners"] = {"0": "0"}
    payload.update(extra or {})
    return payload
