"""The turn store keeps every turn compactly and gives it back exactly as the reader made it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from parser.index.search import find_words
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from parser.readers.loader import read_file
from parser.text import fold
from tests.facts import MEETING_ID, TURNS


def test_turns_read_back_as_the_reader_made_them(icann_record: Record) -> None:
    store = TurnStore([icann_record])
    assert len(store) == len(store.turns) == len(icann_record.turns) == TURNS
    assert list(store.turns) == icann_record.turns
    assert store.turns[-1] == icann_record.turns[-1]
    assert store.turns[3:6] == icann_record.turns[3:6]
    assert [store.folded[i] for i in range(len(store))] == [fold(t.text) for t in icann_record.turns]
    with pytest.raises(IndexError):
        store.turns[TURNS]


def test_timed_records_keep_their_times(corpus: Path) -> None:
    record = read_file(corpus / "vtt-voice" / "python-bytes-451.vtt")
    store = TurnStore([record])
    assert list(store.turns) == record.turns
    assert store.turns[5].start is not None and store.turns[5].page is None


def test_an_index_that_is_not_the_position_is_kept(icann_record: Record) -> None:
    odd = Record(
        meeting=Meeting(id="odd", title="odd"),
        turns=[Turn(meeting_id="odd", index=i * 2, speaker="A", text=f"turn {i}") for i in range(3)],
    )
    store = TurnStore([icann_record, odd])
    assert [t.index for t in store.turns[36:]] == [36, 37, 0, 2, 4]


def test_two_records_of_one_name_are_two_meetings(icann_record: Record) -> None:
    store = TurnStore([icann_record, icann_record])
    first, second = store.meeting_range.values()
    assert list(store.meeting_range) == [MEETING_ID, f"{MEETING_ID}-2"]
    assert (first, second) == (range(0, TURNS), range(TURNS, 2 * TURNS))
    assert store.turns[40].meeting_id == f"{MEETING_ID}-2"
    assert store.turns[40].index == 2


def _holding(store: TurnStore, word: str) -> list[int]:
    return [t for t in range(len(store)) if word in store.folded[t].split()]


def test_a_word_finds_every_turn_that_holds_it_and_a_rarer_word_weighs_more(store: TurnStore) -> None:
    assert sorted(hit.turn_id for hit in find_words(store, "lacralo")) == _holding(store, "lacralo")
    assert len(_holding(store, "lacralo")) == 14
    assert list(find_words(store, "kangaroo")) == []
    ids = store.vocab.ids
    assert "lacralo" in ids and "kangaroo" not in ids
    assert store.word_idf(ids["lacralo"]) > store.word_idf(ids["de"]) > 0


def test_a_typo_stands_for_the_word_one_edit_away(store: TurnStore) -> None:
    assert store.vocab.near("asocies") == {"associes": 1}
    assert store.vocab.near("clik") == {"clic": 1}
    for typo, word in [("asocies", "associes"), ("clik", "clic")]:
        assert sorted(hit.turn_id for hit in find_words(store, typo)) == _holding(store, word) != []


def test_each_turn_knows_its_label_and_its_speaker(store: TurnStore) -> None:
    leon = store.speakers.resolve("leon")[0].speaker
    assert [store.turn_speaker[t] is leon for t in leon.turn_ids] == [True, True]
    assert [store.turns[t].speaker for t in leon.turn_ids] == ["LEÓN SANCHEZ"] * 2
    assert leon.turn_ids == sorted(leon.turn_ids) and 4 in leon.turn_ids


def test_the_cycle_collector_runs_again_after_a_build_however_it_ends(icann_record: Record) -> None:
    # The build pauses the collector; a bot that serves for weeks must get it back, even when
    # reading the records fails half-way, and must not get it if the host had turned it off.
    def failing() -> Iterator[Record]:
        yield icann_record
        assert not gc.isenabled()
        raise OSError("disk gone")

    assert gc.isenabled()
    with pytest.raises(OSError):
        TurnStore(failing())
    assert gc.isenabled()
    gc.disable()
    try:
        TurnStore([icann_record])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_meeting_mixing_scripts_folds_each_turn_as_alone() -> None:
    texts = ["Hello World, it's me", "Voilà l’œuvre de Straße ½", "中文 and Русский текст", "Ça va ? ß", "plain\x02odd"]
    turns = [Turn(meeting_id="m", index=i, speaker="A", text=t) for i, t in enumerate(texts)]
    store = TurnStore([Record(meeting=Meeting(id="m", title="m"), turns=turns)])
    assert [store.folded[i] for i in range(len(texts))] == [fold(t) for t in texts]
    assert store.folded[2] == "中文 and русскии текст"


def test_a_record_the_builder_cannot_take_is_left_out_and_the_others_build() -> None:
    from parser.models import Meeting, Record, Turn

    def record(meeting_id: str, text: str) -> Record:
        turns = [Turn(meeting_id=meeting_id, index=0, speaker="Ana", text=text)]
        return Record(meeting=Meeting(id=meeting_id, title=meeting_id), turns=turns)

    left_out: list[tuple[str, str]] = []
    records = [record("one", "first words"), record("bad", "a lone \ud800 surrogate"), record("two", "second words")]
    store = TurnStore(records, on_error=lambda r, err: left_out.append((r.meeting.id, type(err).__name__)))
    assert sorted(store.meetings) == ["one", "two"] and [store.text(i) for i in range(len(store))] == [
        "first words",
        "second words",
    ]
    assert left_out == [("bad", "UnicodeEncodeError")]
