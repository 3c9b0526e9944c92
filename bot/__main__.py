"""`python -m bot chat|ask|run` (or `verbatim …` once installed): the console, one-shot answers, the Discord bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from pathlib import Path
from typing import Any

from config.settings import mask_secrets, settings_or_exit


def _parser() -> argparse.ArgumentParser:
    prog = "verbatim" if Path(sys.argv[0]).stem == "verbatim" else "python -m bot"
    parser = argparse.ArgumentParser(prog=prog, description="Ask meeting records from a chat.")
    corpus = argparse.ArgumentParser(add_help=False)
    corpus.add_argument(
        "--corpus",
        action="append",
        type=Path,
        metavar="PATH",
        help="a record file or a folder of records (repeatable; default: VERBATIM_CORPUS or the sample meeting)",
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    sub.add_parser("chat", parents=[corpus], help="a local chat console: type what you would type in Discord")
    ask = sub.add_parser("ask", parents=[corpus], help="answer each MESSAGE and exit")
    ask.add_argument("--json", action="store_true", help="one JSON reply per message, one per line")
    ask.add_argument("messages", nargs="+", metavar="MESSAGE", help="a message as typed in chat, e.g. '!speaker León'")
    sub.add_parser("run", parents=[corpus], help="the Discord bot (needs DISCORD_TOKEN)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = settings_or_exit()
    try:
        logging.basicConfig(
            level=settings.log_level.upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stdout if args.mode == "run" else sys.stderr,
        )
    except ValueError:
        print(
            f"bad setting VERBATIM_LOG_LEVEL: not a level (DEBUG, INFO, WARNING, ERROR): {settings.log_level!r}", file=sys.stderr
        )
        return 2
    mask_secrets(settings)
    if args.mode != "run":
        logging.getLogger().setLevel(logging.WARNING)
    corpus = args.corpus or settings.corpus
    if args.mode == "run":
        from bot.discord_adapter.client import run_bot

        return run_bot(settings, corpus)

    from bot.corpus import CorpusError, build_store
    from bot.library import DatabaseUnavailable
    from parser.readers.limits import limits_of

    library = None
    try:
        if settings.search == "postgres":  # the shared records as the bot serves them: from the database (imported if changed)
            from bot.pg_library import PgLibrary

            library = PgLibrary.open(settings, corpus)
            store: Any = library.view(None)
        else:
            store, _ = build_store(corpus, settings.aliases, settings.cache_dir, limits=limits_of(settings))
    except (CorpusError, DatabaseUnavailable) as err:
        print(err, file=sys.stderr)
        return 2
    from bot.console import ask, chat

    try:
        if args.mode == "ask":
            return asyncio.run(ask(store, args.messages, settings.prefix, as_json=args.json))
        from bot.commands import charts

        warming = charts.warm_up()  # while the user types: the first `!stats` then finds matplotlib loaded
        try:
            return asyncio.run(chat(store, settings.prefix))
        finally:
            charts.finish_warming(warming)
    except BrokenPipeError:  # the reader went away (`… | head`): nothing more to say, and no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if library is not None:
            library.close()


if __name__ == "__main__":
    sys.exit(main())
