"""Rendering a `Reply` as plain text, for the chat console."""

from __future__ import annotations

import textwrap

from bot.replies import HelpReply, HitOut, Reply, SpeakerReply, WhosaidReply

EXCERPT = 300


def where(hit: HitOut) -> str:
    """Where the turn stands: meeting, date, page or time, and turn number."""
    parts = [hit.meeting_title or hit.meeting_id]
    if hit.date:
        parts.append(hit.date.isoformat())
    if hit.page is not None:
        parts.append(f"p. {hit.page}")
    if hit.start is not None:
        parts.append(timestamp(hit.start))
    parts.append(f"turn {hit.turn_index}")
    return " · ".join(parts)


def timestamp(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def excerpt(text: str, span: tuple[int, int] | None, limit: int = EXCERPT) -> tuple[str, tuple[int, int] | None]:
    """At most `limit` characters of `text` around the matched span, cut at words, with ellipses."""
    flat = " ".join(text.split())
    if len(text) <= limit and span is None:
        return flat, None
    if span is None:
        cut = flat[:limit].rsplit(" ", 1)[0]
        return cut + "…", None
    # Cut the original text so the span stays right; line breaks become spaces (same length).
    start, end = span
    room = max(0, limit - (end - start))
    lo = max(0, start - room // 2)
    hi = min(len(text), end + room - (start - lo))
    if lo > 0:
        space = text.find(" ", lo, start)
        lo = space + 1 if space != -1 else lo
    if hi < len(text):
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi
    before, match, after = (part.replace("\n", " ") for part in (text[lo:start], text[start:end], text[end:hi]))
    head = "…" if lo > 0 else ""
    tail = "…" if hi < len(text) else ""
    out = head + before + match + after + tail
    s = len(head) + len(before)
    return out, (s, s + len(match))


def render_hit(hit: HitOut, marker: tuple[str, str] = ("[", "]")) -> str:
    text, span = excerpt(hit.text, hit.span)
    if span:
        text = text[: span[0]] + marker[0] + text[span[0] : span[1]] + marker[1] + text[span[1] :]
    who = hit.speaker
    header = f"{who} — {where(hit)}"
    if hit.score < 100:
        header += f" (score {hit.score:.0f})"
    return header + "\n" + textwrap.indent(textwrap.fill(text, 96), "  ")


def render(reply: Reply) -> str:
    """The reply as the console prints it."""
    if reply.error:
        return reply.error
    lines: list[str] = []
    if isinstance(reply, HelpReply):
        lines.append(reply.summary)
        lines.extend(f"  {usage:<22} {summary}" for usage, summary in reply.commands)
        return "\n".join(lines)
    if isinstance(reply, WhosaidReply) and reply.verdict:
        lines.append(f"[{reply.verdict}] {reply.summary}")
    elif reply.summary:
        lines.append(reply.summary)
    if isinstance(reply, SpeakerReply) and reply.speaker:
        if len(reply.labels) > 1:
            lines.append("Printed as: " + ", ".join(reply.labels))
        lines.append("Meetings: " + ", ".join(reply.meetings))
        lines.append("First turns:")
    for hit in reply.hits:
        lines.append(render_hit(hit))
    if reply.total > len(reply.hits):
        lines.append(f"… and {reply.total - len(reply.hits)} more.")
    for path in reply.attachments:
        lines.append(f"Image: {path}")
    return "\n".join(lines)
