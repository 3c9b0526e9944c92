"""Whole bot processes on PostgreSQL: two of them see each other's /add and /remove; one outlives a server restart.

The processes are real (`tests/bot/pg/process.py`: the bot's library and command core, commands
read from standard input instead of Discord). The restart test runs a PostgreSQL server of its own
(`tests/pg_server.py`): the machine's shared server is never stopped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.pg.test_pg_library import BUDGET, WEEKLY
from tests.bot.pg.test_pg_library import url as url  # the fixture: a database of the test's own
from tests.conftest import ROOT, SAMPLE
from tests.pg_server import private_server

GUILD = 11
UNAVAILABLE = "The records are unavailable, try again in a minute."


class BotProcess:
    """`python -m tests.bot.pg.process SAMPLE` with VERBATIM_SEARCH=postgres on `database`; `ask` one command at a time."""

    def __init__(self, database: str, folder: Path, name: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, VERBATIM_SEARCH="postgres", VERBATIM_DATABASE_URL=database, PYTHONPATH=str(ROOT))
        env.pop("DATABASE_URL", None)
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.bot.pg.process", str(SAMPLE)],
                cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            )  # fmt: skip

    def _line(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the bot process ended (status {self.process.poll()}): {self.log.read_text()[-3000:]}"
        return dict(json.loads(line))

    def ready(self) -> None:
        assert self._line() == {"ready": True}

    def ask(self, text: str, guild: int | None = GUILD, file: Path | None = None) -> dict[str, Any]:
        assert self.process.stdin is not None
        asked = {"guild": guild, "user": 5, "text": text, "file": str(file) if file else None}
        self.process.stdin.write(json.dumps(asked) + "\n")
        self.process.stdin.flush()
        return self._line()

    def close(self) -> int:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            return self.process.wait(30)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[list[BotProcess]]:
    started: list[BotProcess] = []
    yield started
    for process in started:
        if process.process.poll() is None:
            process.process.kill()


def until(
    ask: Callable[[], dict[str, Any]], holds: Callable[[dict[str, Any]], bool], what: str, timeout: float = 30
) -> dict[str, Any]:
    """Ask again until the answer holds; the timeout only ends a failure (a change is heard within a second)."""
    deadline = time.monotonic() + timeout
    while True:
        answer = ask()
        if holds(answer):
            return answer
        assert time.monotonic() < deadline, f"never {what}; last answer: {answer}"
        time.sleep(0.05)


def files(tmp_path: Path) -> tuple[Path, Path]:
    weekly, budget = tmp_path / "weekly.vtt", tmp_path / "budget.vtt"
    weekly.write_bytes(WEEKLY)
    budget.write_bytes(BUDGET)
    return weekly, budget


@pytest.mark.slow
def test_two_bot_processes_on_one_database_see_each_others_add_and_remove(
    url: str,
    tmp_path: Path,
    processes: list[BotProcess],
) -> None:
    weekly, _ = files(tmp_path)
    one, other = BotProcess(url, tmp_path / "one", "one"), BotProcess(url, tmp_path / "other", "other")
    processes += [one, other]
    one.ready()  # started together: one imports the shared records, the other waits and finds them there
    other.ready()
    for process in (one, other):
        assert process.ask("!quote DAAR")["text"].startswith("1 turn matches “DAAR”")
    assert one.ask("!quote zyxwv")["error"] is not None
    assert other.ask("!quote zyxwv")["error"] is not None  # a view cached before the add, that must be let go
    added = one.ask("!add", file=weekly)
    assert added["error"] is None and added["text"].startswith("Added weekly: 2 turns, 2 speakers"), added
    seen = until(lambda: other.ask("!quote zyxwv"), lambda a: a["error"] is None, "the other process saw the /add")
    assert seen["text"].startswith("1 turn matches “zyxwv”") and "Ana Lima" in seen["text"]
    assert other.ask("!quote zyxwv", guild=GUILD + 1)["error"] is not None  # another server never sees it
    removed = other.ask("!remove weekly")
    assert removed["error"] is None, removed
    until(lambda: one.ask("!quote zyxwv"), lambda a: a["error"] is not None, "the first process saw the /remove")
    assert one.ask("!remove weekly")["error"] is not None  # gone for both
    assert one.close() == 0 and other.close() == 0


@pytest.mark.slow
def test_a_bot_says_the_records_are_unavailable_while_postgresql_is_down_and_answers_again_once_it_is_back(
    tmp_path: Path, processes: list[BotProcess]
) -> None:
    weekly, budget = files(tmp_path)
    with private_server() as server:
        bot = BotProcess(server.url, tmp_path / "bot", "bot")
        processes.append(bot)
        bot.ready()
        assert bot.ask("!add", file=weekly)["error"] is None
        assert bot.ask("!quote zyxwv")["text"].startswith("1 turn matches “zyxwv”")
        server.stop()
        for asked, file in (("!quote zyxwv", None), ("!speaker Ana", None), ("!add", budget), ("!watches", None)):
            assert bot.ask(asked, file=file) == {"error": UNAVAILABLE, "text": f"{UNAVAILABLE}"}, asked
        assert bot.process.poll() is None  # still serving
        server.start()
        back = time.monotonic()
        again = until(lambda: bot.ask("!quote zyxwv"), lambda a: a["error"] is None, "an answer once the server was back")
        print(f"answered again {time.monotonic() - back:.1f} s after the server was back")
        assert again["text"].startswith("1 turn matches “zyxwv”")  # the record acknowledged before is still there
        assert bot.ask("!quote budget approved")["error"] is not None  # refused while down: nothing half kept
        assert bot.ask("!add", file=budget)["error"] is None
        assert bot.ask("!quote budget approved")["text"].startswith("1 turn matches")
        assert bot.close() == 0


@pytest.mark.slow
def test_an_add_while_another_session_holds_the_turns_is_refused_at_once_and_kept_when_asked_again(
    url: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    """`/add` writes the turns in the bot database's transaction: held by an import or a migration
    (minutes at 10M turns), it must not wait for them, but say the records are unavailable, keep
    nothing half-written, and take the same file when asked again."""
    import threading

    import psycopg

    weekly, _ = files(tmp_path)
    bot = BotProcess(url, tmp_path / "bot", "bot")
    processes.append(bot)
    bot.ready()

    def while_held(command: str, file: Path | None = None) -> tuple[dict[str, Any], float]:
        with psycopg.connect(url) as holder:
            holder.execute("LOCK TABLE search_turns IN ACCESS EXCLUSIVE MODE")
            letting_go = threading.Timer(30, holder.rollback)  # a bot waiting on the lock gets it then
            letting_go.start()
            try:
                began = time.monotonic()
                return bot.ask(command, file=file), time.monotonic() - began
            finally:
                letting_go.cancel()
                holder.rollback()

    refused, waited = while_held("!add", weekly)
    assert refused["error"] == UNAVAILABLE, refused
    assert waited < 25, f"waited {waited:.0f} s for the lock"
    assert bot.ask("!quote zyxwv")["error"] is not None  # nothing of it was kept
    assert bot.ask("!add", file=weekly)["error"] is None
    assert bot.ask("!quote zyxwv")["text"].startswith("1 turn matches “zyxwv”")
    refused, waited = while_held("!remove weekly")
    assert refused["error"] == UNAVAILABLE and waited < 25, (refused, waited)
    assert bot.ask("!quote zyxwv")["text"].startswith("1 turn matches “zyxwv”")  # still there
    assert bot.ask("!remove weekly")["error"] is None
    assert bot.ask("!quote zyxwv")["error"] is not None
    assert bot.close() == 0


@pytest.mark.slow
def test_a_bot_says_the_records_are_unavailable_while_another_session_holds_the_turns_and_answers_after(
    url: str, tmp_path: Path, processes: list[BotProcess]
) -> None:
    """A migration moving the turns holds their table (migration 5: 87 s at 10M turns): a search waiting
    on it is told the records are unavailable, not answered with an apology at the statement timeout."""
    import psycopg

    weekly, _ = files(tmp_path)
    bot = BotProcess(url, tmp_path / "bot", "bot")
    processes.append(bot)
    bot.ready()
    assert bot.ask("!add", file=weekly)["error"] is None
    assert bot.ask("!quote zyxwv")["text"].startswith("1 turn matches “zyxwv”")
    with psycopg.connect(url) as holder:
        holder.execute("LOCK TABLE search_turns IN ACCESS EXCLUSIVE MODE")  # as `ALTER TABLE … RENAME` takes it
        assert bot.ask("!quote zyxwv") == {"error": UNAVAILABLE, "text": UNAVAILABLE}
        assert bot.process.poll() is None  # still serving
        holder.rollback()
    assert bot.ask("!quote zyxwv")["text"].startswith("1 turn matches “zyxwv”")
    assert bot.close() == 0
    assert "held by another session" in bot.log.read_text()
