"""The command core: a message as typed in, a reply out, whatever is typed."""

from __future__ import annotations

import logging

import pytest

from bot import core
from bot.commands import COMMANDS
from bot.commands.base import Command, Request
from bot.replies import APOLOGY
from parser.index.store import TurnStore


async def test_help_lists_every_command(store: TurnStore) -> None:
    reply = await core.answer(store, "!help")
    listed = " ".join(usage for usage, _ in reply.commands)
    for name in COMMANDS:
        assert f"!{name}" in listed


async def test_unknown_command_suggests_the_nearest(store: TurnStore) -> None:
    reply = await core.answer(store, "!qoute DAAR")
    assert reply.error == "Unknown command `!qoute`. Did you mean `!quote`? `!help` lists them."


@pytest.mark.parametrize("command", ["quote", "speaker", "whosaid"])
async def test_empty_argument(store: TurnStore, command: str) -> None:
    reply = await core.answer(store, f"!{command}   ")
    assert reply.error is not None and reply.error.startswith(f"`!{command}` needs something to look for")


async def test_argument_over_500_characters(store: TurnStore) -> None:
    reply = await core.answer(store, "!quote " + "a" * 501)
    assert reply.error == "That is 501 characters; `!quote` takes at most 500."
    ok = await core.answer(store, "!quote " + "a" * 500)
    assert "characters" not in (ok.error or "")


async def test_message_without_prefix(store: TurnStore) -> None:
    reply = await core.answer(store, "who said DAAR?")
    assert reply.error == "Commands start with `!`: try `!help`."


async def test_our_bug_is_logged_and_answered_politely(
    store: TurnStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(request: Request):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(COMMANDS, "broken", Command("broken", "broken X", "fails", broken, example="broken x"))
    with caplog.at_level(logging.ERROR):
        reply = await core.answer(store, "!broken x")
    assert reply.error == APOLOGY
    assert "ZeroDivisionError" in caplog.text
    assert (await core.answer(store, "!quote DAAR")).hits  # and the next one is served
