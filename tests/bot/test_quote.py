"""`!quote` on the real ICANN70 record, as a user types it."""

from __future__ import annotations

import pytest

from bot.core import answer
from parser.store import TurnStore


async def test_finds_the_turn_and_the_words(store: TurnStore) -> None:
    reply = await answer(store, "!quote skype")
    assert reply.error is None
    assert reply.hits[0].speaker == "LEÓN SANCHEZ"
    hit = reply.hits[0]
    assert hit.text[hit.span[0] : hit.span[1]] == "Skype"
    assert hit.meeting_id == "icann70-lacralo-roundtable-fr"
    assert hit.page == 7


@pytest.mark.parametrize(
    ("typed", "speaker", "shown"),
    [
        ("DAAR", "GÖRAN MARBY", "DAAR"),
        ("daar", "GÖRAN MARBY", "DAAR"),
        ("29 associes", "MIGUEL IGNACIO ESTRADA", "29 associés"),  # accent dropped
        ("29 asociés", "MIGUEL IGNACIO ESTRADA", "29 associés"),  # typo
        ("utilisation malveillante DNS", "SERGIO SALINAS PORTO", "utilisation malveillante du DNS"),
    ],
)
async def test_typos_and_missing_accents_still_find_it(store: TurnStore, typed: str, speaker: str, shown: str) -> None:
    reply = await answer(store, f"!quote {typed}")
    assert reply.error is None, reply.error
    hit = reply.hits[0]
    assert hit.speaker == speaker
    assert hit.text[hit.span[0] : hit.span[1]] == shown


@pytest.mark.parametrize("quoted", ['"cheveux blancs"', "“cheveux blancs”", "« cheveux blancs »"])
async def test_a_phrase_in_quotes_means_that_phrase(store: TurnStore, quoted: str) -> None:
    reply = await answer(store, f"!quote {quoted}")
    assert reply.error is None
    assert [h.speaker for h in reply.hits] == ["SERGIO SALINAS PORTO"]
    assert "cheveux blancs" in reply.hits[0].text


async def test_quoted_phrase_must_appear_in_that_order(store: TurnStore) -> None:
    # Both words are in the record, but never as "blancs cheveux".
    reply = await answer(store, '!quote "blancs cheveux"')
    assert reply.error is not None and "No quote matches" in reply.error
    assert reply.hits == []


async def test_results_are_counted_and_best_first(store: TurnStore) -> None:
    reply = await answer(store, "!quote LACRALO")
    by_hand = sum("lacralo" in t.text.lower() for t in store.turns)
    assert reply.total == by_hand > 5
    assert len(reply.hits) == 5
    scores = [h.score for h in reply.hits]
    assert scores == sorted(scores, reverse=True)


async def test_nothing_close_is_said_never_a_random_turn(store: TurnStore) -> None:
    reply = await answer(store, "!quote blockchain kangaroo")
    assert reply.error == ("No quote matches “blockchain kangaroo”. Try fewer words, or `!whosaid` for a looser match.")
    assert reply.hits == []
