"""What the console shows: pages that say what is left, and a miss that shows the nearest turn as no match."""

from __future__ import annotations

from bot.core import answer
from bot.discord_adapter.render import render as render_discord
from bot.render_text import render
from parser.index.store import TurnStore
from tests.facts import LACRALO_TURNS


async def test_pages_say_how_many_are_left_and_how_to_go_on(store: TurnStore) -> None:
    by_hand = len(LACRALO_TURNS)
    first = render(await answer(store, "!quote LACRALO"))
    assert f"… and {by_hand - 5} more." in first and "Next page: !quote LACRALO page:2" in first
    second = render(await answer(store, "!quote LACRALO page:2"))
    assert f"… and {by_hand - 10} more." in second and "Next page: !quote LACRALO page:3" in second
    last = render(await answer(store, "!quote LACRALO page:3"))
    assert "more." not in last and "Next page" not in last


async def test_not_found_shows_the_nearest_turn_as_not_a_match(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid the quick brown fox jumps")
    assert reply.verdict == "not found" and reply.nearest is not None
    text = render(reply)
    assert text.startswith("Nobody said anything like “the quick brown fox jumps”")
    assert "The closest turn, which is not a match:" in text
    embed = render_discord(reply)["embed"]
    assert embed.fields[0].name.startswith("Closest turn, not a match: ")
