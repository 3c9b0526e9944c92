"""The local chat console and one-shot `ask`: the same messages as in Discord, printed as text."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence

from bot.core import answer
from bot.render_text import render
from bot.replies import Reply
from parser.index.archive import Archive
from parser.index.store import TurnStore


def save_images(reply: Reply) -> list[str]:
    """Each image of the reply in a new file of the temp folder, for the console user to open."""
    saved = []
    for image in reply.attachments:
        stem, dot, extension = image.filename.rpartition(".")
        handle, path = tempfile.mkstemp(prefix=f"verbatim-{stem if dot else extension}-", suffix=f".{extension}" if dot else "")
        with os.fdopen(handle, "wb") as out:
            out.write(image.data)
        saved.append(path)
    return saved


async def ask(store: TurnStore | Archive, messages: Sequence[str], prefix: str, as_json: bool = False) -> int:
    """Answer each message; exit status 1 if any reply is an error."""
    failed = False
    for message in messages:
        reply = await answer(store, message, prefix)
        failed |= reply.error is not None
        if as_json:
            # The contract lists each chart as the path of a file holding it, as before charts were made in memory.
            dumped = reply.model_dump(mode="json")
            dumped["attachments"] = save_images(reply)
            print(json.dumps(dumped, ensure_ascii=False))
        else:
            print(render(reply, save_images(reply)))
            print()
    return 1 if failed else 0


async def chat(store: TurnStore | Archive, prefix: str) -> int:
    """Read messages until end of input or `quit`, answering each as the bot would."""
    meetings, turns, _ = (len(store.meetings), len(store), 0) if isinstance(store, TurnStore) else store.totals()
    print(
        f"Verbatim — {meetings} meeting{'s' if meetings != 1 else ''}, {turns} turns, "
        f"{len(store.speakers.speakers)} speakers loaded. Type {prefix}help, or quit."
    )
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input(), where the platform has it)
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, input, "> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        line = line.strip()
        if not line:
            continue
        if line.lower() in ("quit", "exit", f"{prefix}quit", f"{prefix}exit"):
            return 0
        reply = await answer(store, line, prefix)
        print(render(reply, save_images(reply)))
        sys.stdout.flush()
