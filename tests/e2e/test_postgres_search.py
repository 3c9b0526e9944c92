"""The Discord bot with VERBATIM_SEARCH=postgres: the same answers, its records only in the database."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.discord_adapter.client import VerbatimBot, make_bot
from tests.conftest import SAMPLE
from tests.e2e.test_records import BUDGET, WEEKLY, alerts_in, ask, fake_discord, title
from tests.fake_discord import FakeDiscord, make_settings, running


@contextlib.asynccontextmanager
async def bot_up(fake: FakeDiscord, database_url: str) -> AsyncIterator[VerbatimBot]:
    """The bot as `python -m bot run --corpus SAMPLE` makes it with VERBATIM_SEARCH=postgres: no store built."""
    settings = make_settings(
        search="postgres", database_url=database_url, corpus_check_minutes=0, owner_ids=[int(fake.alice["id"])]
    )
    bot = make_bot(settings, [SAMPLE], None)
    fake.restarting()
    async with running(fake, bot):
        yield bot


async def test_the_bot_searches_postgresql_adds_announces_removes_and_keeps_across_a_restart(postgres_url: str) -> None:
    async with fake_discord() as fake:
        general, records_channel = fake.guilds[0]["channels"]
        other_server = fake.guilds[1]["channels"][0]
        async with bot_up(fake, postgres_url) as bot:
            assert bot.store is None  # nothing indexed in the process
            assert title(await ask(fake, "!quote DAAR")) == "1 turn matches “DAAR”"
            assert title(await ask(fake, "!watch zyxwv report", channel=records_channel)).startswith("Watch 1:")
            mark = len(fake.sent)
            added = await ask(fake, "!add", files=[("2024-05-02-weekly-call.vtt", WEEKLY)])
            assert title(added) == "Added 2024-05-02-weekly-call · 2024-05-02: 3 turns, 2 speakers"
            assert title(await ask(fake, "!quote zyxwv")) == "2 turns match “zyxwv”"
            alert = (await fake.wait_for(lambda: alerts_in(fake, records_channel, mark), what="the watch's alert"))[0]
            assert title(alert) == "New record 2024-05-02-weekly-call · 2024-05-02: 2 turns match “zyxwv report”"
            assert "No quote matches" in (await ask(fake, "!quote zyxwv", channel=other_server)).embed["description"]
            assert "No quote matches" in (await ask(fake, "!quote zyxwv", dm=True)).embed["description"]
            typing = await fake.autocomplete("quote", "meeting", "weekly", channel=general, words="zyxwv")
            assert [c["value"] for c in (await fake.answer_to(typing))["data"]["choices"]] == ["2024-05-02-weekly-call"]
            await ask(fake, "!add", files=[("budget.vtt", BUDGET)])
            assert title(await ask(fake, "!remove budget")) == "Removed budget"
            shared = await ask(fake, "!remove icann70-lacralo-roundtable-fr")
            assert "one of the shared records" in shared.embed["description"]
            assert "No quote matches" in (await ask(fake, "!quote budget approved")).embed["description"]
            mark = len(fake.sent)
        assert alerts_in(fake, records_channel, mark) == []  # one alert, for the one record that matched

        async with bot_up(fake, postgres_url):
            assert title(await ask(fake, "!quote zyxwv")) == "2 turns match “zyxwv”"
            assert "2 meetings" in title(await ask(fake, "!meetings"))
            assert "1: “zyxwv report”" in (await ask(fake, "!watches", channel=records_channel)).embed["description"]
            mark = await fake.say("!reload")
            done = await fake.wait_for(
                lambda: next((s for s in fake.sent[mark:] if "shared meeting" in title(s)), None), what="the reload's result"
            )
            assert title(done) == "The shared records were up to date: 1 shared meeting."
