"""`!add` with a record attached, or `!add URL`: the record joins this server's records, searchable at once."""

from __future__ import annotations

import asyncio
import re
from collections import Counter

from bot.commands.base import Command, Request, UserError, plural
from bot.commands.server import in_server, require_records_permission
from bot.replies import AddReply
from parser.models import RecordError

_LINK = re.compile(r"(?i)^https?://\S+$")


def _how(prefix: str) -> str:
    return f"Attach a record file to `{prefix}add`, or give an http(s) link: `{prefix}add https://…`."


async def add(request: Request) -> AddReply:
    library, place, guild_id = in_server(request)
    require_records_permission(request, library, place, guild_id)
    settings = library.settings
    link = request.argument.strip()
    if request.files:
        upload = request.files[0]
        name, data, source = upload.name, upload.data, "attachment"
    elif link:
        url = link.split()[0].strip("<>")  # Discord users wrap a link in <…> to keep it from unfurling
        if not _LINK.match(url):
            raise UserError(_how(request.prefix))
        from bot.download import DownloadError, Limits, fetch  # aiohttp only when a link is given

        try:
            name, data = await fetch(
                url, Limits.of(settings.download_max_bytes, settings.download_timeout, settings.download_allow)
            )
        except DownloadError as err:
            raise UserError(f"Nothing was added. {err}") from None
        source = url
    else:
        raise UserError(_how(request.prefix))
    if len(data) > settings.download_max_bytes:
        from bot.download import size_said

        raise UserError(f"Nothing was added: the file is larger than {size_said(settings.download_max_bytes)}.")
    try:
        meeting, record = await asyncio.to_thread(library.add, guild_id, place.user_id, name, data, source)
    except RecordError as err:
        raise UserError(f"Nothing was added: {err.line()}") from None
    speakers = [label for label, _ in Counter(t.speaker for t in record.turns).most_common()]
    date = f" · {meeting.date.isoformat()}" if meeting.date else ""
    return AddReply(
        command="add",
        query=request.argument,
        summary=f"Added {meeting.title}{date}: {plural(len(record.turns), 'turn')}, {plural(len(speakers), 'speaker')}",
        lines=[
            f"Meeting id: {meeting.id}",
            "Speakers: " + ", ".join(speakers[:20]) + (f" and {len(speakers) - 20} more" if len(speakers) > 20 else ""),
            f"Searchable now: {request.prefix}quote WORDS meeting:{meeting.id}",
        ],
        meeting_id=meeting.id,
        title=meeting.title,
        date=meeting.date,
        turn_count=len(record.turns),
        speakers=speakers,
    )


COMMAND = Command(
    name="add",
    usage="add [URL] (or attach the record)",
    summary="Add a meeting record to this server's records: attach the file, or give an http(s) link.",
    handler=add,
    needs_argument=False,
    heavy=True,  # a link waits on another server for up to the download timeout: never in the searches' lane
)
