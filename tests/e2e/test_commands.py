"""Every command through the real discord.py client and a fake Discord: prefix and slash, buttons, autocomplete."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import bot.discord_adapter.views
from bot.corpus import build_store
from bot.discord_adapter.client import VerbatimBot
from parser.index.store import TurnStore
from parser.models import Meeting
from tests.conftest import SAMPLE
from tests.facts import DAAR_PAGE, DAAR_SPEAKER, DAAR_TURN, LACRALO_TURNS, MEETING_ID, TURNS
from tests.fake_discord import FakeDiscord, Sent, bot_on_fake
from tests.fake_discord.harness import store_of, write_meetings
from tests.fake_discord.rest import RESPONSE_DEADLINE

MEETING = MEETING_ID

Env = tuple[FakeDiscord, VerbatimBot]


@pytest.fixture
async def env(store: TurnStore) -> AsyncIterator[Env]:
    async with bot_on_fake(store) as running:
        yield running


async def ask(fake: FakeDiscord, text: str, **how: Any) -> Sent:
    mark = await fake.say(text, **how)
    return await fake.next_sent(mark, what=f"an answer to {text!r}")


async def slash(fake: FakeDiscord, name: str, /, **options: Any) -> Sent:
    interaction = await fake.slash(name, **options)
    return await fake.message_for(interaction)


def shown(sent: Sent) -> tuple[str, list[tuple[str, str]]]:
    """What a reader sees of an answer's first embed: title and fields (file names aside)."""
    return sent.embed.get("title", ""), [(f["name"], f["value"]) for f in sent.embed.get("fields", [])]


BOTH_WAYS = [
    ("!quote DAAR", "quote", {"words": "DAAR"}, "1 turn matches “DAAR”"),
    ("!whosaid nous avons 29 associes", "whosaid", {"phrase": "nous avons 29 associes"}, "Verbatim: Said word for word"),
    (
        "!quote LACRALO page:2",
        "quote",
        {"words": "LACRALO", "page": 2},
        f"{len(LACRALO_TURNS)} turns match “LACRALO” · page 2 of 3",
    ),
    (
        '!quote internet speaker:"León Sánchez" date:2021-03',
        "quote",
        {"words": "internet", "speaker": "León Sánchez", "date": "2021-03"},
        "1 turn matches “internet”",
    ),
    ("!whosaid merci beaucoup speaker:lito", "whosaid", {"phrase": "merci beaucoup", "speaker": "lito"}, "LITO IBARRA"),
    ("!speaker goran", "speaker", {"name": "goran"}, "GÖRAN MARBY: 2 turns"),
    (f"!context {MEETING} 21", "context", {"meeting": MEETING, "turn": 21}, "Around turn 21 of"),
    (f"!context {MEETING} 21 1", "context", {"meeting": MEETING, "turn": 21, "around": 1}, "Around turn 21 of"),
    ("!meetings 2021", "meetings", {"filter": "2021"}, "1 meeting matching “2021”"),
    ("!stats", "stats", {}, "ICANN70"),
    ("!stats speaker:León", "stats", {"speaker": "León"}, "LEÓN SANCHEZ: 2 turns"),
    ("!help", "help", {}, "Ask the meeting records"),
]


@pytest.mark.parametrize(("typed", "name", "options", "title"), BOTH_WAYS, ids=[b[0] for b in BOTH_WAYS])
async def test_every_command_answers_the_same_as_prefix_and_as_slash(
    env: Env, typed: str, name: str, options: dict[str, Any], title: str
) -> None:
    fake, _ = env
    by_prefix = await ask(fake, typed)
    by_slash = await slash(fake, name, **options)
    assert title in by_prefix.embed.get("title", "")
    assert shown(by_prefix) == shown(by_slash)
    assert by_slash.via == "interaction" and not by_slash.ephemeral


async def test_an_answer_shows_words_speaker_meeting_date_and_place(env: Env) -> None:
    fake, _ = env
    field = (await ask(fake, "!quote DAAR")).embed["fields"][0]
    assert field["name"].startswith("GÖRAN MARBY — ICANN70")
    assert "2021-03-22" in field["name"] and f"p. {DAAR_PAGE}" in field["name"] and f"turn {DAAR_TURN}" in field["name"]
    assert "**DAAR**" in field["value"]


async def test_a_meeting_with_a_url_links_to_its_record() -> None:
    meeting = Meeting(id="m1", title="Weekly call", date=dt.date(2024, 5, 2), url="https://example.org/rec(1)")
    async with bot_on_fake(store_of((meeting, [("Ana", "We discussed DNS abuse at length.")]))) as (fake, _):
        value = (await ask(fake, "!quote DNS abuse")).embed["fields"][0]["value"]
    assert "[open the record](https://example.org/rec%281%29)" in value


async def test_a_quote_with_everyone_in_it_pings_nobody() -> None:
    text = "Hey @everyone and @here, ask <@123456789012345678> or <@&987654321098765432> in <#111111111111111111>: **now** [x](https://evil.example)"
    store = store_of((Meeting(id="m", title="Call"), [("Ana", text)]))
    async with bot_on_fake(store) as (fake, _):
        sent = await ask(fake, "!quote everyone")
        by_slash = await slash(fake, "quote", words="everyone")
    for answer in (sent, by_slash):
        assert answer.allowed_mentions is not None and answer.allowed_mentions["parse"] == []
        assert answer.pinged() == [] and answer.raw_mentions() == []
        value = answer.embed["fields"][0]["value"]
        assert "everyone" in value and "\\*\\*now\\*\\*" in value and "](https://evil" not in value


async def test_commands_work_in_direct_messages(env: Env) -> None:
    fake, _ = env
    sent = await ask(fake, "!quote DAAR", dm=True)
    assert sent.data["channel_id"] == fake.dm_with(fake.alice)["id"]
    assert (await slash(fake, "quote", words="DAAR", dm=True)).embed["title"] == "1 turn matches “DAAR”"


async def test_other_bots_are_ignored_and_a_mention_is_a_prefix(env: Env) -> None:
    fake, bot = env
    mark = await fake.say("!help", author=fake.other_bot)
    answer = await ask(fake, f"<@{bot.user.id}> quote DAAR" if bot.user else "")
    assert answer.embed["title"] == "1 turn matches “DAAR”"
    assert [s.embed["title"] for s in fake.sent[mark:]] == ["1 turn matches “DAAR”"]


async def test_mistakes_get_a_one_line_answer(env: Env) -> None:
    fake, _ = env
    assert "needs something to look for" in (await ask(fake, "!quote")).embed["description"]
    mark = await fake.say("!important: the call moves to Friday")
    assert "Did you mean" in (await ask(fake, "!qoute DAAR")).embed["description"]
    assert len(fake.sent) == mark + 1
    assert "Unknown command" in (await ask(fake, "!hello", dm=True)).embed["description"]
    assert "Which turn?" in (await ask(fake, f"!context {MEETING} x")).embed["description"]
    wrong = await slash(fake, "context", meeting="nowhere at all", turn=3)
    assert wrong.embed["description"].startswith("No meeting like") and wrong.ephemeral is False


async def test_a_slow_answer_defers_the_interaction_first(store: TurnStore) -> None:
    async with bot_on_fake(store, fake=FakeDiscord(response_deadline=RESPONSE_DEADLINE), defer_after=0) as (fake, _):
        interaction = await fake.slash("quote", words="DAAR")
        assert (await fake.answer_to(interaction))["type"] == 5
        sent = await fake.message_for(interaction)
        assert sent.via == "followup" and sent.embed["title"] == "1 turn matches “DAAR”"
        mark = len(fake.requests)
        await ask(fake, "!quote DAAR")
        assert ("POST", f"/channels/{fake.channel['id']}/typing") in fake.requests[mark:]


@pytest.mark.parametrize(("defer_after", "via"), [(None, "interaction"), (0, "followup")], ids=["quick", "deferred"])
async def test_stats_by_slash_shows_its_chart_whether_first_or_deferred(
    store: TurnStore, defer_after: float | None, via: str
) -> None:
    """A chart can take longer than the deferral delay: either way, the answer carries it."""
    async with bot_on_fake(store, defer_after=defer_after) as (fake, _):
        interaction = await fake.slash("stats", speaker="goran")
        assert (await fake.answer_to(interaction))["type"] == (4 if via == "interaction" else 5)
        sent = await fake.message_for(interaction)
    assert sent.via == via and sent.embed["title"].startswith("GÖRAN MARBY: 2 turns")
    (name, data), *_ = sent.files
    assert data.startswith(b"\x89PNG") and sent.embed["image"]["url"] == f"attachment://{name}"


async def test_per_user_cooldown_says_how_long_to_wait(store: TurnStore) -> None:
    async with bot_on_fake(store, cooldown_rate=1, cooldown_seconds=60) as (fake, _):
        await ask(fake, "!quote DAAR")
        assert (await ask(fake, "!quote DAAR")).embed["description"] == "Slow down: you can ask again in 60 s."
        limited = await slash(fake, "quote", words="DAAR")
        assert limited.ephemeral and limited.embed["description"].startswith("Slow down")
        assert (await ask(fake, "!quote DAAR", author=fake.bob)).embed["title"] == "1 turn matches “DAAR”"


async def test_speaker_and_meeting_options_autocomplete(env: Env) -> None:
    fake, _ = env
    for typed in ("goran", "GÖR", "marby"):
        answer = await fake.answer_to(await fake.autocomplete("speaker", "name", typed))
        assert answer["type"] == 8 and answer["data"]["choices"][0]["value"] == "GÖRAN MARBY"
    answer = await fake.answer_to(await fake.autocomplete("context", "meeting", "lacralo"))
    assert [c["value"] for c in answer["data"]["choices"]] == [MEETING]
    answer = await fake.answer_to(await fake.autocomplete("stats", "speaker", "leon s", meeting=MEETING))
    assert answer["data"]["choices"][0]["name"] == "LEÓN SANCHEZ"


async def test_autocomplete_offers_at_most_25() -> None:
    store = store_of((Meeting(id="m", title="Big call"), [(f"Speaker Number {n}", "words") for n in range(40)]))
    async with bot_on_fake(store) as (fake, _):
        answer = await fake.answer_to(await fake.autocomplete("speaker", "name", "speaker"))
    assert len(answer["data"]["choices"]) == 25


@pytest.fixture
async def many(tmp_path: Path) -> AsyncIterator[Env]:
    store, _ = build_store(write_meetings(tmp_path / "records", 12))
    async with bot_on_fake(store) as running:
        yield running


def button(sent: Sent, custom_id: str) -> dict[str, Any]:
    return next(b for b in sent.buttons if b["custom_id"] == custom_id)


async def test_pages_turn_with_buttons_only_for_who_asked(many: Env) -> None:
    fake, _ = many
    first = await slash(fake, "meetings")
    assert first.embed["footer"]["text"] == "2 more · page 1 of 2"
    assert button(first, "verbatim:prev")["disabled"] and not button(first, "verbatim:next")["disabled"]

    refused = await fake.click(first, "verbatim:next", user=fake.bob)
    answer = await fake.answer_to(refused)
    assert answer["type"] == 4 and "Only the person who asked" in answer["data"]["content"]
    assert answer["data"]["flags"] & 64

    turned = await fake.answer_to(await fake.click(first, "verbatim:next"))
    assert turned["type"] == 7
    assert first.embed["footer"]["text"] == "page 2 of 2" and len(first.embed["fields"]) == 2
    assert button(first, "verbatim:next")["disabled"] and button(first, "verbatim:page")["label"] == "2 / 2"

    await fake.answer_to(await fake.click(first, "verbatim:prev"))
    assert first.embed["footer"]["text"] == "2 more · page 1 of 2"


async def test_prefix_answers_page_too(many: Env) -> None:
    fake, _ = many
    assert (await ask(fake, "!meetings page:2")).embed["footer"]["text"] == "page 2 of 2"
    first = await ask(fake, "!meetings")
    await fake.answer_to(await fake.click(first, "verbatim:next"))
    assert first.embed["footer"]["text"] == "page 2 of 2" and first.edits == 1


async def test_buttons_switch_off_after_the_timeout(many: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    fake, _ = many
    monkeypatch.setattr(bot.discord_adapter.views, "PAGE_TIMEOUT", 0.2)
    first = await slash(fake, "meetings")
    await fake.wait_for(lambda: all(b["disabled"] for b in first.buttons), what="the buttons switched off")
    assert first.edits == 1


async def test_a_hit_has_a_context_button(env: Env) -> None:
    fake, _ = env
    hit = await slash(fake, "quote", words="DAAR")
    assert button(hit, "verbatim:context:0")["label"] == f"Context · {DAAR_SPEAKER} · turn {DAAR_TURN}"
    context = await fake.message_for(await fake.click(hit, "verbatim:context:0"), after=len(fake.sent))
    assert context.embed["title"].startswith(f"Around turn {DAAR_TURN} of {TURNS} in ICANN70")
    assert any(f["name"].startswith("▶ 21 · GÖRAN MARBY") for f in context.embed["fields"])


async def test_stats_attach_the_chart_the_embed_shows(env: Env) -> None:
    fake, _ = env
    for sent in (await ask(fake, "!stats"), await slash(fake, "stats", speaker="goran")):
        (name, data), *_ = sent.files
        assert data.startswith(b"\x89PNG") and sent.embed["image"]["url"] == f"attachment://{name}"
        assert [a["filename"] for a in sent.data["attachments"]] == [name]


async def test_stats_with_a_meeting_and_a_speaker_asks_for_one(env: Env) -> None:
    fake, _ = env
    sent = await slash(fake, "stats", meeting=MEETING, speaker="goran")
    assert sent.ephemeral and sent.embed["description"] == "Pick a meeting or a speaker, not both."


async def test_slow_buttons_defer_then_edit_or_follow_up(many: Env) -> None:
    fake, running = many
    first = await slash(fake, "meetings")
    running.defer_after = 0
    assert (await fake.answer_to(await fake.click(first, "verbatim:next")))["type"] == 6
    await fake.wait_for(lambda: first.edits == 1, what="the page edited after the deferral")
    assert first.embed["footer"]["text"] == "page 2 of 2"
    hit = await slash(fake, "quote", words="DNS abuse")
    click = await fake.click(hit, "verbatim:context:0")
    assert (await fake.answer_to(click))["type"] == 5
    context = await fake.message_for(click, after=len(fake.sent))
    assert context.via == "followup" and context.embed["title"].startswith("Around the first turn")


async def test_a_reload_keeps_the_deferral_delay_the_bot_was_given(store: TurnStore, tmp_path: Path) -> None:
    """How a slow answer is deferred is the bot's setting, not the records': a reload leaves it as it was (here: always)."""
    async with bot_on_fake(store, corpus=[SAMPLE], defer_after=0, cache_dir=tmp_path / "cache") as (fake, running):
        assert (await running.reload_corpus()).summary.startswith("Reloaded 1 meeting")
        interaction = await fake.slash("quote", words="DAAR")
        assert (await fake.answer_to(interaction))["type"] == 5  # deferred first
        assert (await fake.message_for(interaction)).via == "followup"
