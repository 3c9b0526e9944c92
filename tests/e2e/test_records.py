"""A server's own records from the chat, kept across restarts, and the watches they set off — on SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.discord_adapter.client import QUICK_WORKERS, VerbatimBot, make_bot
from parser.index.store import TurnStore
from tests.fake_discord import FakeDiscord, Sent, make_settings, running
from tests.fake_discord.harness import vtt
from tests.fake_discord.payloads import Json

# Three turns, two speakers (counted by hand): Ana Lima twice, Bob Stone once.
WEEKLY = vtt(
    [
        ("Ana Lima", "Welcome. Today the zyxwv working group reviews the DAAR report."),
        ("Bob Stone", "The registrars agreed to publish the numbers next month."),
        ("Ana Lima", "Then the zyxwv report goes to the council."),
    ]
).encode()
# Two turns, two speakers: nothing a watch for "zyxwv" should notice.
BUDGET = vtt([("Carla Diaz", "The budget is approved."), ("Dan Ross", "We meet again in June.")]).encode()


async def ask(fake: FakeDiscord, text: str, **how: Any) -> Sent:
    mark = await fake.say(text, **how)
    return await fake.next_sent(mark, channel_id=(how.get("channel") or fake.channel)["id"] if not how.get("dm") else None)


def title(sent: Sent) -> str:
    return str(sent.embed.get("title") or sent.embed.get("description") or "")


@contextlib.asynccontextmanager
async def bot_up(fake: FakeDiscord, store: TurnStore, database_url: str, **settings: Any) -> AsyncIterator[VerbatimBot]:
    values = {"database_url": database_url, "download_allow": ["127.0.0.1"], "corpus_check_minutes": 0, **settings}
    bot = make_bot(make_settings(**values), [], store)
    fake.restarting()
    async with running(fake, bot):
        yield bot


@contextlib.asynccontextmanager
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord(guild_count=2)
    await fake.start()
    try:
        yield fake
        assert not fake.unexpected, f"the bot called endpoints the fake does not serve: {fake.unexpected}"
    finally:
        await fake.close()


def alerts_in(fake: FakeDiscord, channel: Json, after: int) -> list[Sent]:
    return [s for s in fake.sent[after:] if s.data["channel_id"] == channel["id"] and "New record" in title(s)]


async def test_a_record_added_in_the_chat_is_searchable_announced_and_still_there_after_a_restart(
    store: TurnStore, database_url: str
) -> None:
    async with fake_discord() as fake:
        general, records_channel = fake.guilds[0]["channels"]
        other_server = fake.guilds[1]["channels"][0]
        async with bot_up(fake, store, database_url):
            watching = await ask(fake, "!watch zyxwv report", channel=records_channel)
            assert title(watching).startswith("Watch 1: “zyxwv report”")
            await ask(fake, "!watch zyxwv", channel=other_server)  # that server never sees this one's records

            mark = len(fake.sent)
            added = await ask(fake, "!add", files=[("2024-05-02-weekly-call.vtt", WEEKLY)])
            assert title(added) == "Added 2024-05-02-weekly-call · 2024-05-02: 3 turns, 2 speakers"
            assert "Ana Lima, Bob Stone" in added.embed["description"]

            found = await ask(fake, "!quote zyxwv")
            assert title(found) == "2 turns match “zyxwv”"
            alert = (await fake.wait_for(lambda: alerts_in(fake, records_channel, mark), what="the watch's alert"))[0]
            assert title(alert) == "New record 2024-05-02-weekly-call · 2024-05-02: 2 turns match “zyxwv report”"
            assert alert.data["content"] == f"<@{fake.alice['id']}>"
            assert alert.allowed_mentions == {"parse": [], "users": [int(fake.alice["id"])]}
            assert alert.pinged() == [f"<@{fake.alice['id']}>"]
            assert [b["label"] for b in alert.buttons] == ["Context · Ana Lima · turn 2"]

            assert "No quote matches" in (await ask(fake, "!quote zyxwv", channel=other_server)).embed["description"]
            assert "No quote matches" in (await ask(fake, "!quote zyxwv", dm=True)).embed["description"]
            assert "1 meeting" in title(await ask(fake, "!meetings", channel=other_server))
            for where, expected in ((general, ["2024-05-02-weekly-call"]), (other_server, [])):
                typing = await fake.autocomplete("quote", "meeting", "weekly", channel=where, words="zyxwv")
                choices = (await fake.answer_to(typing))["data"]["choices"]
                assert [c["value"] for c in choices] == expected

            mark = len(fake.sent)
            await ask(fake, "!add", files=[("budget.vtt", BUDGET)])
            await ask(fake, "!quote zyxwv")  # anything alerts would post is posted before this answer is read
            assert alerts_in(fake, records_channel, mark) == []
            assert alerts_in(fake, other_server, 0) == []
            in_dm = await ask(fake, "!add", dm=True, files=[("weekly.vtt", WEEKLY)])
            assert in_dm.embed["description"] == "`!add` works in a server, not in direct messages."

        async with bot_up(fake, store, database_url):
            assert title(await ask(fake, "!quote zyxwv")) == "2 turns match “zyxwv”"
            assert "3 meetings" in title(await ask(fake, "!meetings"))
            listed = await ask(fake, "!watches", channel=records_channel)
            assert "1: “zyxwv report”" in listed.embed["description"]
            mark = len(fake.sent)
            await ask(fake, "!add", files=[("weekly-call-again.vtt", WEEKLY)])
            await fake.wait_for(lambda: alerts_in(fake, records_channel, mark), what="the watch's alert after a restart")
            assert "No quote matches" in (await ask(fake, "!quote zyxwv", channel=other_server)).embed["description"]


async def test_slash_add_takes_an_attachment_or_a_link_and_remove_takes_it_out(store: TurnStore, database_url: str) -> None:
    async with fake_discord() as fake, bot_up(fake, store, database_url):
        by_file = await fake.message_for(await fake.slash("add", file=fake.serve_file("weekly.vtt", WEEKLY)))
        assert title(by_file) == "Added weekly: 3 turns, 2 speakers"
        link = fake.serve_file("budget-2024.vtt", BUDGET)["url"]
        by_link = await fake.message_for(await fake.slash("add", url=link))
        assert title(by_link) == "Added budget-2024: 2 turns, 2 speakers"
        assert title(await ask(fake, "!quote budget approved")) == "1 turn matches “budget approved”"
        removed = await fake.message_for(await fake.slash("remove", meeting="budget-2024"))
        assert title(removed) == "Removed budget-2024"
        assert "No quote matches" in (await ask(fake, "!quote budget approved")).embed["description"]
        shared = await ask(fake, "!remove icann70-lacralo-roundtable-fr")
        assert "one of the shared records" in shared.embed["description"]


async def test_only_managers_and_the_chosen_role_may_add(store: TurnStore, database_url: str) -> None:
    async with fake_discord() as fake, bot_up(fake, store, database_url):
        refused = await ask(fake, "!add", author=fake.bob, files=[("weekly.vtt", WEEKLY)])
        assert "needs the Manage Server permission" in refused.embed["description"]
        assert "1 meeting" in title(await ask(fake, "!meetings"))
        secretaries = fake.give_role(fake.bob, "Secretaries")
        not_yet = await ask(fake, f"!config add-role <@&{secretaries['id']}>", author=fake.bob)
        assert "Only someone with the Manage Server permission" in not_yet.embed["description"]
        chosen = await fake.message_for(await fake.slash("config", setting="add-role", role=secretaries))
        assert "Members with that role may now add" in title(chosen)
        allowed = await ask(fake, "!add", author=fake.bob, files=[("weekly.vtt", WEEKLY)])
        assert title(allowed) == "Added weekly: 3 turns, 2 speakers"


async def test_what_is_not_a_record_or_not_a_public_link_is_refused_and_nothing_is_kept(
    store: TurnStore, database_url: str
) -> None:
    async with fake_discord() as fake:
        async with bot_up(fake, store, database_url, download_allow=[]):
            broken = await ask(fake, "!add", files=[("notes.txt", b"Shopping list: eggs, milk, bread.\n")])
            assert broken.embed["description"].replace("\\", "") == (
                "Nothing was added: notes.txt: not a meeting record this bot can read (no speaker turns recognised)"
            )
            private = await ask(fake, "!add http://169.254.169.254/latest/meta-data")
            assert "169.254.169.254 is a private or local address" in private.embed["description"]
            local = fake.serve_file("weekly.vtt", WEEKLY)["url"]
            loopback = await ask(fake, f"!add {local}")
            assert "127.0.0.1 is a private or local address" in loopback.embed["description"]
            ftp = await ask(fake, "!add ftp://example.org/weekly.vtt")
            assert "Attach a record file" in ftp.embed["description"]
            words = await ask(fake, "!add the minutes of Tuesday")
            assert "Attach a record file" in words.embed["description"]
        async with bot_up(fake, store, database_url):  # 127.0.0.1 allowed: a redirect is checked again
            port = fake.port
            sneaky = await ask(fake, f"!add http://127.0.0.1:{port}/redirect?to=http://10.1.2.3/weekly.vtt")
            assert "10.1.2.3 is a private or local address" in sneaky.embed["description"]
            assert "1 meeting" in title(await ask(fake, "!meetings"))
        async with bot_up(fake, store, database_url, download_max_bytes=100):
            big_link = await ask(fake, f"!add {fake.serve_file('weekly.vtt', WEEKLY)['url']}")
            too_big = "Nothing was added. The record is larger than 100 bytes, the most this bot takes."
            assert big_link.embed["description"] == too_big
            big_file = await ask(fake, "!add", files=[("weekly.vtt", WEEKLY)])
            assert big_file.embed["description"] == "weekly.vtt is larger than 100 bytes, the most this bot takes."
            assert "1 meeting" in title(await ask(fake, "!meetings"))


def test_the_console_says_add_is_for_a_discord_server(store: TurnStore) -> None:
    import asyncio

    from bot import core

    reply = asyncio.run(core.answer(store, "!add https://example.org/weekly.vtt"))
    assert (
        reply.error
        == "`!add` works in a Discord server, for that server's records. Here, give record files with --corpus instead."
    )


@pytest.fixture
def corpus_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    (folder / "budget.vtt").write_bytes(BUDGET)
    return folder


async def test_a_record_put_on_disk_is_picked_up_and_announced(corpus_folder: Path, database_url: str) -> None:
    from bot.corpus import build_store

    shared, _ = build_store([corpus_folder], cache_dir=None)
    async with fake_discord() as fake:
        records_channel = fake.guilds[0]["channels"][1]
        other_records = fake.guilds[1]["channels"][1]
        settings = make_settings(database_url=database_url, corpus_check_minutes=0.005, cache_dir=corpus_folder.parent / "cache")
        bot = make_bot(settings, [corpus_folder], shared)
        async with running(fake, bot):
            await ask(fake, "!watch zyxwv", channel=records_channel)
            await ask(fake, "!watch zyxwv", channel=other_records)
            mark = len(fake.sent)
            (corpus_folder / "weekly.vtt").write_bytes(WEEKLY)
            await fake.wait_for(lambda: alerts_in(fake, records_channel, mark), what="an alert for the file put on disk")
            await fake.wait_for(lambda: alerts_in(fake, other_records, mark), what="the other server's alert")
            assert title(await ask(fake, "!quote zyxwv")) == "2 turns match “zyxwv”"


async def test_watches_are_limited_per_person_and_ended_by_their_creator(store: TurnStore, tmp_path: Path) -> None:
    async with fake_discord() as fake, bot_up(fake, store, f"sqlite:///{tmp_path / 'db.sqlite3'}", watches_per_person=1):
        await ask(fake, "!watch budget")
        second = await ask(fake, "!watch council")
        assert second.embed["description"].startswith("You have 1 watch in this server, the most one person may keep.")
        assert "someone else's" in (await ask(fake, "!unwatch 1", author=fake.bob)).embed["description"]
        ended = await fake.message_for(await fake.slash("unwatch", number=1))
        assert title(ended) == "Ended watch 1: “budget”"
        assert "no watches" in (await ask(fake, "!watches")).embed["description"]


async def test_an_alerts_context_button_counts_against_the_presser_cooldown(store: TurnStore, tmp_path: Path) -> None:
    """Anyone may press an alert's button, but each press is one of their commands: no flooding the channel with it."""
    async with (
        fake_discord() as fake,
        bot_up(fake, store, f"sqlite:///{tmp_path / 'db.sqlite3'}", cooldown_rate=3, cooldown_seconds=60),
    ):
        records_channel = fake.guilds[0]["channels"][1]
        await ask(fake, "!watch zyxwv", channel=records_channel)
        mark = len(fake.sent)
        await ask(fake, "!add", files=[("weekly.vtt", WEEKLY)])
        alert = (await fake.wait_for(lambda: alerts_in(fake, records_channel, mark), what="the watch's alert"))[0]
        for _ in range(3):
            click = await fake.click(alert, "verbatim:context:0", user=fake.bob)
            assert (await fake.message_for(click, after=len(fake.sent) - 1)).embed["title"].startswith("Around")
        refused = await fake.answer_to(await fake.click(alert, "verbatim:context:0", user=fake.bob))
        assert refused["data"]["content"].startswith("Slow down: you can ask again in") and refused["data"]["flags"] & 64
        assert len([s for s in fake.sent if s.embeds and s.embed.get("title", "").startswith("Around")]) == 3


async def test_searches_answer_while_links_are_slow_to_download(store: TurnStore, tmp_path: Path) -> None:
    """A download waits on someone else's server: it never holds up the quick lane (searches, for everyone)."""
    import asyncio

    release = asyncio.Event()

    async def never_answers(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await release.wait()
        writer.close()

    stalling = await asyncio.start_server(never_answers, "127.0.0.1", 0)
    port = stalling.sockets[0].getsockname()[1]
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    try:
        async with fake_discord() as fake, bot_up(fake, store, database, download_timeout=600):
            records_channel = fake.guilds[0]["channels"][1]
            for n in range(QUICK_WORKERS):  # as many as could take every quick worker, by two managers
                author = fake.alice if n % 2 == 0 else fake.owner
                await fake.say(f"!add http://127.0.0.1:{port}/weekly-{n}.vtt", channel=records_channel, author=author)
            found = await ask(fake, "!quote DAAR", author=fake.bob)
            assert found.embed["title"] == "1 turn matches “DAAR”"
            release.set()  # the links fail now: each add is answered before the bot closes

            def refused() -> list[Sent]:
                sent = [s for s in fake.sent if s.data["channel_id"] == records_channel["id"]]
                return [s for s in sent if s.embed.get("description", "").startswith("Nothing was added")]

            await fake.wait_for(lambda: refused() if len(refused()) == QUICK_WORKERS else None, what="both adds answered")
    finally:
        release.set()
        stalling.close()


async def test_a_file_attached_to_another_command_is_neither_downloaded_nor_in_the_way(store: TurnStore, tmp_path: Path) -> None:
    """Only `!add` takes a file: a screenshot posted with `!quote` gets the quote, whatever its size."""
    async with fake_discord() as fake, bot_up(fake, store, f"sqlite:///{tmp_path / 'db.sqlite3'}", download_max_bytes=100):
        found = await ask(fake, "!quote DAAR", files=[("screenshot.png", b"\x89PNG" + b"\x00" * 500)])
        assert found.embed["title"] == "1 turn matches “DAAR”"


async def test_a_reload_while_the_database_fails_is_answered_and_the_records_keep_serving(
    store: TurnStore, tmp_path: Path, postgres_url: str
) -> None:
    """The database's part of a reload (every server's records read again) failing is a failed reload, told to the owner."""
    import psycopg

    from tests.conftest import SAMPLE

    async with fake_discord() as fake:
        settings = make_settings(database_url=postgres_url, corpus_check_minutes=0, cache_dir=tmp_path / "cache")
        async with running(fake, make_bot(settings, [SAMPLE], store)):
            await ask(fake, "!add", files=[("weekly.vtt", WEEKLY)])
            dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://")
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as admin:
                await admin.execute("ALTER TABLE records RENAME TO records_elsewhere")
                mark = await fake.say("!reload", author=fake.owner)
                outcome = await fake.next_sent(mark + 1, what="the outcome of the reload")
                assert outcome.embed["description"].startswith("Reload failed")
                assert "the previous records keep serving" in outcome.embed["description"]
                assert title(await ask(fake, "!quote zyxwv")) == "2 turns match “zyxwv”"
                await admin.execute("ALTER TABLE records_elsewhere RENAME TO records")


async def test_a_watch_is_set_while_a_reload_waits_for_the_database(store: TurnStore, tmp_path: Path, postgres_url: str) -> None:
    """Watches are not records: setting one never waits for a reload's reading of every server's records."""
    import asyncio

    import psycopg

    from tests.conftest import SAMPLE

    dsn = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    async with fake_discord() as fake:
        settings = make_settings(database_url=postgres_url, corpus_check_minutes=0, cache_dir=tmp_path / "cache")
        async with running(fake, make_bot(settings, [SAMPLE], store)):
            locker = await psycopg.AsyncConnection.connect(dsn)
            try:
                await locker.execute("LOCK TABLE records IN ACCESS EXCLUSIVE MODE")
                mark = await fake.say("!reload", author=fake.owner)
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as watcher:
                    for _ in range(600):  # until the reload waits for the lock
                        rows = await (await watcher.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")).fetchall()
                        if rows[0][0]:
                            break
                        await asyncio.sleep(0.1)
                watching = await ask(fake, "!watch zyxwv")
                assert title(watching).startswith("Watch 1: “zyxwv”")
            finally:
                await locker.close()  # the reload goes on
            await fake.next_sent(mark + 1, what="the outcome of the reload")


async def test_a_record_put_on_disk_is_announced_once_when_each_process_runs_its_shard(
    corpus_folder: Path, tmp_path: Path
) -> None:
    """Every process reads the new file; each posts the alerts of its own servers only, so no channel hears it twice."""
    import asyncio

    from bot.corpus import build_store

    shared, _ = build_store([corpus_folder], cache_dir=None)
    fake = FakeDiscord(shard_count=2)
    await fake.start()
    try:
        values = {"database_url": f"sqlite:///{tmp_path / 'db.sqlite3'}", "corpus_check_minutes": 0.005, "shard_count": 2}
        bots = [
            make_bot(make_settings(**values, shard_ids=[n], cache_dir=tmp_path / f"cache-{n}"), [corpus_folder], shared)
            for n in (0, 1)
        ]
        async with running(fake, bots[0], shard=0), running(fake, bots[1], shard=1):
            channels = [fake.guilds[n]["channels"][0] for n in (0, 1)]
            for channel in channels:
                await ask(fake, "!watch zyxwv", channel=channel)
            mark = len(fake.sent)
            (corpus_folder / "weekly.vtt").write_bytes(WEEKLY)

            def settled() -> bool:
                read = all("weekly" in (b.store.meetings if b.store is not None else ()) for b in bots)
                return read and not any(b.background for b in bots)

            for _ in range(600):  # the bots' own state: the fake sees nothing new once the alerts are out
                if settled():
                    break
                await asyncio.sleep(0.1)
            assert settled(), "both processes read the new file and posted its alerts"
            assert [len(alerts_in(fake, channel, mark)) for channel in channels] == [1, 1]
    finally:
        await fake.close()
