"""Rendering a `Reply` as plain text, for the chat console."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from bot.replies import (
    ContextReply,
    HelpReply,
    HitOut,
    ListReply,
    MeetingsReply,
    Reply,
    SpeakerReply,
    StatsReply,
    WhosaidReply,
)

EXCERPT = 300
FOCUS_EXCERPT = 1200
SPEAKERS_LISTED = 5


def place(hit: HitOut) -> list[str]:
    """Where in its record the turn stands: chat or speech, its page, its time."""
    parts = ["chat"] if hit.chat else []
    parts += [f"p. {hit.page}"] if hit.page is not None else []
    if hit.start is not None and math.isfinite(hit.start):  # a store built past the door may hold any float
        parts.append(timestamp(hit.start))
    return parts


def where(hit: HitOut) -> str:
    """Where the turn stands: meeting, date, page or time, and turn number."""
    parts = [hit.meeting_title or hit.meeting_id]
    if hit.date:
        parts.append(hit.date.isoformat())
    parts += place(hit)
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
    body = header + "\n" + textwrap.indent(textwrap.fill(text, 96), "  ")
    if hit.url:
        body += f"\n  ↗ {hit.url}"
    return body + f"\n  ↳ {hit.context}" if hit.context else body


def remaining(reply: Reply, shown: int) -> int:
    """How many matches are on no page up to this one: `total` less the pages before and this one."""
    page = getattr(reply, "page", 1) or 1
    per_page = getattr(reply, "per_page", None) or shown
    return max(0, reply.total - (page - 1) * per_page - shown)


def image_lines(reply: Reply, saved: Sequence[str]) -> list[str]:
    """Where each image of the reply can be opened (a terminal shows none), else its name and size."""
    return [
        f"Image: {saved[i]}" if i < len(saved) else f"Image: {image.filename} ({len(image.data):,} bytes, not saved)"
        for i, image in enumerate(reply.attachments)
    ]


def render(reply: Reply, saved: Sequence[str] = ()) -> str:
    """The reply as the console prints it; `saved`: where the console wrote the reply's images."""
    if reply.error:
        nearest = reply.nearest if isinstance(reply, WhosaidReply) else None
        return reply.error + (f"\nThe closest turn, which is not a match:\n{render_hit(nearest)}" if nearest else "")
    lines: list[str] = []
    if isinstance(reply, HelpReply):
        lines.append(reply.summary)
        lines.extend(f"  {usage:<22} {summary}" for usage, summary in reply.commands)
        return "\n".join(lines)
    if isinstance(reply, MeetingsReply):
        return render_meetings(reply)
    if isinstance(reply, ContextReply):
        return render_context(reply)
    if isinstance(reply, StatsReply):
        return render_stats(reply, saved)
    if isinstance(reply, WhosaidReply) and reply.verdict:
        lines.append(f"[{reply.verdict}] {reply.summary}")
    elif reply.summary:
        lines.append(reply.summary)
    if isinstance(reply, ListReply):
        lines.extend(reply.lines)
    if isinstance(reply, SpeakerReply) and reply.speaker:
        if len(reply.labels) > 1:
            lines.append("Printed as: " + ", ".join(reply.labels))
        lines.append("Meetings: " + ", ".join(reply.meetings))
        lines.append("First turns:")
    for hit in reply.hits:
        lines.append(render_hit(hit))
    more = remaining(reply, len(reply.hits))
    if more:
        lines.append(f"… and {more} more.")
    if next_page := getattr(reply, "next", None):
        lines.append(f"Next page: {next_page}")
    lines.extend(image_lines(reply, saved))
    return "\n".join(lines)


def render_meetings(reply: MeetingsReply) -> str:
    """One entry per meeting: id, title, date and language, then turns, words and who spoke."""
    lines = [reply.summary]
    for m in reply.meetings:
        about = ", ".join(x for x in (m.date.isoformat() if m.date else "undated", m.language) if x)
        names = ", ".join(m.speakers[:SPEAKERS_LISTED])
        more = f" and {len(m.speakers) - SPEAKERS_LISTED} more" if len(m.speakers) > SPEAKERS_LISTED else ""
        lines.append(f"• {m.id} — {m.title} ({about})")
        lines.append(f"  {m.turn_count:,} turns, {m.words:,} words · {len(m.speakers)} speakers: {names}{more}")
    if reply.next:
        lines.append(f"Next page: {reply.next}")
    return "\n".join(lines)


def render_context(reply: ContextReply) -> str:
    """The turns in record order, the one asked for marked with ▶ and shown at greater length."""
    lines = [reply.summary]
    if reply.hits and reply.hits[0].turn_index == 0:
        lines.append("  (start of the record)")
    for at, hit in enumerate(reply.hits):
        focus = at == reply.focus
        text, _ = excerpt(hit.text, None, FOCUS_EXCERPT if focus else EXCERPT)
        at_place = " · ".join(place(hit))
        head = f"{'▶' if focus else ' '} {hit.turn_index:>3}  {hit.speaker}" + (f" — {at_place}" if at_place else "")
        lines.append(head)
        lines.append(textwrap.indent(textwrap.fill(text, 96), "        "))
    if reply.hits and reply.hits[-1].turn_index == reply.meeting_turns - 1:
        lines.append("  (end of the record)")
    return "\n".join(lines)


def render_stats(reply: StatsReply, saved: Sequence[str] = ()) -> str:
    """A table of speakers (meeting or corpus), or a speaker's meetings and distinctive words."""
    lines = [reply.summary]
    timed = reply.seconds is not None
    if reply.speakers:
        width = max(len(s.speaker) for s in reply.speakers)
        lines.append(f"  {'speaker':<{width}}  turns    words   share" + ("     time" if timed else ""))
        for s in reply.speakers:
            time = "" if not timed else f"  {timestamp(s.seconds):>7}" if s.seconds is not None else f"  {'–':>7}"
            lines.append(f"  {s.speaker:<{width}}  {s.turns:>5}  {s.words:>7,}  {100 * s.share:5.1f} %{time}")
    for m in reply.meetings:
        date = m.date.isoformat() if m.date else "undated"
        lines.append(
            f"  {date}  {m.meeting_id}: {m.turns} turns, {m.words:,} words ({100 * m.share:.1f} % of the meeting's words)"
        )
    if timed and reply.scope == "speaker":
        lines.append(f"Speaking time: {timestamp(reply.seconds or 0.0)}")
    elif timed:
        lines.append(f"Speaking time, where the record is timed: {timestamp(reply.seconds or 0.0)}")
    if reply.distinctive:
        lines.append("Distinctive words: " + ", ".join(reply.distinctive))
    lines.extend(image_lines(reply, saved))
    return "\n".join(lines)
