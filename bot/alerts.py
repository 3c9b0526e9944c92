"""Which watches a new record answers: each watch's words asked of the new record as `!quote` would ask them.

Transport-free: the Discord adapter posts what comes out, once per watch and record.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot import core
from bot.commands.base import plural
from bot.replies import AlertReply, QuoteReply
from parser.models import Meeting

if TYPE_CHECKING:
    from bot.library import Library

log = logging.getLogger(__name__)


def _quoted(value: str) -> str:
    return '"' + value.replace('"', "") + '"'


async def alerts_for(library: Library, meetings: list[Meeting], prefix: str = "!") -> list[AlertReply]:
    """One alert per watch that a turn of a new meeting answers: in the meeting's server, or every server for a shared one."""
    found: list[AlertReply] = []
    for meeting in meetings:
        for watch in library.watches(meeting.scope):
            view = library.view(watch.guild_id)
            if meeting.id not in view.meetings:
                continue
            argument = f"{watch.words} meeting:{_quoted(meeting.id)}"
            if watch.speaker:
                argument += f" speaker:{_quoted(watch.speaker)}"
            reply = await core.run(view, "quote", argument, prefix)
            if reply.error or not isinstance(reply, QuoteReply) or not reply.hits:
                continue
            date = f" · {meeting.date.isoformat()}" if meeting.date else ""
            said = f" said by {watch.speaker}" if watch.speaker else ""
            match = "matches" if reply.total == 1 else "match"
            found.append(
                AlertReply(
                    command="watch",
                    query=watch.words,
                    summary=f"New record {meeting.title}{date}: {plural(reply.total, 'turn')} {match} “{watch.words}”{said}",
                    hits=reply.hits[:1],
                    total=reply.total,
                    guild_id=watch.guild_id,
                    channel_id=watch.channel_id,
                    user_id=watch.user_id,
                    watch_id=watch.id,
                    meeting_id=meeting.id,
                )
            )
    return found
