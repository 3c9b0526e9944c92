"""`!watch WORDS [speaker:NAME]`: be told in this channel when a new record has a turn `!quote WORDS` lists."""

from __future__ import annotations

import asyncio
import re

from bot.commands.base import Command, Request, UserError
from bot.commands.server import in_server
from bot.library import LimitError
from bot.replies import ListReply

_SPEAKER = re.compile(r"(?<!\S)speaker:(?:\"([^\"]*)\"|“([^”]*)”|(\S+))", re.IGNORECASE)
_OTHER_FILTER = re.compile(r"(?<!\S)(meeting|date|lang|language|page|p):\S", re.IGNORECASE)


def watch_words(argument: str) -> tuple[str, str | None]:
    """The words to watch for and the speaker, if one is named (`speaker:León` or `speaker:"León Sánchez"`)."""
    found = _SPEAKER.search(argument)
    speaker = None
    if found:
        speaker = next(g for g in found.groups() if g is not None).replace("_", " ").strip() or None
        argument = argument[: found.start()] + argument[found.end() :]
    return " ".join(argument.split()), speaker


async def watch(request: Request) -> ListReply:
    library, place, guild_id = in_server(request)
    words, speaker = watch_words(request.argument)
    if not words:
        raise UserError(f"Which words? For example `{request.prefix}{COMMAND.example}`.")
    if _OTHER_FILTER.search(words):
        raise UserError("A watch takes words and, if you like, `speaker:NAME`; it looks at every new record.")
    try:
        made = await asyncio.to_thread(library.add_watch, guild_id, place.channel_id, place.user_id, words, speaker)
    except LimitError as err:
        raise UserError(f"{err} End one with `{request.prefix}unwatch N`.") from None
    who = f" said by {speaker}" if speaker else ""
    return ListReply(
        command="watch",
        query=request.argument,
        summary=f"Watch {made.id}: “{words}”{who}, in this channel",
        lines=[
            f"When a record added later has a turn that `{request.prefix}quote {words}` lists, it is posted here, naming you.",
            f"`{request.prefix}watches` lists this channel's watches; `{request.prefix}unwatch {made.id}` ends this one.",
        ],
    )


COMMAND = Command(
    name="watch",
    usage="watch WORDS [speaker:…]",
    summary="Be told in this channel when a new record has a turn with these words.",
    handler=watch,
    example="watch DNS abuse",
)
