"""Rendering a `Reply` for Discord: embeds inside Discord's limits, text that cannot ping or format."""

from __future__ import annotations

import re

import discord

from bot.render_text import excerpt, where
from bot.replies import HelpReply, HitOut, Reply, SpeakerReply, WhosaidReply

MESSAGE_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
EXCERPT = 700

COLOUR_OK = discord.Colour.blurple()
COLOUR_ERROR = discord.Colour.red()
COLOUR_CLOSE = discord.Colour.gold()

_MENTION = re.compile(r"@(everyone|here)|<(@[!&]?|#)(\d+)>")
_MARKDOWN = re.compile(r"([\\*_`~|\[\]()])")
_LINE_START = re.compile(r"^(\s*)([>#-]|\d+\.)", re.MULTILINE)


def escape(text: str) -> str:
    """Transcript text as plain words: no markdown, no links, no mentions, no headings or quotes."""
    text = _MENTION.sub(lambda m: m.group(0).replace("@", "@\u200b").replace("<#", "<#\u200b"), text)
    text = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit < 2:
        return "…"[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    # never leave a dangling escape backslash
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut.rstrip() + "…"


def hit_field(hit: HitOut, limit: int = EXCERPT) -> tuple[str, str]:
    """(name, value) of one hit: who and where, then the words with the matched part in bold."""
    text, span = excerpt(hit.text, hit.span, limit)
    if span:
        value = f"{escape(text[: span[0]])}**{escape(text[span[0] : span[1]])}**{escape(text[span[1] :])}"
    else:
        value = escape(text)
    name = f"{hit.speaker} — {where(hit)}"
    if hit.score < 100:
        name += f" · score {hit.score:.0f}"
    if hit.url:
        value += f"\n[record]({hit.url})"
    return shorten(name, FIELD_NAME_LIMIT), shorten(value, FIELD_VALUE_LIMIT)


def _title(reply: Reply) -> str:
    if isinstance(reply, WhosaidReply) and reply.verdict:
        return f"{reply.verdict.capitalize()}: {reply.summary}"
    return reply.summary or reply.command


def render(reply: Reply) -> dict[str, object]:
    """Keyword arguments for `Messageable.send`: one embed, inside every limit."""
    if reply.error:
        return {"embed": discord.Embed(description=shorten(escape(reply.error), DESCRIPTION_LIMIT), colour=COLOUR_ERROR)}
    colour = COLOUR_CLOSE if isinstance(reply, WhosaidReply) and reply.verdict == "close" else COLOUR_OK
    embed = discord.Embed(title=shorten(escape(_title(reply)), TITLE_LIMIT), colour=colour)
    if isinstance(reply, HelpReply):
        lines = [f"`{usage}` — {escape(summary)}" for usage, summary in reply.commands]
        embed.description = shorten("\n".join(lines), DESCRIPTION_LIMIT)
        return {"embed": embed}
    if isinstance(reply, SpeakerReply) and reply.speaker:
        parts = []
        if len(reply.labels) > 1:
            parts.append("Printed as: " + escape(", ".join(reply.labels)))
        parts.append("Meetings: " + escape(", ".join(reply.meetings)))
        embed.description = shorten("\n".join(parts), DESCRIPTION_LIMIT)
    budget = EMBED_TOTAL_LIMIT - len(embed.title or "") - len(embed.description or "") - 100
    for hit in reply.hits[:FIELDS_LIMIT]:
        name, value = hit_field(hit)
        room = budget - len(name)
        if room < 80:
            break
        value = shorten(value, room)
        embed.add_field(name=name, value=value, inline=False)
        budget -= len(name) + len(value)
    more = reply.total - len(embed.fields)
    if more > 0:
        embed.set_footer(text=f"{more} more")
    return {"embed": embed}
