"""`!quote` on the real ICANN70 record, as a user types it."""

from __future__ import annotations

import pytest

from bot.core import answer
from parser.index.store import TurnStore
from parser.models import Record
from parser.text import fold
from tests.facts import LACRALO_TURNS, MEETING_ID


async def test_finds_the_turn_and_the_words(store: TurnStore) -> None:
    reply = await answer(store, "!quote skype")
    assert reply.error is None
    assert reply.hits[0].speaker == "LEÓN SANCHEZ"
    hit = reply.hits[0]
    assert hit.text[hit.span[0] : hit.span[1]] == "Skype"
    assert hit.meeting_id == MEETING_ID
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
    assert reply.summary == "1 turn matches “cheveux blancs”"  # the reply's own quotes, not the user's inside them


async def test_quoted_phrase_must_appear_in_that_order(store: TurnStore) -> None:
    # Both words are in the record, but never as "blancs cheveux".
    reply = await answer(store, '!quote "blancs cheveux"')
    assert reply.error is not None and reply.error.startswith("No quote matches “blancs cheveux”.")
    mixed = await answer(store, '!quote "blancs cheveux" merci')
    assert mixed.error is not None and mixed.error.startswith('No quote matches “"blancs cheveux" merci”.')
    assert reply.hits == []


async def test_results_are_counted_and_best_first(store: TurnStore) -> None:
    reply = await answer(store, "!quote LACRALO")
    assert reply.total == len(LACRALO_TURNS) > 5
    assert len(reply.hits) == 5
    scores = [h.score for h in reply.hits]
    assert scores == sorted(scores, reverse=True)


async def test_nothing_close_is_said_never_a_random_turn(store: TurnStore) -> None:
    reply = await answer(store, "!quote blockchain kangaroo")
    assert reply.error == ("No quote matches “blockchain kangaroo”. Try fewer words, or `!whosaid` for a looser match.")
    assert reply.hits == []


async def test_every_match_comes_a_page_at_a_time(store: TurnStore) -> None:
    first = await answer(store, "!quote LACRALO")
    second = await answer(store, "!quote LACRALO page:2")
    assert (first.page, second.page, first.pages) == (1, 2, -(-first.total // 5))
    assert first.next == "!quote LACRALO page:2"
    assert second.total == first.total and len(second.hits) == min(5, first.total - 5)
    seen = [(h.meeting_id, h.turn_index) for h in (*first.hits, *second.hits)]
    assert len(set(seen)) == len(seen)
    assert min(h.score for h in first.hits) >= max(h.score for h in second.hits)
    last = await answer(store, f"!quote LACRALO page:{first.pages}")
    assert last.next is None and last.hits
    beyond = await answer(store, f"!quote LACRALO page:{first.pages + 1}")
    assert beyond.error == f"There are only {first.pages} pages of turns matching “LACRALO”."


async def test_a_quoted_phrase_counts_every_turn_that_holds_it(store: TurnStore, icann_record: Record) -> None:
    reply = await answer(store, '!quote "merci beaucoup"')
    by_hand = sum("merci beaucoup" in fold(t.text) for t in icann_record.turns)
    assert reply.total == by_hand > 5
    assert all(h.text[h.span[0] : h.span[1]].lower() == "merci beaucoup" for h in reply.hits)


async def test_words_found_only_scattered_give_way_to_the_closest_phrase() -> None:
    """A typo that is itself a word ("leve", a town) must not hide the turn that was quoted."""
    from parser.models import Meeting, Record, Turn

    texts = [
        "Leve is a small town. We need a bus to go there now and then.",
        "I think we need to leave now, before the rain starts.",
        "Leve has a market on Sundays.",
        "The road to Leve is closed.",
    ]
    turns = [Turn(meeting_id="m", index=i, speaker=f"S{i}", text=t) for i, t in enumerate(texts)]
    store = TurnStore([Record(meeting=Meeting(id="m", title="m"), turns=turns)])
    reply = await answer(store, "!quote need to leve now")
    assert reply.summary == "No turn holds every word; 1 turn comes close to “need to leve now”"
    hit = reply.hits[0]
    assert hit.speaker == "S1" and hit.text[hit.span[0] : hit.span[1]] == "need to leave now"
    strict = await answer(store, '!quote "need" leve now')  # a quoted word keeps the strict reading
    assert [h.speaker for h in strict.hits] == ["S0"]
