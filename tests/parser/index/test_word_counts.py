"""Each turn's word count is made with the store and kept with it: the words `!speaker`, `!stats`
and `!meetings` report are `len(text.split())` of every turn, whichever way the store was made."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from bot import core
from bot.replies import SpeakerReply
from parser.index.columns import printed_word_counts
from parser.index.live import extended
from parser.index.snapshot import load_snapshot, save_snapshot
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from parser.readers.loader import load
from tests.parser.qmsum_records import qmsum_records

# AMI, ICSI, a Welsh Assembly committee whose text has no-break spaces (`education_24`: 108 of
# them, "£" and "—" too), and a House of Commons committee.
QMSUM = ["test/ES2004a", "test/Bmr014", "train/education_24", "val/education_18", "test/covid_4"]


def split_counts(store: TurnStore) -> list[int]:
    """How `!speaker` has always counted a turn's words: the pieces `str.split` makes of its text."""
    return [len(store.text(t).split()) for t in range(len(store))]


def test_every_record_of_the_corpus_is_counted_as_split_counts_it(corpus: Path) -> None:
    records = load([corpus]).records
    assert len(records) >= 10
    store = TurnStore(records)
    assert store.columns.word_counts.tolist() == split_counts(store)


def test_qmsum_meetings_are_counted_as_split_counts_them() -> None:
    store = TurnStore(qmsum_records(QMSUM))
    assert any("\xa0" in store.text(t) for t in range(len(store)))  # the Welsh meeting's spaces are in
    assert store.columns.word_counts.tolist() == split_counts(store)


def test_the_counts_are_saved_loaded_shared_by_views_and_extended(icann_record: Record, tmp_path: Path) -> None:
    store = TurnStore(qmsum_records(QMSUM[:2]))
    path = tmp_path / "store.npz"
    save_snapshot(store, path, key="k")
    loaded = load_snapshot(path, key="k")
    assert loaded is not None
    assert np.array_equal(loaded.columns.word_counts, store.columns.word_counts)

    mine = icann_record.model_copy(update={"meeting": icann_record.meeting.model_copy(update={"scope": 7})})
    grown, _ = extended(loaded, [mine])
    assert grown.columns.word_counts.tolist() == split_counts(grown)
    assert np.array_equal(grown.columns.word_counts[: len(loaded)], loaded.columns.word_counts)
    view = grown.view(8)  # another server: it does not see the French meeting, and shares the counts
    assert view is not grown and view.columns.word_counts is grown.columns.word_counts


def test_speaker_reports_the_words_of_turns_added_from_the_chat(store: TurnStore) -> None:
    said = "Bonjour\u00a0à tous :\u202fje\u2009suis\tlà  —  enfin, presque."
    record = Record(
        meeting=Meeting(id="added", title="added", scope=9),
        turns=[Turn(meeting_id="added", index=0, speaker="Zoé Testeuse", text=said)],
    )
    grown, _ = extended(store, [record])
    reply = asyncio.run(core.answer(grown.view(9), "!speaker Zoé Testeuse"))
    assert isinstance(reply, SpeakerReply)
    assert reply.words == len(said.split()) == 10  # counted by hand: "à", ":", "—" are words, "enfin," one


def counted(texts: list[str]) -> list[int]:
    encoded = [t.encode() for t in texts]
    offsets = np.cumsum([0, *map(len, encoded)])
    return printed_word_counts(b"".join(encoded), offsets).tolist()


@given(st.lists(st.text(), max_size=12))
def test_counts_agree_with_split_whatever_the_spaces_and_control_characters(texts: list[str]) -> None:
    assert counted(texts) == [len(t.split()) for t in texts]


@given(st.lists(st.text(alphabet=" \t\n\x01\x1c\x1f\x85\xa0\u1680\u2009\u200b\u3000ab€é", max_size=20), max_size=12))
def test_counts_agree_with_split_on_texts_made_of_spaces(texts: list[str]) -> None:
    assert counted(texts) == [len(t.split()) for t in texts]
