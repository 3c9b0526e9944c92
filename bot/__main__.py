"""`python -m bot chat|ask|run`: the console, one-shot answers, and the Discord bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from config.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Ask meeting records from a chat.")
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
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stdout if args.mode == "run" else sys.stderr,
    )
    if args.mode != "run":
        logging.getLogger().setLevel(logging.WARNING)
    corpus = args.corpus or settings.corpus
    if args.mode == "run":
        from bot.discord_adapter.client import run_bot

        return run_bot(settings, corpus)

    from bot.corpus import CorpusError, build_store

    try:
        store, _ = build_store(corpus, settings.aliases, settings.cache_dir)
    except CorpusError as err:
        print(err, file=sys.stderr)
        return 2
    if args.mode == "ask":
        from bot.console import ask

        return asyncio.run(ask(store, args.messages, settings.prefix, as_json=args.json))
    from bot.console import chat

    return asyncio.run(chat(store, settings.prefix))


if __name__ == "__main__":
    sys.exit(main())
