"""A bot process without Discord, for the tests: `python -m tests.bot.pg.process CORPUS`, settings from the environment.

It opens the library as `python -m bot run` does (VERBATIM_SEARCH=postgres: PgLibrary), then
answers one command per line of standard input — `{"guild": 11, "user": 5, "text": "!quote …",
"file": PATH}` — with one line of JSON: the reply's error, or its text as the console shows it.
It never stops on a reply: only end of input ends it (exit status 0), as the bot keeps serving.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from bot import core
from bot.commands.base import Place, Upload
from bot.library import Library
from bot.pg_library import PgLibrary
from bot.render_text import render
from config.settings import Settings


async def _answer(library: Library, asked: dict[str, object], prefix: str) -> dict[str, object]:
    guild = asked.get("guild")
    guild_id = int(guild) if isinstance(guild, int) else None
    place = Place(guild_id=guild_id, channel_id=1, user_id=int(asked.get("user") or 1), manage_guild=True)
    files: tuple[Upload, ...] = ()
    if asked.get("file"):
        path = Path(str(asked["file"]))
        files = (Upload(path.name, path.read_bytes()),)
    parsed = core.parse(str(asked["text"]), prefix)
    assert parsed is not None, asked
    view = await asyncio.to_thread(library.view, guild_id)  # as the client does: on a worker thread
    reply = await core.run(view, *parsed, prefix, library=library, place=place, files=files)
    return {"error": reply.error, "text": render(reply)}


async def serve(corpus: list[Path]) -> int:
    settings = Settings()
    library = PgLibrary.open(settings, corpus)
    print(json.dumps({"ready": True}), flush=True)
    loop = asyncio.get_running_loop()
    try:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            if line.strip():
                print(json.dumps(await _answer(library, json.loads(line), settings.prefix)), flush=True)
    finally:
        library.close()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(serve([Path(p) for p in sys.argv[1:]])))
