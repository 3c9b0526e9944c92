"""The REST routes the bot uses, each checked against Discord's own limits and rules.

A message over a limit, a second answer to one interaction, or an answer after Discord's 3 s all
fail here as they would on Discord, so the tests catch what users would see.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from tests.fake_discord import payloads
from tests.fake_discord.payloads import Json

if TYPE_CHECKING:
    from tests.fake_discord.server import FakeDiscord, Sent

Handler = Callable[["FakeDiscord", web.Request, list[str]], Awaitable[web.StreamResponse]]
ROUTES: list[tuple[str, tuple[str, ...], Handler]] = []
RESPONSE_DEADLINE = 3.0


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES.append((method, tuple(pattern.strip("/").split("/")), handler))
        return handler

    return register


def find(method: str, parts: list[str]) -> Handler | None:
    for m, pattern, handler in ROUTES:
        same_shape = m == method and len(pattern) == len(parts)
        if same_shape and all(p.startswith("{") or p == part for p, part in zip(pattern, parts, strict=True)):
            return handler
    return None


def respond(data: object = None, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON exactly as Discord sends it: discord.py reads the body as JSON only for this exact content type."""
    if status == 204:
        return web.Response(status=204)
    body = json.dumps(data).encode()
    return web.Response(status=status, body=body, headers={"Content-Type": "application/json", **(headers or {})})


def _bad(message: str, code: int = 50035, status: int = 400) -> web.Response:
    return respond({"message": message, "code": code}, status)


async def read_body(request: web.Request) -> tuple[Json, list[tuple[str, bytes]]]:
    """The JSON payload and the attached files, from a JSON or a multipart body."""
    if request.content_type.startswith("multipart/"):
        body: Json = {}
        files: list[tuple[str, bytes]] = []
        reader = await request.multipart()
        async for part in reader:
            if part.name == "payload_json":
                body = json.loads(await part.text())  # type: ignore[union-attr]
            else:
                files.append((part.filename or "", await part.read()))  # type: ignore[union-attr]
        return body, files
    if request.can_read_body:
        return await request.json(), []
    return {}, []


def limits_broken(body: Json) -> str | None:
    """The first of Discord's message limits this body breaks, or None."""
    if len(body.get("content") or "") > 2000:
        return "content longer than 2000"
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        return "more than 10 embeds"
    total = 0
    for e in embeds:
        for key, limit in (("title", 256), ("description", 4096)):
            if len(e.get(key) or "") > limit:
                return f"embed {key} longer than {limit}"
        if len(e.get("footer", {}).get("text", "")) > 2048:
            return "embed footer longer than 2048"
        fields = e.get("fields", [])
        if len(fields) > 25:
            return "more than 25 fields"
        for f in fields:
            if not f["name"] or len(f["name"]) > 256 or not f["value"] or len(f["value"]) > 1024:
                return f"field out of bounds: {f['name'][:40]!r}"
        total += len(e.get("title") or "") + len(e.get("description") or "") + len(e.get("footer", {}).get("text", ""))
        total += sum(len(f["name"]) + len(f["value"]) for f in fields)
    if total > 6000:
        return f"embeds total {total} > 6000"
    rows = body.get("components") or []
    if len(rows) > 5 or any(len(r.get("components", [])) > 5 for r in rows):
        return "more than 5 rows or 5 buttons a row"
    for c in (c for r in rows for c in r.get("components", [])):
        if len(c.get("label") or "") > 80 or len(c.get("custom_id") or "") > 100:
            return "button label or custom_id too long"
    return None


def new_message(fake: FakeDiscord, channel_id: str, body: Json, files: list[tuple[str, bytes]]) -> Json:
    attachments = [
        {
            "id": str(payloads.snowflake()),
            "filename": name,
            "size": len(data),
            "url": f"https://cdn.invalid/{name}",
            "proxy_url": f"https://media.invalid/{name}",
            "content_type": "image/png",
        }
        for name, data in files
    ]
    return payloads.message(
        channel_id,
        fake.bot_user,
        body.get("content") or "",
        embeds=body.get("embeds") or [],
        components=body.get("components") or [],
        attachments=attachments,
        flags=body.get("flags") or 0,
    )


def edit_sent(sent: Sent | None, body: Json, files: list[tuple[str, bytes]]) -> web.Response | None:
    """Edit a sent message as Discord would: an unknown one is a 404, one over a limit a 400; None once edited."""
    if sent is None:
        return _bad("Unknown Message", 10008, 404)
    broken = limits_broken(body)
    if broken:
        return _bad(f"Invalid Form Body: {broken}")
    apply_edit(sent.data, body, files)
    sent.edits += 1
    return None


def apply_edit(data: Json, body: Json, files: list[tuple[str, bytes]]) -> None:
    for key in ("content", "embeds", "components"):
        if key in body:
            data[key] = body[key]
    if "attachments" in body or files:
        data["attachments"] = [
            {"id": str(payloads.snowflake()), "filename": n, "size": len(b), "url": "", "proxy_url": ""} for n, b in files
        ]
    data["edited_timestamp"] = payloads.now_iso()


@route("GET", "/users/@me")
async def get_me(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    return respond(fake.bot_user)


@route("GET", "/oauth2/applications/@me")
async def get_application(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    return respond(payloads.application(fake.app_id, fake.owner, fake.app_flags))


@route("GET", "/gateway")
async def get_gateway(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    return respond({"url": f"{fake.ws_base}/gateway"})


@route("GET", "/channels/{channel}")
async def get_channel(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    """Any channel of any server the bot is in, whichever shard's gateway it came through (as Discord does)."""
    found = next((c for g in fake.guilds for c in g["channels"] if c["id"] == parts[1]), None)
    return respond(found) if found is not None else respond({"message": "Unknown Channel", "code": 10003}, 404)


@route("GET", "/gateway/bot")
async def get_gateway_bot(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    return respond({"url": f"{fake.ws_base}/gateway", "shards": fake.shard_count or 1, "session_start_limit": limit})


@route("POST", "/channels/{channel}/messages")
async def create_message(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    body, files = await read_body(request)
    broken = limits_broken(body)
    if broken:
        return _bad(f"Invalid Form Body: {broken}")
    data = new_message(fake, parts[1], body, files)
    fake.record(data, "channel", body, files)
    return respond(data)


@route("PATCH", "/channels/{channel}/messages/{message}")
async def edit_message(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    body, files = await read_body(request)
    sent = fake.find_sent(parts[3])
    return edit_sent(sent, body, files) or respond(sent.data)  # type: ignore[union-attr]


@route("POST", "/channels/{channel}/typing")
async def typing(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    return respond(status=204)


@route("POST", "/users/@me/channels")
async def open_dm(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    body, _ = await read_body(request)
    people = [fake.owner, fake.alice, fake.bob]
    who = next(u for u in people if u["id"] == str(body["recipient_id"]))
    return respond(fake.dm_with(who))


@route("POST", "/interactions/{id}/{token}/callback")
async def interaction_callback(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    interaction_id, token = parts[1], parts[2]
    interaction = fake.interactions.get(token)
    if interaction is None or interaction["id"] != interaction_id:
        return _bad("Unknown interaction", 10062, 404)
    age = time.time() - fake.dispatched_at[interaction_id]
    if fake.response_deadline is not None and age > fake.response_deadline:
        return _bad("Unknown interaction", 10062, 404)
    if any(c["interaction_id"] == interaction_id for c in fake.callbacks):
        return _bad("Interaction has already been acknowledged.", 40060)
    body, files = await read_body(request)
    kind, data = body["type"], body.get("data") or {}
    fake.callbacks.append({"interaction_id": interaction_id, "type": kind, "data": data, "age": age})
    answer: Json = {"id": interaction_id, "type": interaction["type"], "response_message_loading": kind == 5}
    answer["response_message_ephemeral"] = bool((data.get("flags") or 0) & payloads.EPHEMERAL)
    if kind == 8:
        choices = data.get("choices", [])
        if len(choices) > 25 or any(not 1 <= len(c["name"]) <= 100 or len(str(c["value"])) > 100 for c in choices):
            return _bad("Invalid Form Body: choices")
        return respond({"interaction": answer})
    if kind == 4:
        broken = limits_broken(data)
        if broken:
            return _bad(f"Invalid Form Body: {broken}")
        message = new_message(fake, interaction["channel_id"], data, files)
        fake.originals[token] = fake.record(message, "interaction", data, files, interaction_id)
        answer["response_message_id"] = message["id"]
        return respond({"interaction": answer, "resource": {"type": 4, "message": message}})
    if kind == 7:
        sent = fake.find_sent(interaction["message"]["id"])
        failed = edit_sent(sent, data, files)
        return failed or respond({"interaction": answer, "resource": {"type": 7, "message": sent.data}})  # type: ignore[union-attr]
    return respond({"interaction": answer})


def _original(fake: FakeDiscord, token: str) -> object:
    interaction = fake.interactions.get(token)
    if interaction is not None and interaction["type"] == 3 and token not in fake.originals:
        return fake.find_sent(interaction["message"]["id"])
    return fake.originals.get(token)


@route("POST", "/webhooks/{app}/{token}")
async def followup(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    token = parts[2]
    interaction = fake.interactions.get(token)
    if interaction is None:
        return _bad("Unknown Webhook", 10015, 404)
    body, files = await read_body(request)
    broken = limits_broken(body)
    if broken:
        return _bad(f"Invalid Form Body: {broken}")
    message = new_message(fake, interaction["channel_id"], body, files)
    sent = fake.record(message, "followup", body, files, interaction["id"])
    fake.originals.setdefault(token, sent)
    return respond(message)


@route("GET", "/webhooks/{app}/{token}/messages/{message}")
async def get_webhook_message(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    sent = _original(fake, parts[2]) if parts[4] == "@original" else fake.find_sent(parts[4])
    if sent is None:
        return _bad("Unknown Message", 10008, 404)
    return respond(sent.data)  # type: ignore[attr-defined]


@route("PATCH", "/webhooks/{app}/{token}/messages/{message}")
async def edit_webhook_message(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    sent = _original(fake, parts[2]) if parts[4] == "@original" else fake.find_sent(parts[4])
    body, files = await read_body(request)
    return edit_sent(sent, body, files) or respond(sent.data)  # type: ignore[arg-type, attr-defined]


def commands_broken(commands: list[Json]) -> str | None:
    """Discord's rules for slash commands: names, descriptions, options, choices."""
    for c in commands:
        if not 1 <= len(c["name"]) <= 32 or c["name"] != c["name"].lower():
            return f"bad name {c['name']!r}"
        if not 1 <= len(c.get("description", "")) <= 100:
            return f"bad description for {c['name']}"
        options = c.get("options", [])
        if len(options) > 25:
            return f"{c['name']}: more than 25 options"
        seen_optional = False
        for o in options:
            if not 1 <= len(o.get("description", "")) <= 100:
                return f"{c['name']} {o['name']}: bad description"
            if o.get("required") and seen_optional:
                return f"{c['name']}: a required option after an optional one"
            seen_optional = seen_optional or not o.get("required")
    return None


@route("PUT", "/applications/{app}/commands")
async def put_commands(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    return await _put(fake, request, "global")


@route("PUT", "/applications/{app}/guilds/{guild}/commands")
async def put_guild_commands(fake: FakeDiscord, request: web.Request, parts: list[str]) -> web.Response:
    return await _put(fake, request, parts[3])


async def _put(fake: FakeDiscord, request: web.Request, scope: str) -> web.Response:
    body = await request.json()
    broken = commands_broken(body)
    if broken:
        return _bad(f"Invalid Form Body: {broken}")
    stored = [dict(c, id=str(payloads.snowflake()), application_id=str(fake.app_id), version="1") for c in body]
    fake.commands[scope] = stored
    return respond(stored)
