"""Search on real records: QMSum meetings (English, full of one-word turns) and the ICANN record (French)."""

from __future__ import annotations

import numpy as np
import pytest
from rapidfuzz import fuzz

from config.aliases import load_aliases
from parser.index.postings import SEGMENT
from parser.index.search import find_closest, find_phrase, find_words, locate
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from parser.text import fold
from tests.parser.qmsum_records import qmsum_records

MEETINGS = ["test/covid_4", "test/covid_9", "test/Bmr014", "test/education_4", "test/education_13"]


@pytest.fixture(scope="module")
def store(icann_record: Record) -> TurnStore:
    return TurnStore([*qmsum_records(MEETINGS), icann_record], load_aliases())


def turn(store: TurnStore, meeting: str, index: int) -> int:
    return store.meeting_range[meeting][index]


def shown(store: TurnStore, hit) -> str:  # type: ignore[no-untyped-def]
    hit = locate(store, hit)
    assert hit.span is not None
    return store.text(hit.turn_id)[hit.span[0] : hit.span[1]]


def test_a_quoted_phrase_is_found_as_a_phrase_and_only_so(store: TurnStore) -> None:
    hits = find_phrase(store, "income replacement to millions upon millions")
    assert [h.turn_id for h in hits] == [turn(store, "covid_4", 41)]
    assert shown(store, hits[0]) == "income replacement to millions upon millions"
    assert hits[0].score == 100 and hits[0].exact
    assert find_phrase(store, "millions upon millions income replacement") == []


def test_a_phrase_found_several_times_in_a_turn_ranks_it_first(store: TurnStore) -> None:
    hits = find_phrase(store, "merci beaucoup")
    by_hand = [t for t in range(len(store)) if "merci beaucoup" in store.folded[t]]
    assert sorted(h.turn_id for h in hits) == by_hand
    counts = [store.folded[h.turn_id].count("merci beaucoup") for h in hits]
    assert counts == sorted(counts, reverse=True)


def test_a_typo_and_a_missing_word_still_find_the_turn(store: TurnStore) -> None:
    # covid_4, turn 41: "...we actually moved in the most rapid and simplest possible way..."
    hits = find_closest(store, "we actually moved in the most rapdi simplest possible way")
    assert hits[0].turn_id == turn(store, "covid_4", 41)
    assert 80 <= hits[0].score < 100
    assert shown(store, hits[0]).startswith("we actually moved in the most rapid and simplest possible way")


def test_a_turn_shorter_than_the_query_cannot_claim_it(store: TurnStore) -> None:
    # partial_ratio gives 100 to "Yeah ." against any query holding "yeah": Bmr014 has dozens of them.
    assert fuzz.partial_ratio("yeah you could try an experiment", "yeah") == 100
    hits = find_closest(store, "yeah you could try an experiment")
    assert hits[0].turn_id == turn(store, "Bmr014", 40)
    assert all(len(store.folded[h.turn_id].split()) > 2 for h in hits[:3])


def test_rare_words_outweigh_common_ones_when_a_word_is_missing(store: TurnStore) -> None:
    # covid_4, turn 100: "...eligible seniors are set to receive a one-time payment..." without "set".
    hits = find_closest(store, "eligible seniors are to receive a one-time")
    assert hits[0].turn_id == turn(store, "covid_4", 100)


@pytest.mark.parametrize(
    ("typed", "meeting", "index"),
    [
        ("covid 19 cas changed", "covid_9", 33),  # "COVID-19 has changed": `cas` is a word, in a French turn
        ("ban bleep out stuff", "Bmr014", 492),  # "they can bleep out stuff": `ban` is a word, in two turns
    ],
)
def test_a_typo_that_is_itself_a_rarer_word_still_finds_the_turn(store: TurnStore, typed: str, meeting: str, index: int) -> None:
    hits = find_closest(store, typed)
    assert hits[0].turn_id == turn(store, meeting, index)
    assert hits[0].score >= 80
    # The word as typed still wins where it was said: "ban" alone is the firearms ban.
    assert "ban" in fold(store.text(find_closest(store, "firearms ban")[0].turn_id)).split()


def test_when_nothing_in_the_pool_comes_close_the_next_best_are_scored(store: TurnStore) -> None:
    # covid_4, turn 224: "...want to thank the member..." without "thank": four common words,
    # whose turn the index ranks 7th. With a pool of two, the first pass finds nothing close.
    hits = find_closest(store, "want to the member", pool=2)
    assert hits[0].turn_id == turn(store, "covid_4", 224)
    assert hits[0].score >= 85
    assert shown(store, hits[0]).startswith("want to thank the member")


def test_missing_accents_and_case_do_not_matter(store: TurnStore) -> None:
    hits = find_phrase(store, "PROBLEME DE RENOUVELLEMENT GENERATIONNEL")
    assert [store.turns[h.turn_id].speaker for h in hits] == ["SERGIO SALINAS PORTO"]
    assert shown(store, hits[0]) == "problème de renouvellement générationnel"


def test_plain_words_must_all_appear(store: TurnStore) -> None:
    hits = find_words(store, "seniors GST top-up")
    by_hand = [t for t in range(len(store)) if {"seniors", "gst", "top", "up"} <= set(store.folded[t].split())]
    assert sorted(h.turn_id for h in hits) == by_hand
    assert hits[0].turn_id == turn(store, "covid_4", 101)


def test_a_stem_or_a_typo_counts_as_the_word(store: TurnStore) -> None:
    exact = {h.turn_id for h in find_words(store, "pandemic seniors")}
    assert turn(store, "covid_4", 100) in {h.turn_id for h in find_words(store, "pandemic senior")}
    assert turn(store, "covid_4", 100) in {h.turn_id for h in find_words(store, "pandemic seniros")}
    assert exact <= {h.turn_id for h in find_words(store, "pandemic senior")}


def test_exact_words_rank_before_their_stems(store: TurnStore) -> None:
    hits = find_words(store, "senior")
    exact = [h for h in hits if "senior" in store.folded[h.turn_id].split()]
    assert exact and hits[0].turn_id == exact[0].turn_id


def test_hits_carry_the_matched_span(store: TurnStore) -> None:
    hit = find_words(store, "universal direct payment")[0]
    assert hit.turn_id == turn(store, "covid_4", 40)
    assert shown(store, hit) == "universal direct payment"


def test_a_filter_keeps_only_the_turns_it_allows(store: TurnStore) -> None:
    allowed = np.zeros(len(store), dtype=bool)
    span = store.meeting_range["covid_9"]
    allowed[span.start : span.stop] = True
    for hits in (find_words(store, "Mr. Chair", allowed), find_closest(store, "thank you mister chair", 5, allowed)):
        assert hits and all(h.turn_id in span for h in hits)
    assert find_phrase(store, "income replacement to millions upon millions", allowed) == []


def test_every_match_is_counted_and_only_the_head_is_made(store: TurnStore) -> None:
    hits = find_words(store, "the")
    by_hand = sum("the" in store.folded[t].split() for t in range(len(store)))
    assert len(hits) == by_hand > 500
    assert len(hits[:5]) == 5 and hits[-1].turn_id in range(len(store))
    scores = [h.score for h in hits[:200]]
    assert scores == sorted(scores, reverse=True)


def test_nothing_is_found_for_words_nobody_said(store: TurnStore) -> None:
    assert find_words(store, "blockchain kangaroo") == []
    assert all(h.score < 80 for h in find_closest(store, "blockchain kangaroo"))


def test_turns_either_side_of_a_segment_boundary_are_found() -> None:
    """Postings are cut in segments of 65,536 turns: a boundary must be invisible to search."""
    n = SEGMENT + 100
    texts = [f"filler number {k}" for k in range(n)]
    for k in (SEGMENT - 1, SEGMENT, n - 1):
        texts[k] = f"the quick brown fox {k}"
    turns = [Turn(meeting_id="m", index=k, speaker="A" if k % 2 else "B", text=t) for k, t in enumerate(texts)]
    store = TurnStore([Record(meeting=Meeting(id="m", title="m"), turns=turns)])
    expected = [SEGMENT - 1, SEGMENT, n - 1]
    assert sorted(h.turn_id for h in find_phrase(store, "quick brown fox")) == expected
    assert sorted(h.turn_id for h in find_words(store, "fox quick")) == expected
    assert find_closest(store, f"the quick brwn fox {SEGMENT}")[0].turn_id == SEGMENT
    assert store.turns[n - 1].text == f"the quick brown fox {n - 1}"
    assert fold(store.turns[-1].text) == store.folded[n - 1]
