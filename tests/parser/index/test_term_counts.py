"""Each word's occurrences in the corpus are counted as the store is built and kept with it, so the
first `!stats speaker:…` compares the speaker with the corpus without splitting every turn again."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import numpy as np

from bot import core
from bot.replies import StatsReply
from parser.index.live import extended, without
from parser.index.snapshot import load_snapshot, save_snapshot
from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import load
from tests.parser.qmsum_records import qmsum_records

# AMI, ICSI, a Welsh Assembly committee (no-break spaces, "£", "—") and a House of Commons committee.
QMSUM_TEST = [
    *(f"test/{m}" for m in ("Bmr014", "Bmr006", "Bmr023", "Bro027", "Bro004", "Bro019", "Bed016", "Bed008", "Bed003")),
    *(f"test/{m}" for m in ("IS1003a", "IS1003b", "IS1003c", "IS1003d", "ES2004a", "ES2004b", "ES2004c", "ES2004d")),
    *(f"test/{m}" for m in ("education_4", "education_9", "education_13", "education_17", "covid_4", "covid_9")),
]
QMSUM = ["test/ES2004a", "test/Bmr014", "train/education_24", "test/covid_4"]


def split_terms(store: TurnStore) -> list[int]:
    """How `!stats` has always counted the corpus: every folded word of every turn, by word id."""
    said = Counter(w for t in range(len(store)) for w in store.folded[t].split())
    return [said[w] for w in store.vocab.words]


def test_every_record_of_the_corpus_is_counted_as_splitting_counts_it(corpus: Path) -> None:
    records = load([corpus]).records
    assert len(records) >= 10
    store = TurnStore([*records, *qmsum_records(QMSUM_TEST)])
    assert len(store) > 2 * 4096  # several of the builder's chunks, each adding to the counts
    assert store.built.term_counts.dtype == np.int64
    assert store.built.term_counts.tolist() == split_terms(store)


def test_qmsum_meetings_are_counted_saved_loaded_extended_and_removed(icann_record: Record, tmp_path: Path) -> None:
    store = TurnStore(qmsum_records(QMSUM))
    assert store.built.term_counts.tolist() == split_terms(store)
    path = tmp_path / "store.npz"
    save_snapshot(store, path, key="k")
    loaded = load_snapshot(path, key="k")
    assert loaded is not None
    assert np.array_equal(loaded.built.term_counts, store.built.term_counts)

    grown, _ = extended(loaded, [icann_record])  # French: words the English meetings never had
    assert len(grown.vocab.words) > len(loaded.vocab.words)
    assert grown.built.term_counts.tolist() == split_terms(grown)
    again, _ = extended(grown, [icann_record])  # the same words once more: no new ones, every count grows
    assert len(again.vocab.words) == len(grown.vocab.words)
    assert again.built.term_counts.tolist() == split_terms(again)
    shrunk = without(again, "covid_4")
    assert shrunk.built.term_counts is again.built.term_counts


def test_stats_speaker_names_the_same_distinctive_words_as_counting_every_turn(corpus: Path) -> None:
    store = TurnStore(load([corpus]).records)
    counted = TurnStore(built=store.built)  # a view that sees every turn: it counts the corpus itself
    counted.visible = np.ones(len(store), dtype=bool)
    labels, turns = np.unique(store.columns.label_ids, return_counts=True)
    busiest = [store.columns.labels[i] for i in labels[np.argsort(-turns, kind="stable")][:4].tolist()]
    distinctive = []
    for label in busiest:
        question = f'!stats speaker:"{label}"'
        reply = asyncio.run(core.answer(store, question))
        assert isinstance(reply, StatsReply)
        assert reply == asyncio.run(core.answer(counted, question))
        distinctive.append(reply.distinctive)
    assert all(distinctive)


def test_a_servers_view_counts_the_corpus_less_what_it_cannot_see(icann_record: Record) -> None:
    from parser.index.tally import _corpus_terms, terms_of

    store = TurnStore(qmsum_records(QMSUM))
    theirs = Record(
        meeting=icann_record.meeting.model_copy(update={"id": "theirs", "scope": 42}),
        turns=[t.model_copy(update={"meeting_id": "theirs"}) for t in icann_record.turns],
    )
    live, _ = extended(store, [theirs])
    for scope in (None, 7, 42):
        view = live.view(scope)
        assert _corpus_terms(view) == terms_of(view, view.seen_turns()), scope
    assert live.view(None).visible is not None  # the French record is hidden from everyone but server 42
    assert "associes" not in _corpus_terms(live.view(None)) and "associes" in _corpus_terms(live.view(42))
