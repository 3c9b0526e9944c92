"""`!quote` of a word the records hold: that word first, similar words counted apart; compounds."""

from __future__ import annotations

import pytest

from bot.core import answer
from parser.index.store import TurnStore
from parser.text import fold


async def test_an_acronym_lists_its_own_turns_first_and_counts_similar_ones_apart(store: TurnStore) -> None:
    reply = await answer(store, "!quote UIT")
    assert reply.summary.startswith("2 turns say “UIT” · 12 more have a similar word")
    assert [h.turn_index for h in reply.hits[:2]] == [18, 25]
    assert all("uit" in fold(h.text).split() for h in reply.hits[:2])
    assert not any("uit" in fold(h.text).split() for h in reply.hits[2:])


async def test_a_word_of_the_records_comes_before_its_lookalikes(store: TurnStore) -> None:
    reply = await answer(store, "!quote internet")
    exact = int(reply.summary.split()[0])
    assert reply.summary.startswith(f"{exact} turns say “internet” · ")
    pages = [reply]
    while pages[-1].next:
        pages.append(await answer(store, pages[-1].next))
    listed = [h for page in pages for h in page.hits]
    assert all("internet" in fold(h.text) for h in listed[:exact])
    assert not any("internet" in fold(h.text) for h in listed[exact:])


async def test_a_word_no_turn_holds_says_so(store: TurnStore) -> None:
    reply = await answer(store, "!quote ITU")
    assert reply.summary.startswith("No turn says “ITU”; ")


@pytest.fixture(scope="module")
def education() -> TurnStore:
    from tests.parser.qmsum_records import qmsum_records

    return TurnStore(qmsum_records(["test/education_9", "train/education_12"]))


@pytest.mark.parametrize("typed", ["headteachers", "head teachers"])
async def test_compounds_are_found_joined_and_split(education: TurnStore, typed: str) -> None:
    texts = [fold(education.text(t)) for t in range(len(education))]
    both = [t for t, text in enumerate(texts) if "head teachers" in text or "headteachers" in text]
    assert any("head teachers" in fold(education.text(t)) for t in both)
    assert any("headteachers" in fold(education.text(t)) for t in both)
    reply = await answer(education, f"!quote {typed}")
    assert reply.total >= len(both)


def test_a_stray_quote_mark_in_pasted_text_is_not_a_phrase() -> None:
    from bot.commands.quote import split_phrases

    assert split_phrases('suppose you use" in" and you started with') == ([], 'suppose you use" in" and you started with')
    assert split_phrases('merci "cheveux blancs", vraiment') == (["cheveux blancs"], "merci  , vraiment")


async def test_a_page_past_the_ranked_head_still_marks_the_words(education: TurnStore) -> None:
    first = await answer(education, "!quote the")
    last = await answer(education, f"!quote the page:{first.pages}")
    assert last.page == first.pages and last.hits
    assert all(h.span is not None and fold(h.text[h.span[0] : h.span[1]]) == "the" for h in last.hits)
    past = await answer(education, f"!quote the page:{first.pages + 1}")
    assert past.error == f"There are only {first.pages} pages of turns matching “the”."
