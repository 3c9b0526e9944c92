"""Hostile records, slow commands and faults, end to end: nothing stalls the bot and nothing is lost."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

from bot import core
from bot.corpus import build_store
from bot.replies import APOLOGY
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from tests.conftest import ROOT, SAMPLE
from tests.fake_discord import FakeDiscord, Sent, bot_on_fake

TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.secretpartofthetokenXYZ0123456789abcd"


async def ask(fake: FakeDiscord, text: str, **how: object) -> Sent:
    mark = await fake.say(text, **how)  # type: ignore[arg-type]
    return await fake.next_sent(mark, what=f"an answer to {text!r}")


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    environment = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    environment.pop("DISCORD_TOKEN", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, *args], capture_output=True, env=environment, cwd=cwd or ROOT, timeout=120)


# ---------------------------------------------------------------- a folder of hostile files


def docx_unpacking_to(size: int) -> bytes:
    """A 'Word document' whose body is `size` bytes of blank XML: a zip bomb of a few hundred KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0"?><w:document><w:body>')
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return out.getvalue()


def hostile_folder(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """The sample meeting beside one file of each hostile kind; (folder, file name → what the report must say)."""
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    expected = {}
    (folder / "surrogate.json").write_text(
        '{"meeting_transcripts": [{"speaker": "Grad A\\ud800", "content": "the budget \\udfff is agreed"}]}', encoding="utf-8"
    )
    expected["surrogate.json"] = "invalid characters (lone surrogates)"
    (folder / "infinite.json").write_text(
        '{"segments": [{"speaker": "Ana", "startTime": 1e999, "endTime": 1e999, "body": "Welcome."}]}', encoding="utf-8"
    )
    expected["infinite.json"] = "times dropped, the words kept"
    (folder / "bomb.docx").write_bytes(docx_unpacking_to(200 << 20))
    expected["bomb.docx"] = "VERBATIM_MAX_UNPACKED_BYTES"
    with (folder / "tiny-turns.vtt").open("w", encoding="utf-8") as out:  # 1M one-word turns, 10 MB
        out.write("WEBVTT\n\n")
        for n in range(200_000):
            out.write(f"00:00:00.000 --> 00:00:01.000\n<v S{n % 2}>w\n\n")
    expected["tiny-turns.vtt"] = "VERBATIM_MAX_TURNS"
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    expected["binary.txt"] = "binary data"
    (folder / "dangling.txt").symlink_to(folder / "deleted.txt")
    expected["dangling.txt"] = "a link that leads nowhere"
    (folder / "README.md").write_text("# Our records\n\nNothing to read here.\n", encoding="utf-8")
    expected["README.md"] = "not a meeting record"
    (folder / "loop").symlink_to(folder)
    expected["loop"] = "a link to a folder, not followed"
    os.mkfifo(folder / "pipe.vtt")
    expected["pipe.vtt"] = "not a regular file"
    return folder, expected


async def test_a_folder_of_hostile_files_serves_the_sample_and_names_each_bad_file_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, expected = hostile_folder(tmp_path)
    assert (folder / "bomb.docx").stat().st_size < 1 << 20
    with caplog.at_level(logging.INFO, logger="bot.corpus"):
        store, _ = build_store([folder], cache_dir=tmp_path / "cache")
    assert sorted(store.meetings) == ["icann70-lacralo-roundtable-fr", "infinite", "surrogate"]
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.corpus" and not r.getMessage().startswith("loaded")]
    for name, says in expected.items():
        about = [line for line in lines if line.startswith(f"{folder / name}:") or f" {folder / name}:" in line]
        assert len(about) == 1 and says in about[0], (name, about)
    assert len(lines) == len(expected)
    levels = {r.getMessage().split(":")[0].removeprefix("skipped "): r.levelname for r in caplog.records}
    assert levels[str(folder / "README.md")] == "INFO" and levels[str(folder / "dangling.txt")] == "WARNING"

    async with bot_on_fake(store) as (fake, _):
        assert (await ask(fake, "!quote DAAR")).embed["title"] == "1 turn matches “DAAR”"
        assert (await ask(fake, "!quote budget")).embed["fields"][0]["name"].startswith("Grad A\ufffd")
        welcome = await ask(fake, "!context infinite 0")
        assert welcome.embed["title"].startswith("Around") and "Welcome." in welcome.embed["fields"][0]["value"]


def test_the_parser_prints_valid_utf8_for_a_surrogate_in_a_name(tmp_path: Path) -> None:
    path = tmp_path / "surrogate.json"
    path.write_text('{"meeting_transcripts": [{"speaker": "Grad \\ud800", "content": "hello"}]}', encoding="utf-8")
    done = run("-m", "parser", str(path), "--json")
    report = json.loads(done.stdout.decode("utf-8"))  # strict: raises on what is not UTF-8
    assert report["meetings"][0]["turns"][0]["speaker"] == "Grad \ufffd"
    assert report["notes"] == [{"file": str(path), "note": "1 invalid character (lone surrogates) shown as �"}]
    assert done.returncode == 0


# ---------------------------------------------------------------- values the store was built with


def store_with_infinite_times() -> TurnStore:
    """A store made past the readers (as a database or an old snapshot could): the renderers must still cope."""
    meeting = Meeting(id="m1", title="Budget call")
    turns = [
        Turn(meeting_id="m1", index=i, speaker="Ana", text=f"budget item {i}", start=math_value, end=math_value)
        for i, math_value in enumerate((1.0, float("inf"), float("nan")))
    ]
    return TurnStore([Record(meeting=meeting, turns=turns)])


async def test_context_and_quote_of_turns_with_infinite_times_answer() -> None:
    async with bot_on_fake(store_with_infinite_times()) as (fake, _):
        quoted = await ask(fake, "!quote budget")
        assert quoted.embed["title"] == "3 turns match “budget”"
        context = await ask(fake, "!context m1 1")
        assert context.embed["title"].startswith("Around turn 1 of 3") and context.embed.get("description") != APOLOGY


async def test_a_page_in_superscript_is_a_users_mistake(store: TurnStore) -> None:
    for message in ("!meetings page:²", "!quote DAAR page:³"):
        reply = await core.answer(store, message)
        assert reply.error is not None and reply.error != APOLOGY and "is not a page" in reply.error


# ---------------------------------------------------------------- lanes and cooldowns


async def test_quick_commands_answer_while_heavy_ones_wait_and_one_heavy_per_person(store: TurnStore) -> None:
    async with bot_on_fake(store) as (fake, running_bot):
        gates = [threading.Event() for _ in range(2)]
        blockers = [asyncio.ensure_future(running_bot.heavy.run(gate.wait)) for gate in gates]  # the heavy lane is busy
        try:
            mark = await fake.say("!stats", author=fake.alice)
            assert (await ask(fake, "!quote DAAR", author=fake.bob)).embed["title"] == "1 turn matches “DAAR”"
            second = await ask(fake, "!stats speaker:goran", author=fake.alice)
            assert "Your previous `!stats` is still being worked out" in second.embed["description"]
            assert (await ask(fake, "!speaker goran", author=fake.alice)).embed["title"].startswith("GÖRAN MARBY")
        finally:
            for gate in gates:
                gate.set()
            await asyncio.gather(*blockers)
        first = await fake.wait_for(lambda: next((s for s in fake.sent[mark:] if s.files), None), what="alice's !stats")
        assert first.embed["title"].endswith("38 turns, 9,897 words, 12 speakers")


async def test_buttons_count_against_the_same_cooldown_as_commands(store: TurnStore) -> None:
    async with bot_on_fake(store, cooldown_rate=3, cooldown_seconds=60) as (fake, _):
        hit = await ask(fake, "!quote DAAR")
        for _ in range(2):
            click = await fake.click(hit, "verbatim:context:0")
            assert (await fake.message_for(click, after=len(fake.sent) - 1)).embed["title"].startswith("Around turn 21")
        refused = await fake.answer_to(await fake.click(hit, "verbatim:context:0"))
        assert refused["data"]["content"].startswith("Slow down: you can ask again in") and refused["data"]["flags"] & 64
        assert (await ask(fake, "!quote DAAR")).embed["description"].startswith("Slow down")
        assert len([s for s in fake.sent if s.embeds and s.embed.get("title", "").startswith("Around")]) == 2


# ---------------------------------------------------------------- shutdown


async def test_sigterm_during_a_reload_that_never_ends_exits_at_once(tmp_path: Path) -> None:
    """A reload stuck reading a record (a pipe nobody writes) is abandoned; the old records served until then."""
    late = tmp_path / "late.vtt"  # missing at start (reported), a pipe by the reload: opening it never returns
    fake = FakeDiscord()
    await fake.start()
    script = (
        "import sys, yarl; from discord.http import Route; from discord.gateway import DiscordWebSocket;"
        f"Route.BASE = {fake.api_base!r};"
        f"DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake.ws_base + '/gateway'!r});"
        "from bot.__main__ import main; sys.exit(main(['run', '--corpus', sys.argv[1], '--corpus', sys.argv[2]]))"
    )
    environment = dict(os.environ, DISCORD_TOKEN=fake.token, PYTHONPATH=str(ROOT), VERBATIM_CACHE_DIR=str(tmp_path / "cache"))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(SAMPLE), str(late), cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for(lambda: None in fake.gateway.sessions, timeout=60, what="the process to connect")
        os.mkfifo(late)
        mark = await fake.say("!reload", author=fake.owner)
        assert (await fake.next_sent(mark)).embed["title"].startswith("Reloading the records in the background")
        assert (await ask(fake, "!quote DAAR")).embed["title"] == "1 turn matches “DAAR”"
        asked_to_stop = time.monotonic()
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
        took = time.monotonic() - asked_to_stop
    finally:
        if process.returncode is None:
            process.kill()
        await fake.close()
    assert process.returncode == 0, stderr.decode()
    assert took < 10, f"took {took:.1f} s"
    assert fake.gateway.sessions[None].close_codes == [1000]
    assert "Reloaded" not in stdout.decode()


async def test_sigterm_while_a_reload_waits_for_the_database_exits(tmp_path: Path, postgres_url: str) -> None:
    """A reload that waits on the database (a lock another process holds) is abandoned at SIGTERM too.

    The lock is held until the process has exited: a shutdown that waited for the reload would never end.
    """
    import psycopg

    fake = FakeDiscord()
    await fake.start()
    script = (
        "import sys, yarl; from discord.http import Route; from discord.gateway import DiscordWebSocket;"
        f"Route.BASE = {fake.api_base!r};"
        f"DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake.ws_base + '/gateway'!r});"
        "from bot.__main__ import main; sys.exit(main(['run', '--corpus', sys.argv[1]]))"
    )
    environment = dict(
        os.environ,
        DISCORD_TOKEN=fake.token,
        PYTHONPATH=str(ROOT),
        VERBATIM_CACHE_DIR=str(tmp_path / "cache"),
        VERBATIM_DATABASE_URL=postgres_url,
        VERBATIM_CORPUS_CHECK_MINUTES="0",
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, str(SAMPLE), cwd=tmp_path, env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    locker = await psycopg.AsyncConnection.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        await fake.wait_for(lambda: None in fake.gateway.sessions, timeout=60, what="the process to connect")
        await locker.execute("LOCK TABLE records IN ACCESS EXCLUSIVE MODE")  # held: the connection's transaction stays open
        mark = await fake.say("!reload", author=fake.owner)
        assert (await fake.next_sent(mark)).embed["title"].startswith("Reloading the records in the background")
        waiting: list[int] = []

        async def a_query_waits() -> None:
            async with await psycopg.AsyncConnection.connect(
                postgres_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
            ) as watcher:
                rows = await (await watcher.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")).fetchall()
                waiting[:] = [rows[0][0]]

        for _ in range(600):  # until the reload reads the added records, and waits for the lock
            await a_query_waits()
            if waiting[0]:
                break
            await asyncio.sleep(0.1)
        assert waiting[0], "the reload never reached the database"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await locker.close()
        await fake.close()
    assert process.returncode == 0, stderr.decode()
    assert "Reloaded" not in stdout.decode()


# ---------------------------------------------------------------- configuration


def test_a_bad_shard_setting_is_one_line_and_never_shows_the_token(tmp_path: Path) -> None:
    done = run("-m", "bot", "run", env={"DISCORD_TOKEN": TOKEN, "SHARD_COUNT": "two"}, cwd=tmp_path)
    err = done.stderr.decode()
    assert done.returncode == 2 and err.count("\n") == 1
    assert err.startswith("bad setting SHARD_COUNT:")
    assert TOKEN[:6] not in err and TOKEN[-4:] not in err and "input_value" not in err
    done = run("-m", "bot", "run", env={"DISCORD_TOKEN": TOKEN, "SHARD_IDS": "0,5", "SHARD_COUNT": "2"}, cwd=tmp_path)
    assert done.stderr.decode() == "bad settings: SHARD_IDS must be between 0 and SHARD_COUNT - 1 (1)\n"


def test_an_unreadable_aliases_file_is_one_line_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "aliases.toml"
    folder.mkdir()  # a folder where the file should be: unreadable as a file, even for root
    done = run("-m", "bot", "ask", "!help", env={"VERBATIM_ALIASES": str(folder)}, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.decode() == f"{folder}: the aliases file (VERBATIM_ALIASES) cannot be read: Is a directory\n"


def test_the_token_is_masked_in_every_log_line(caplog: pytest.LogCaptureFixture) -> None:
    from config.settings import SecretMask

    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(SecretMask([TOKEN]))
    logger = logging.getLogger("test.mask")
    logger.addHandler(handler)
    try:
        logger.error("connecting with %s", TOKEN)
        try:
            raise RuntimeError(f"401 for Bot {TOKEN}")
        except RuntimeError:
            logger.exception("login failed")
    finally:
        logger.removeHandler(handler)
    written = handler.stream.getvalue()  # type: ignore[attr-defined]
    assert TOKEN not in written and written.count("[token]") == 2 and "RuntimeError: 401 for Bot [token]" in written


def test_sigterm_while_the_records_first_load_exits_cleanly(tmp_path: Path) -> None:
    """Before the bot connects, a SIGTERM stops the load at once (here a record that never finishes arriving)."""
    pipe = tmp_path / "arriving.vtt"
    os.mkfifo(pipe)
    environment = dict(os.environ, DISCORD_TOKEN=TOKEN, PYTHONPATH=str(ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--corpus", str(SAMPLE), "--corpus", str(pipe)],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    writer = None
    try:
        deadline = time.monotonic() + 60
        while writer is None and time.monotonic() < deadline:
            try:  # succeeds once the bot has opened the pipe to read it
                writer = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.05)
        assert writer is not None, "the bot never opened the record"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if writer is not None:
            os.close(writer)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr.decode()
