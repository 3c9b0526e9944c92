"""The fake gateway: HELLO, heartbeat ACKs, IDENTIFY → READY + GUILD_CREATE, RESUME with replay.

A `Session` outlives its websocket, as Discord's do: events sent while the bot is disconnected
are kept and replayed when it resumes with the sequence number it last saw.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from tests.fake_discord import payloads
from tests.fake_discord.payloads import Json

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250


@dataclass
class Session:
    """One gateway session (one shard): its sequence, what it was sent, and its current socket."""

    session_id: str
    shard: tuple[int, int] | None
    intents: int
    ws: web.WebSocketResponse | None
    seq: int = 0
    history: list[Json] = field(default_factory=list)
    resumes: int = 0
    close_codes: list[int | None] = field(default_factory=list)

    @property
    def connected(self) -> bool:
        return self.ws is not None and not self.ws.closed

    async def dispatch(self, event: str, data: Json) -> None:
        """Send one event now, or keep it for the replay when the bot resumes."""
        self.seq += 1
        frame = {"op": 0, "t": event, "s": self.seq, "d": data}
        self.history.append(frame)
        if self.connected:
            assert self.ws is not None
            await self.ws.send_str(json.dumps(frame))


class Gateway:
    """Websocket endpoints for `/gateway` and `/resume-gateway`, and event routing by shard."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.sessions: dict[int | None, Session] = {}
        self.identifies: list[Json] = []
        self.sockets: list[web.WebSocketResponse] = []

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}))
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op, data = frame.get("op"), frame.get("d")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    session = await self._identify(ws, data)
                elif op == 6:
                    session = await self._resume(ws, data)
        finally:
            if session is not None:
                session.close_codes.append(ws.close_code)
                if session.ws is ws:
                    session.ws = None
            self.fake.changed()
        return ws

    def _shard_key(self, shard: tuple[int, int] | None) -> int | None:
        return None if shard is None else shard[0]

    async def _identify(self, ws: web.WebSocketResponse, data: Json) -> Session | None:
        self.identifies.append(data)
        if data.get("token") != self.fake.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        allowed = payloads.FLAG_MESSAGE_CONTENT | payloads.FLAG_MESSAGE_CONTENT_LIMITED
        refused = self.fake.refused_intents | (0 if self.fake.app_flags & allowed else payloads.MESSAGE_CONTENT_INTENT)
        if intents & refused:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return None
        shard = tuple(data["shard"]) if data.get("shard") else None
        session = Session(payloads.token(), shard, intents, ws)  # type: ignore[arg-type]
        self.sessions[self._shard_key(session.shard)] = session
        guilds = [g for g in self.fake.guilds if self.fake.shard_of(int(g["id"]), session.shard) == self._shard_key(shard)]
        ready: Json = {
            "v": 10,
            "user": self.fake.bot_user,
            "guilds": [{"id": g["id"], "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "resume_gateway_url": f"{self.fake.ws_base}/resume-gateway",
            "application": {"id": str(self.fake.app_id), "flags": self.fake.app_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await session.dispatch("READY", ready)
        for g in guilds:
            await session.dispatch("GUILD_CREATE", g)
        self.fake.changed()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> Session | None:
        session = next((s for s in self.sessions.values() if s.session_id == data.get("session_id")), None)
        if session is None or data.get("token") != self.fake.token:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return None
        session.ws = ws
        seen = int(data.get("seq") or 0)
        for frame in session.history:
            if frame["s"] > seen:
                await ws.send_str(json.dumps(frame))
        session.resumes += 1
        await session.dispatch("RESUMED", {})
        self.fake.changed()
        return session

    async def dispatch(self, event: str, data: Json, guild_id: int | None = None) -> None:
        """Send an event to the shard that owns `guild_id` (shard 0 for DMs)."""
        session = self.session_for(guild_id)
        await session.dispatch(event, data)

    def session_for(self, guild_id: int | None) -> Session:
        if not self.sessions:
            raise AssertionError("no bot has identified with the fake gateway")
        any_session = next(iter(self.sessions.values()))
        key = None if any_session.shard is None else self.fake.shard_of(guild_id, any_session.shard)
        try:
            return self.sessions[key]
        except KeyError:
            raise AssertionError(f"no session for shard {key}") from None

    async def drop(self, code: int = 4000) -> None:
        """Close every live socket the way Discord does when it restarts a gateway node."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=code, message=b"Unknown error")

    def summary(self) -> dict[str, Any]:
        return {key: (s.session_id, s.seq, s.resumes, s.connected) for key, s in self.sessions.items()}
