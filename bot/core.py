"""The transport-free command core: a message as typed in chat in, a `Reply` out.

Mistakes of the person asking come back as a reply with `error`; our own bugs are logged with
their traceback and come back as a short apology, so the caller keeps serving.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from rapidfuzz import process

from bot.commands import COMMANDS
from bot.commands.base import MAX_ARGUMENT, Place, Request, Upload, UserError
from bot.replies import APOLOGY, HelpReply, Reply
from parser.index.archive import Archive
from parser.index.memory_archive import archive_of
from parser.index.postgres.connect import RecordsUnavailable  # psycopg itself loads only with a PostgreSQL store
from parser.index.store import TurnStore

if TYPE_CHECKING:
    from bot.library import Library

log = logging.getLogger(__name__)


def help_reply(prefix: str) -> HelpReply:
    entries = [(f"{prefix}{c.usage}", c.summary) for c in COMMANDS.values()]
    entries.append((f"{prefix}help", "This list."))
    entries.append(
        (
            "filters: speaker:NAME meeting:ID date:2021-03 lang:fr page:2",
            "After the words of any search. A speaker name of several words works as typed "
            '(`speaker:Goran Marby`), in quotes (`speaker:"Goran Marby"`) or joined (`speaker:Goran_Marby`); '
            "dates take a range too: `date:2021-01..2021-06`.",
        )
    )
    examples = ", ".join(f"`{prefix}{c.example}`" for c in COMMANDS.values() if c.example)
    return HelpReply(command="help", summary=f"Ask the meeting records. For example {examples}.", commands=entries)


def parse(message: str, prefix: str) -> tuple[str, str] | None:
    """(command, argument) of a message that starts with the prefix, else None."""
    text = message.strip()
    if not text.startswith(prefix):
        return None
    head, _, argument = text[len(prefix) :].partition(" ")
    return head.strip().lower(), argument.strip()


async def answer(store: TurnStore | Archive, message: str, prefix: str = "!", **where: Any) -> Reply:
    """Answer one chat message. Never raises."""
    parsed = parse(message, prefix)
    if parsed is None:
        return Reply(command="", query=message, error=f"Commands start with `{prefix}`: try `{prefix}help`.")
    name, argument = parsed
    return await run(store, name, argument, prefix, **where)


async def run(
    store: TurnStore | Archive,
    name: str,
    argument: str,
    prefix: str = "!",
    *,
    library: Library | None = None,
    place: Place | None = None,
    files: tuple[Upload, ...] = (),
) -> Reply:
    """Run command `name` on `argument` (asked at `place`, with `files`) of the records `store` holds
    (a `TurnStore` is asked through its archive). Never raises: errors come back in the reply."""
    if name in ("help", "h", "?"):
        return help_reply(prefix)
    command = COMMANDS.get(name)
    if command is None:
        near = process.extractOne(name, list(COMMANDS), score_cutoff=60) if name else None
        hint = f" Did you mean `{prefix}{near[0]}`?" if near else ""
        return Reply(command=name, query=argument, error=f"Unknown command `{prefix}{name}`.{hint} `{prefix}help` lists them.")
    if command.needs_argument and not argument and not files:
        return Reply(command=name, error=f"`{prefix}{name}` needs something to look for, e.g. `{prefix}{command.example}`.")
    if len(argument) > MAX_ARGUMENT:
        return Reply(
            command=name,
            query=argument[:50] + "…",
            error=f"That is {len(argument)} characters; `{prefix}{name}` takes at most {MAX_ARGUMENT}.",
        )
    try:
        archive = archive_of(store) if isinstance(store, TurnStore) else store
        request = Request(archive, name, argument, prefix, library=library, place=place, files=files)
        return await command.handler(request)
    except UserError as err:
        return Reply(command=name, query=argument, error=str(err))
    except RecordsUnavailable as err:  # PostgreSQL away or restarting: not a bug, and it passes
        log.warning("command %s%s %r: %s", prefix, name, argument, err)
        return Reply(command=name, query=argument, error=RecordsUnavailable.message)
    except Exception:
        log.exception("command %s%s %r failed", prefix, name, argument)
        return Reply(command=name, query=argument, error=APOLOGY)
