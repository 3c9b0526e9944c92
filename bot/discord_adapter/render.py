"""Rendering a `Reply` for Discord: embeds inside Discord's limits, text that cannot ping, format or link."""

from __future__ import annotations

import io
import re
from typing import Any

import discord

from bot.render_text import excerpt, place, remaining, timestamp, where
from bot.replies import ContextReply, HelpReply, HitOut, ListReply, MeetingsReply, Reply, SpeakerReply, StatsReply, WhosaidReply

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
EMBEDS_LIMIT = 10
EXCERPT = 700
FOCUS_EXCERPT = 1000
CONTEXT_EXCERPT = 350
SPEAKERS_LISTED = 6
STATS_ROWS = 15
SLACK = 100

COLOUR_OK = discord.Colour.blurple()
COLOUR_ERROR = discord.Colour.red()
COLOUR_CLOSE = discord.Colour.gold()

_EVERYONE = re.compile(r"@(everyone|here)", re.IGNORECASE)
_ANGLE = re.compile(r"<(?=[@#:/!&]|a:|t:)")
_SCHEME = re.compile(r"([A-Za-z0-9+.-]+):(?=//)")  # any run before "://", even one that starts with a digit
_MARKDOWN = re.compile(r"([\\*_`~|\[\]()<>])")
_LINE_START = re.compile(r"^(\s*)([#+-]|\d+\.)", re.MULTILINE)
_FILENAME = re.compile(r"[^A-Za-z0-9_.-]")
_CODE = re.compile(r"(`[^`\n]+`)")


def unmention(text: str) -> str:
    """Mention syntax broken by a zero-width space: `@everyone` and `<@id>` show as written and ping nobody."""
    return _ANGLE.sub("<\u200b", _EVERYONE.sub("@\u200b\\1", text))


def escape(text: str) -> str:
    """Transcript text as plain words: it cannot ping, link, quote, head, list or format anything."""
    text = _SCHEME.sub("\\1:\u200b", unmention(text))
    text = _MARKDOWN.sub(r"\\\1", text)
    return _LINE_START.sub(r"\1\\\2", text)


def escape_prose(text: str) -> str:
    """Our own sentences: `code spans` stay code (they cannot ping or link), everything else is escaped."""
    parts = _CODE.split(text)
    return "".join(unmention(part) if index % 2 else escape(part) for index, part in enumerate(parts))


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
    # An odd run of trailing backslashes would escape the ellipsis: drop the dangling one.
    cut = cut.rstrip()
    if (len(cut) - len(cut.rstrip("\\"))) % 2 == 1:
        cut = cut[:-1]
    return cut + "…"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL that cannot break out of a markdown link, or None."""
    if not url or not re.match(r"https?://", url, re.IGNORECASE) or any(c.isspace() for c in url):
        return None
    return url.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


def highlighted(text: str, span: tuple[int, int] | None, limit: int) -> str:
    """The words around the match, escaped, with the matched part in bold."""
    shown, at = excerpt(text, span, limit)
    if not at:
        return escape(shown)
    start, end = at
    while start < end and shown[start].isspace():
        start += 1
    while end > start and shown[end - 1].isspace():
        end -= 1
    if start == end:
        return escape(shown)
    return f"{escape(shown[:start])}**{escape(shown[start:end])}**{escape(shown[end:])}"


def hit_field(hit: HitOut, limit: int = EXCERPT) -> tuple[str, str]:
    """(name, value) of one hit: who and where, then the words with the matched part in bold."""
    name = f"{hit.speaker} — {where(hit)}"
    if hit.score < 100:
        name += f" · score {hit.score:.0f}"
    value = highlighted(hit.text, hit.span, limit) or "\u200b"
    return shorten(escape(name), FIELD_NAME_LIMIT), shorten(_with_link(value, hit.url), FIELD_VALUE_LIMIT)


def _with_link(value: str, url: str | None) -> str:
    """A field's text with a link to its record under it, when the record has a safe one."""
    link = safe_url(url)
    if not link:
        return value
    return shorten(value, FIELD_VALUE_LIMIT - len(link) - 20) + f"\n[open the record]({link})"


def paging(reply: Reply) -> tuple[int, int]:
    """(page, pages) of a reply that pages; (1, 1) for one that does not."""
    page = getattr(reply, "page", 1) or 1
    pages = getattr(reply, "pages", 1) or 1
    return int(page), max(int(pages), int(page))


def footer(reply: Reply, shown: int) -> str:
    """`N more · page 2 of 5`: what is not on screen is always said."""
    page, pages = paging(reply)
    more = 0 if pages > 1 and page >= pages else remaining(reply, shown)
    parts = [f"{more:,} more"] if more else []
    if pages > 1:
        parts.append(f"page {page} of {pages}")
    return " · ".join(parts)


class _Budget:
    """Adds fields to an embed while the whole stays inside 25 fields and 6000 characters."""

    def __init__(self, embed: discord.Embed, reserve: int) -> None:
        self.embed = embed
        self.left = EMBED_TOTAL_LIMIT - len(embed) - reserve - SLACK

    def add(self, name: str, value: str) -> bool:
        if len(self.embed.fields) >= FIELDS_LIMIT:
            return False
        room = self.left - len(name)
        if room < 80:
            return False
        value = shorten(value, min(room, FIELD_VALUE_LIMIT))
        self.embed.add_field(name=name, value=value, inline=False)
        self.left -= len(name) + len(value)
        return True


def _title(reply: Reply) -> str:
    if isinstance(reply, WhosaidReply) and reply.verdict:
        return f"{reply.verdict.capitalize()}: {reply.summary}"
    return reply.summary or reply.command


def _hits(embed: discord.Embed, reply: Reply) -> int:
    budget = _Budget(embed, reserve=60)
    shown = 0
    for hit in reply.hits:
        if not budget.add(*hit_field(hit)):
            break
        shown += 1
    return shown


def _meetings(embed: discord.Embed, reply: MeetingsReply) -> int:
    budget = _Budget(embed, reserve=60)
    shown = 0
    for m in reply.meetings:
        about = " · ".join(x for x in (m.date.isoformat() if m.date else "undated", m.language or "") if x)
        names = ", ".join(m.speakers[:SPEAKERS_LISTED])
        more = f" and {len(m.speakers) - SPEAKERS_LISTED} more" if len(m.speakers) > SPEAKERS_LISTED else ""
        value = f"id {escape(m.id)} · {m.turn_count:,} turns, {m.words:,} words\n{escape(names + more)}"
        if not budget.add(shorten(escape(f"{m.title} · {about}"), FIELD_NAME_LIMIT), _with_link(value, m.url)):
            break
        shown += 1
    return shown


def _context(embed: discord.Embed, reply: ContextReply) -> int:
    budget = _Budget(embed, reserve=60)
    for at, hit in enumerate(reply.hits):
        focus = at == reply.focus
        at_place = " · ".join(place(hit))
        name = f"{'▶ ' if focus else ''}{hit.turn_index} · {hit.speaker}" + (f" — {at_place}" if at_place else "")
        value = highlighted(hit.text, None, FOCUS_EXCERPT if focus else CONTEXT_EXCERPT) or "\u200b"
        if not budget.add(shorten(escape(name), FIELD_NAME_LIMIT), value):
            break
    link = safe_url(reply.hits[0].url) if reply.hits else None
    if link:
        embed.url = link
    return len(reply.hits)


def _stats(reply: StatsReply) -> str:
    lines: list[str] = []
    for s in reply.speakers[:STATS_ROWS]:
        time = f" · {timestamp(s.seconds)}" if s.seconds is not None else ""
        lines.append(f"**{escape(s.speaker)}** — {100 * s.share:.1f} % · {s.words:,} words · {s.turns:,} turns{time}")
    if len(reply.speakers) > STATS_ROWS:
        lines.append(f"… and {len(reply.speakers) - STATS_ROWS} more speakers")
    for m in reply.meetings[:STATS_ROWS]:
        date = m.date.isoformat() if m.date else "undated"
        lines.append(
            f"**{escape(m.title)}** ({date}) — {m.words:,} words, {m.turns:,} turns, {100 * m.share:.1f} % of the meeting"
        )
    if len(reply.meetings) > STATS_ROWS:
        lines.append(f"… and {len(reply.meetings) - STATS_ROWS} more meetings")
    if reply.seconds is not None:
        lines.append(f"Speaking time: {timestamp(reply.seconds)}")
    if reply.distinctive:
        lines.append("Distinctive words: " + escape(", ".join(reply.distinctive)))
    return shorten("\n".join(lines), DESCRIPTION_LIMIT)


def attachment_name(filename: str, index: int) -> str:
    """A file name Discord accepts in `attachment://`: ASCII letters, digits, `_.-` only."""
    name = _FILENAME.sub("_", filename) or "image.png"
    return f"{index}-{name}"


def _images(reply: Reply) -> list[tuple[str, bytes]]:
    """(attachment name, bytes) of each image of the reply, as many as the message has embeds for."""
    return [(attachment_name(image.filename, i), image.data) for i, image in enumerate(reply.attachments[:EMBEDS_LIMIT])]


def render(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for `Messageable.send`: embeds inside every limit, and the files their images show."""
    if reply.error:
        embed = discord.Embed(description=shorten(escape_prose(reply.error), DESCRIPTION_LIMIT), colour=COLOUR_ERROR)
        if isinstance(reply, WhosaidReply) and reply.nearest is not None:
            name, value = hit_field(reply.nearest)
            embed.add_field(name=shorten(f"Closest turn, not a match: {name}", FIELD_NAME_LIMIT), value=value, inline=False)
        return {"embed": embed}
    colour = COLOUR_CLOSE if isinstance(reply, WhosaidReply) and reply.verdict == "close" else COLOUR_OK
    embed = discord.Embed(title=shorten(escape(_title(reply)), TITLE_LIMIT), colour=colour)
    if isinstance(reply, HelpReply):
        lines = [f"`{usage.replace('`', '')}` — {escape_prose(summary)}" for usage, summary in reply.commands]
        embed.description = shorten("\n".join(lines), DESCRIPTION_LIMIT)
        embed.set_footer(text="Every command also works as a slash command: type / and pick Verbatim.")
        return {"embed": embed}
    if isinstance(reply, SpeakerReply) and reply.speaker:
        parts = []
        if len(reply.labels) > 1:
            parts.append("Printed as: " + escape(", ".join(reply.labels)))
        parts.append("Meetings: " + escape(", ".join(reply.meetings)))
        embed.description = shorten("\n".join(parts), DESCRIPTION_LIMIT)
    if isinstance(reply, ListReply):
        embed.description = shorten("\n".join(escape_prose(line) for line in reply.lines), DESCRIPTION_LIMIT) or None
    if isinstance(reply, StatsReply):
        embed.description = _stats(reply) or None
        shown = 0
    elif isinstance(reply, MeetingsReply):
        shown = _meetings(embed, reply)
    elif isinstance(reply, ContextReply):
        shown = _context(embed, reply)
    else:
        shown = _hits(embed, reply)
    note = footer(reply, shown)
    if note:
        embed.set_footer(text=shorten(note, FOOTER_LIMIT))
    images = _images(reply)
    if not images:
        return {"embed": embed}
    embeds = [embed]
    for index, (name, _) in enumerate(images):
        target = embed if index == 0 else discord.Embed(colour=colour)
        target.set_image(url=f"attachment://{name}")
        if index:
            embeds.append(target)
    # In memory: discord.py leaves a file it opened itself unclosed after an interaction response.
    return {"embeds": embeds, "files": [discord.File(io.BytesIO(data), filename=name) for name, data in images]}


def edit_kwargs(rendered: dict[str, Any]) -> dict[str, Any]:
    """The same message as keyword arguments for an edit: files replace the old attachments."""
    embeds = rendered.get("embeds") or [rendered["embed"]]
    return {"embeds": embeds, "attachments": rendered.get("files", [])}
