"""Properties of the command core as Discord sees it: any message is answered inside Discord's limits, pinging nobody."""

from __future__ import annotations

import asyncio
import re
from functools import cache

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import core
from bot.commands import COMMANDS
from bot.discord_adapter.render import escape, render
from bot.replies import APOLOGY, HitOut, Reply
from parser.index.store import TurnStore
from parser.models import Meeting
from parser.readers.loader import read_file
from tests.conftest import SAMPLE
from tests.fake_discord.harness import records_of

RAW_MENTION = re.compile(r"@(everyone|here)|<[@#][!&]?\d+>|<a?:\w+:\d+>")
AUTOLINK = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
NASTY = "Hey @everyone @here <@123456789012345678> <@&42> <#7> <:e:9> **b** __u__ `c` ||s|| > q # h https://x.example [l](https://y.example)"
WORDS = [
    "DAAR", "@everyone", "<@123456789012345678>", "page:2", "page:0", "p:x", "speaker:", "speaker:León", "who:goran",
    "2021", "2021-03", "2021-13", '"nous avons', "«", "”", "**", "\\", "\n", "icann70-lacralo-roundtable-fr", "21", "-3",
    "999999999999", "x" * 120, "https://evil.example", "Göran", "é", "\u200b", "🙂",
]  # fmt: skip


@cache
def rich_store() -> TurnStore:
    """The sample meeting plus one whose every turn tries to ping, link or format."""
    nasty = records_of((Meeting(id="nasty", title="**Nasty** @everyone"), [("@here", NASTY), ("<@1>", NASTY * 3)]))
    return TurnStore([read_file(SAMPLE), *nasty])


def visible_texts(rendered: dict[str, object]) -> list[str]:
    embeds = rendered.get("embeds") or [rendered["embed"]]
    texts = []
    for e in embeds:  # type: ignore[union-attr]
        assert isinstance(e, discord.Embed)
        texts += [e.title or "", e.description or "", e.footer.text or ""]
        texts += [part for f in e.fields for part in (f.name or "", f.value or "")]
    return texts


def assert_inside_discords_limits(rendered: dict[str, object]) -> None:
    embeds = rendered.get("embeds") or [rendered["embed"]]
    assert len(embeds) <= 10  # type: ignore[arg-type]
    total = 0
    for e in embeds:  # type: ignore[union-attr]
        assert isinstance(e, discord.Embed)
        assert len(e.title or "") <= 256 and len(e.description or "") <= 4096 and len(e.footer.text or "") <= 2048
        assert len(e.fields) <= 25
        assert all(0 < len(f.name or "") <= 256 and 0 < len(f.value or "") <= 1024 for f in e.fields)
        total += len(e)
    assert total <= 6000


def assert_pings_and_links_nothing(rendered: dict[str, object]) -> None:
    for text in visible_texts(rendered):
        assert not RAW_MENTION.search(text), text
        without_our_links = re.sub(r"\]\(https?://[^)\s]+\)", "]", text)
        outside_code = re.sub(r"`[^`]*`", "", without_our_links)  # Discord links nothing inside a code span
        assert not AUTOLINK.search(outside_code), text


messages = st.one_of(
    st.text(max_size=400),
    st.builds(
        lambda name, words: f"!{name} {' '.join(words)}",
        st.sampled_from([*COMMANDS, "help", "h", "qoute", ""]),
        st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=30)), max_size=8),
    ),
)


@pytest.mark.slow  # 150 messages, each through the core and the Discord renderer
@given(messages)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_message_is_answered_inside_discords_limits_pinging_nobody(message: str) -> None:
    reply = asyncio.run(core.answer(rich_store(), message))
    assert reply.error != APOLOGY, f"the core failed on {message!r}"
    rendered = render(reply)
    assert_inside_discords_limits(rendered)
    assert_pings_and_links_nothing(rendered)


hit_outs = st.builds(
    HitOut,
    speaker=st.text(max_size=300),
    resolved_speaker=st.just("x"),
    meeting_id=st.text(min_size=1, max_size=50),
    meeting_title=st.text(max_size=300),
    turn_index=st.integers(0, 10**6),
    text=st.one_of(st.text(max_size=3000), st.just(NASTY * 20)),
    score=st.floats(0, 100),
    page=st.one_of(st.none(), st.integers(1, 10**4)),
    start=st.one_of(st.none(), st.floats(0, 10**6)),
    url=st.one_of(st.none(), st.just("https://example.org/a(b)"), st.text(max_size=40)),
)


@given(st.lists(hit_outs, max_size=30), st.text(max_size=500), st.integers(0, 10**6))
@settings(max_examples=100, deadline=None)
def test_any_transcript_text_renders_inside_the_limits_as_plain_words(hits: list[HitOut], summary: str, extra: int) -> None:
    hits = [h.model_copy(update={"span": (0, min(len(h.text), 40))}) if h.text else h for h in hits]
    rendered = render(Reply(command="quote", summary=summary, hits=hits, total=len(hits) + extra))
    assert_inside_discords_limits(rendered)
    assert_pings_and_links_nothing(rendered)


@given(st.text(max_size=300))
def test_escaped_text_has_every_markdown_character_escaped(text: str) -> None:
    escaped = escape(text)
    for at, char in enumerate(escaped):
        if char in "*_`~|[]()<>":
            run = len(escaped[:at]) - len(escaped[:at].rstrip("\\"))
            assert run % 2 == 1, (text, escaped)
    assert not RAW_MENTION.search(escaped) and not AUTOLINK.search(escaped)
