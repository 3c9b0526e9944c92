"""A small fake Discord on 127.0.0.1: REST under /api/v10, a websocket gateway, and a record of it all.

Tests drive it like users would (say, slash, click) and read what the bot sent back, with every
wait tied to an event and a timeout, never to a fixed sleep.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.fake_discord import payloads, rest
from tests.fake_discord.gateway import Gateway
from tests.fake_discord.payloads import Json
from tests.fake_discord.rest import respond

T = TypeVar("T")
TIMEOUT = 10.0
_RAW_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>")


@dataclass
class Fault:
    """A response the fake gives instead of the real one, `times` times, to requests matching `method path`."""

    method: str
    path: re.Pattern[str]
    status: int
    body: Json
    headers: dict[str, str]
    times: int = 1


@dataclass
class Sent:
    """A message the bot made, however it made it, as it stands after any edits."""

    data: Json
    via: str
    allowed_mentions: Json | None
    files: list[tuple[str, bytes]] = field(default_factory=list)
    interaction_id: str | None = None
    edits: int = 0

    @property
    def embeds(self) -> list[Json]:
        return self.data.get("embeds", [])

    @property
    def embed(self) -> Json:
        return self.embeds[0]

    @property
    def buttons(self) -> list[Json]:
        return [c for row in self.data.get("components", []) for c in row.get("components", [])]

    @property
    def ephemeral(self) -> bool:
        return bool(self.data.get("flags", 0) & payloads.EPHEMERAL)

    def texts(self) -> list[str]:
        """Every string a reader could see: content, and each part of each embed."""
        found = [self.data.get("content") or ""]
        for e in self.embeds:
            found += [e.get("title", ""), e.get("description", ""), e.get("footer", {}).get("text", "")]
            found += [part for f in e.get("fields", []) for part in (f["name"], f["value"])]
        return [t for t in found if t]

    def pinged(self) -> list[str]:
        """Who Discord would notify: mentions in the content, as far as allowed_mentions lets them."""
        allowed = self.allowed_mentions or {"parse": ["everyone", "users", "roles"]}
        parse = allowed.get("parse", [])
        users = {str(u) for u in allowed.get("users", [])}  # named one by one: only these
        content = self.data.get("content") or ""
        hits = [m.group(0) for m in _RAW_MENTION.finditer(content)]

        def pings(mention: str) -> bool:
            if mention.startswith("@"):
                return "everyone" in parse
            if mention.startswith("<@&"):
                return "roles" in parse
            if mention.startswith("<@"):
                return "users" in parse or mention.strip("<@!>") in users
            return False

        return [h for h in hits if pings(h)]

    def raw_mentions(self) -> list[str]:
        """Mention syntax anywhere in the message (an embed would show it as a mention pill)."""
        return [m.group(0) for t in self.texts() for m in _RAW_MENTION.finditer(t)]


class FakeDiscord:
    """The REST API, the gateway, a guild with a channel and three people, and what the bot did."""

    def __init__(
        self,
        *,
        app_flags: int = payloads.FLAG_MESSAGE_CONTENT_LIMITED,
        shard_count: int | None = None,
        response_deadline: float | None = None,
        refused_intents: int = 0,
        guild_count: int = 1,
    ) -> None:
        self.token = "fake-token"
        # Discord refuses an interaction answered after 3 s (rest.RESPONSE_DEADLINE); off unless a test sets it,
        # so that no test depends on how fast a loaded machine answers.
        self.response_deadline = response_deadline
        # Intents the gateway refuses (4014) whatever the application's flags say: a bot past 100
        # servers whose Message Content intent was never approved still shows the "limited" flag.
        self.refused_intents = refused_intents
        self.app_id = payloads.snowflake()
        self.app_flags = app_flags
        self.shard_count = shard_count
        self.bot_user = payloads.user("verbatim", bot=True, user_id=self.app_id)
        self.owner = payloads.user("owner")
        self.alice = payloads.user("alice")
        self.bob = payloads.user("bob")
        self.other_bot = payloads.user("otherbot", bot=True)
        people = [self.bot_user, self.owner, self.alice, self.bob, self.other_bot]
        self.guilds: list[Json] = []
        # Alice manages every server (a role with every permission); Bob is a plain member.
        self.member_roles: dict[tuple[str, str], list[str]] = {}
        for shard in range(shard_count or guild_count):
            gid = payloads.snowflake_on_shard(shard, shard_count) if shard_count else payloads.snowflake()
            managers = payloads.role(payloads.snowflake(), "Managers", payloads.ALL_PERMISSIONS, position=2)
            secretaries = payloads.role(payloads.snowflake(), "Secretaries", payloads.MEMBER_PERMISSIONS)
            self.member_roles[(str(gid), self.alice["id"])] = [managers["id"]]
            channels = [payloads.text_channel(gid), payloads.text_channel(gid, "records")]
            member_roles = {self.alice["id"]: [managers["id"]]}
            self.guilds.append(
                payloads.guild(gid, f"guild {shard}", self.owner, people, channels, [managers, secretaries], member_roles)
            )
        self.channel = self.guilds[0]["channels"][0]
        self.files: dict[str, tuple[str, bytes]] = {}
        self.dms: dict[str, Json] = {}
        self.sent: list[Sent] = []
        self.requests: list[tuple[str, str]] = []
        self.unexpected: list[tuple[str, str]] = []
        self.callbacks: list[Json] = []
        self.interactions: dict[str, Json] = {}
        self.dispatched_at: dict[str, float] = {}
        self.originals: dict[str, Sent] = {}
        self.commands: dict[str, list[Json]] = {}
        self.faults: list[Fault] = []
        self.gateway = Gateway(self)
        self._changed = asyncio.Event()
        self._server: TestServer | None = None

    # ----- lifecycle -----

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/resume-gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        app.router.add_get("/files/{id}/{name}", self._file)
        app.router.add_get("/redirect", self._redirect)
        self._server = TestServer(app, host="127.0.0.1")
        await self._server.start_server()

    async def close(self) -> None:
        for ws in self.gateway.sockets:
            if not ws.closed:
                await ws.close()
        if self._server is not None:
            await self._server.close()

    async def _file(self, request: web.Request) -> web.Response:
        """An attachment's bytes, as Discord's CDN serves them (and any file a test serves as a link)."""
        found = self.files.get(request.match_info["id"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[1], headers={"Content-Type": "application/octet-stream"})

    async def _redirect(self, request: web.Request) -> web.Response:
        """A redirect to wherever the test says (`?to=`): links that lead elsewhere."""
        return web.Response(status=302, headers={"Location": request.query["to"]})

    def serve_file(self, name: str, data: bytes) -> Json:
        """A file on the fake's CDN: its attachment payload (its `url` downloads it)."""
        file_id = payloads.snowflake()
        self.files[str(file_id)] = (name, data)
        return payloads.attachment(file_id, name, len(data), f"http://127.0.0.1:{self.port}/files/{file_id}/{name}")

    def roles_of(self, who: Json, channel: Json) -> list[str]:
        return self.member_roles.get((str(channel.get("guild_id")), who["id"]), [])

    def give_role(self, who: Json, role_name: str, guild: Json | None = None) -> Json:
        """Give a person one of a guild's roles (by name); the role's payload."""
        guild = guild or self.guilds[0]
        found = next(r for r in guild["roles"] if r["name"] == role_name)
        self.member_roles.setdefault((guild["id"], who["id"]), []).append(found["id"])
        return found

    def permissions_of(self, who: Json, channel: Json) -> str:
        """What Discord resolves for a member: everything for the owner and managers, a member's rights otherwise."""
        guild = next((g for g in self.guilds if g["id"] == channel.get("guild_id")), None)
        if guild is None or who["id"] == guild["owner_id"]:
            return payloads.ALL_PERMISSIONS
        mine = set(self.roles_of(who, channel))
        if any(r["id"] in mine and r["permissions"] == payloads.ALL_PERMISSIONS for r in guild["roles"]):
            return payloads.ALL_PERMISSIONS
        return payloads.MEMBER_PERMISSIONS

    @property
    def port(self) -> int:
        assert self._server is not None and self._server.port is not None
        return self._server.port

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def shard_of(self, guild_id: int | None, shard: tuple[int, int] | None) -> int | None:
        if shard is None:
            return None
        return 0 if guild_id is None else (guild_id >> 22) % shard[1]

    # ----- waiting -----

    def changed(self) -> None:
        """Wake every waiter: something arrived or changed."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, found: Callable[[], T | None], timeout: float = TIMEOUT, what: str = "") -> T:
        """The first non-empty value of `found()`, re-checked whenever the fake sees something new."""

        async def poll() -> T:
            while True:
                value = found()
                if value:
                    return value
                await self._changed.wait()

        try:
            return await asyncio.wait_for(poll(), timeout)
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what or found}; the bot sent {[s.data for s in self.sent]}") from None

    async def ready(self, shard: int | None = None) -> None:
        """Wait until the bot has identified and been sent its guilds."""
        await self.wait_for(lambda: shard in self.gateway.sessions, what=f"IDENTIFY of shard {shard}")

    async def next_sent(self, after: int, channel_id: str | None = None, what: str = "a message") -> Sent:
        """The first message the bot made after `after` messages (in that channel, if given)."""

        def find() -> Sent | None:
            return next((s for s in self.sent[after:] if channel_id in (None, s.data["channel_id"])), None)

        return await self.wait_for(find, what=what)

    # ----- what people do -----

    async def say(
        self,
        content: str,
        *,
        author: Json | None = None,
        dm: bool = False,
        channel: Json | None = None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> int:
        """A MESSAGE_CREATE from someone (with files attached); returns how many messages the bot had sent before it."""
        who = author or self.alice
        mark = len(self.sent)
        attached = [self.serve_file(name, data) for name, data in files or []]
        if dm:
            data = payloads.message(self.dm_with(who)["id"], who, content, attachments=attached)
            await self.gateway.dispatch("MESSAGE_CREATE", data, None)
            return mark
        where = channel or self.channel
        gid = int(where["guild_id"])
        data = payloads.message(where["id"], who, content, guild_id=gid, attachments=attached, roles=self.roles_of(who, where))
        session = self.gateway.session_for(gid)
        mentioned = f"<@{self.bot_user['id']}>" in content or f"<@!{self.bot_user['id']}>" in content
        if not session.intents & payloads.MESSAGE_CONTENT_INTENT and not mentioned:
            data["content"] = ""
        await session.dispatch("MESSAGE_CREATE", data)
        return mark

    def restarting(self) -> None:
        """The bot's process ended: forget its gateway sessions, so the next one is waited for afresh."""
        self.gateway.sessions.clear()

    def dm_with(self, who: Json) -> Json:
        if who["id"] not in self.dms:
            self.dms[who["id"]] = payloads.dm_channel(who)
        return self.dms[who["id"]]

    async def interact(
        self,
        kind: int,
        data: Json,
        *,
        user: Json | None = None,
        dm: bool = False,
        extra: Json | None = None,
        channel: Json | None = None,
    ) -> Json:
        """Any INTERACTION_CREATE, stamped with the time Discord's 3 s answer window opens."""
        who = user or self.alice
        where = self.dm_with(who) if dm else channel or self.channel
        roles, permissions = self.roles_of(who, where), self.permissions_of(who, where)
        payload = payloads.interaction(kind, self.app_id, who, where, data, extra=extra, roles=roles, permissions=permissions)
        self.interactions[payload["token"]] = payload
        guild_id = None if dm else int(where["guild_id"])
        self.dispatched_at[payload["id"]] = time.time()
        await self.gateway.dispatch("INTERACTION_CREATE", payload, guild_id)
        return payload

    async def slash(
        self, name: str, /, *, user: Json | None = None, dm: bool = False, channel: Json | None = None, **options: Any
    ) -> Json:
        """A slash command as Discord sends it: INTERACTION_CREATE of type 2 (attachments and roles resolved)."""
        data: Json = {"id": str(payloads.snowflake()), "name": name, "type": 1}
        data["options"] = [payloads.option(k, v) for k, v in options.items() if v is not None]
        resolved: Json = {}
        for value in options.values():
            if isinstance(value, dict) and "filename" in value:
                resolved.setdefault("attachments", {})[value["id"]] = value
            elif isinstance(value, dict) and "permissions" in value:
                resolved.setdefault("roles", {})[value["id"]] = value
        if resolved:
            data["resolved"] = resolved
        return await self.interact(2, data, user=user, dm=dm, channel=channel)

    async def autocomplete(self, name: str, focused: str, typed: str, channel: Json | None = None, **others: Any) -> Json:
        """Typing in an autocomplete option: INTERACTION_CREATE of type 4."""
        options = [payloads.option(k, v) for k, v in others.items()] + [payloads.option(focused, typed, focused=True)]
        data = {"id": str(payloads.snowflake()), "name": name, "type": 1, "options": options}
        return await self.interact(4, data, channel=channel)

    async def click(self, sent: Sent, custom_id: str, *, user: Json | None = None) -> Json:
        """Pressing a button of a message the bot sent: INTERACTION_CREATE of type 3."""
        data = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(3, data, user=user, extra={"message": sent.data})

    async def answer_to(self, interaction: Json, what: str = "an interaction answer") -> Json:
        """The callback the bot made for one interaction."""
        return await self.wait_for(
            lambda: next((c for c in self.callbacks if c["interaction_id"] == interaction["id"]), None), what=what
        )

    async def message_for(self, interaction: Json, after: int = 0) -> Sent:
        """The message an interaction produced: its response, or a follow-up after a deferral."""
        return await self.wait_for(
            lambda: next((s for s in self.sent[after:] if s.interaction_id == interaction["id"]), None),
            what=f"a message for interaction {interaction['data'].get('name') or interaction['data'].get('custom_id')}",
        )

    async def drop(self, code: int = 4000) -> None:
        await self.gateway.drop(code)

    def fail_next(self, method: str, path: str, status: int, body: Json, headers: dict[str, str] | None = None) -> None:
        """Answer the next request to `method path` (a regex on the path after /api/v10) with this error."""
        self.faults.append(Fault(method, re.compile(path), status, body, headers or {}))

    def rate_limit_next(self, method: str, path: str, retry_after: float) -> None:
        """A per-route 429 as Discord sends it (discord.py only trusts one with a Via header)."""
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        self.fail_next(method, path, 429, body, {"Via": "1.1 google", "Retry-After": str(retry_after)})

    # ----- REST -----

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        self.requests.append((request.method, path))
        try:
            return await self._route(request, path)
        finally:
            self.changed()

    async def _route(self, request: web.Request, path: str) -> web.StreamResponse:
        for fault in self.faults:
            if fault.times and fault.method == request.method and fault.path.fullmatch(path):
                fault.times -= 1
                return respond(fault.body, fault.status, fault.headers)
        auth = request.headers.get("Authorization", "")
        is_interaction = path.startswith(("/interactions/", "/webhooks/"))
        if not is_interaction and auth != f"Bot {self.token}":
            return respond({"message": "401: Unauthorized", "code": 0}, 401)
        method = request.method
        parts = path.strip("/").split("/")
        handler = rest.find(method, parts)
        if handler is None:
            self.unexpected.append((method, path))
            return respond({"message": "404: Not Found", "code": 0}, 404)
        return await handler(self, request, parts)

    def record(self, data: Json, via: str, body: Json, files: list[tuple[str, bytes]], interaction_id: str | None = None) -> Sent:
        sent = Sent(data, via, body.get("allowed_mentions"), files, interaction_id)
        self.sent.append(sent)
        return sent

    def find_sent(self, message_id: str) -> Sent | None:
        return next((s for s in self.sent if s.data["id"] == message_id), None)
