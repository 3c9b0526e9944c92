"""Resolving what people type to the speaker as the record prints the name."""

from __future__ import annotations

import pytest

from parser.index.speakers import speaker_key
from parser.index.store import TurnStore


@pytest.mark.parametrize(
    ("typed", "speaker"),
    [
        ("leon", "LEÓN SANCHEZ"),
        ("León", "LEÓN SANCHEZ"),
        ("Goran", "GÖRAN MARBY"),
        ("marby", "GÖRAN MARBY"),
        ("marbi", "GÖRAN MARBY"),
        ("de la parra", "RODRIGO DE LA PARRA"),
        ("sergio salinas", "SERGIO SALINAS PORTO"),
        ("Sergio Salinas Proto", "SERGIO SALINAS PORTO"),
        ("scartezzini", "VANDA SCARTEZINI"),
        ("Nacho", "MIGUEL IGNACIO ESTRADA"),
        ("Alex", "ALEJANDRO PISANTY"),
        ("interprete", "INTERPRÈTE"),
    ],
)
def test_resolves_to_speaker_as_written(store: TurnStore, typed: str, speaker: str) -> None:
    best = store.speakers.resolve(typed)[0]
    assert best.speaker.name == speaker
    assert best.score >= 75


def test_labels_that_fold_alike_are_one_speaker() -> None:
    store = _store(("a", ["LEÓN SANCHEZ", "LEON SANCHEZ", "León Sánchez", "Dr. LEÓN SANCHEZ", "LEÓN SANCHEZ"]))
    assert len(store.speakers.speakers) == 1
    assert store.speakers.speakers[0].name == "LEÓN SANCHEZ"
    assert store.speakers.speakers[0].turn_ids == [0, 1, 2, 3, 4]


def test_aliases_merge_other_names() -> None:
    store = _store(("a", ["ALEJANDRO PISANTY", "ALEX"]), aliases={"ALEJANDRO PISANTY": ["Alex"]})
    assert [s.name for s in store.speakers.speakers] == ["ALEJANDRO PISANTY"]
    assert store.speakers.resolve("alex")[0].speaker.turn_ids == [0, 1]


def test_honorifics_do_not_stop_a_match() -> None:
    assert speaker_key("The Chair (Hon. Jane Doe)") == speaker_key("JANE DOE") == "jane doe"
    assert speaker_key("LEÓN SANCHEZ (Chair)") == "leon sanchez"
    assert speaker_key("Mr. GÖRAN MARBY") == "goran marby"


def test_unknown_name_scores_low(store: TurnStore) -> None:
    assert store.speakers.resolve("zorro")[0].score < 75


def _store(*meetings: tuple[str, list[str]], aliases: dict[str, list[str]] | None = None) -> TurnStore:
    from parser.models import Meeting, Record, Turn

    records = [
        Record(
            meeting=Meeting(id=mid, title=mid),
            turns=[Turn(meeting_id=mid, index=i, speaker=label, text=f"words {i}") for i, label in enumerate(labels)],
        )
        for mid, labels in meetings
    ]
    return TurnStore(records, aliases)


def _people(store: TurnStore) -> list[list[str]]:
    return sorted(sorted(s.labels) for s in store.speakers.speakers)


def test_a_longer_name_with_the_same_ends_is_one_speaker_across_meetings() -> None:
    store = _store(("a", ["LEÓN SANCHEZ"]), ("b", ["LEON FELIPE SANCHEZ"]), ("c", ["León Sánchez"]))
    assert _people(store) == [["LEON FELIPE SANCHEZ", "LEÓN SANCHEZ", "León Sánchez"]]
    # The label as printed stays on each turn; the speaker is the person.
    assert [t.speaker for t in store.turns] == ["LEÓN SANCHEZ", "LEON FELIPE SANCHEZ", "León Sánchez"]
    assert {store.turn_speaker[t].name for t in range(3)} == {store.speakers.speakers[0].name}


def test_two_labels_in_one_meeting_are_two_people() -> None:
    store = _store(("a", ["LEÓN SANCHEZ", "LEON FELIPE SANCHEZ"]))
    assert _people(store) == [["LEON FELIPE SANCHEZ"], ["LEÓN SANCHEZ"]]


def test_a_name_that_two_longer_names_extend_merges_with_neither() -> None:
    store = _store(("a", ["MARIA GARCIA"]), ("b", ["MARIA JOSE GARCIA"]), ("c", ["MARIA LUISA GARCIA"]))
    assert _people(store) == [["MARIA GARCIA"], ["MARIA JOSE GARCIA"], ["MARIA LUISA GARCIA"]]
    names = [m.speaker.name for m in store.speakers.resolve("maria garcia")[:1]]
    assert names == ["MARIA GARCIA"]


def test_a_different_first_or_last_word_is_another_person() -> None:
    store = _store(("a", ["LEON SANCHEZ"]), ("b", ["PABLO LEON SANCHEZ"]), ("c", ["LEON SANCHEZ RUIZ"]))
    assert len(store.speakers.speakers) == 3


def test_the_aliases_file_merges_what_folding_cannot() -> None:
    store = _store(
        ("a", ["MIGUEL IGNACIO ESTRADA"]), ("b", ["Nacho Estrada"]), aliases={"MIGUEL IGNACIO ESTRADA": ["Nacho Estrada"]}
    )
    assert _people(store) == [["MIGUEL IGNACIO ESTRADA", "Nacho Estrada"]]


@pytest.mark.parametrize(
    ("labels", "same"),
    [
        (["Hon. Ahmed Hussen", "Hon. Ahmed Hussen (Minister of Families, Children and Social Development)"], True),
        (["Right Hon. Justin Trudeau (Prime Minister)", "Justin Trudeau"], True),
        (["Lynne Neagle AM", "Lynne Neagle"], True),
        (["Dr. Jane Doe", "The Chair (Hon. Jane Doe)"], True),
        (["Professor A", "Grad A"], False),  # a role and a letter is not a name
        (["PhD B", "Professor B"], False),
    ],
)
def test_honorifics_and_roles(labels: list[str], same: bool) -> None:
    assert (speaker_key(labels[0]) == speaker_key(labels[1])) is same


def test_speakers_merged_across_real_meetings() -> None:
    from tests.parser.qmsum_records import qmsum_records

    store = TurnStore(qmsum_records(["test/covid_4", "test/covid_9"]))
    hussen = store.speakers.resolve("Ahmed Hussen")[0].speaker
    assert set(hussen.labels) >= {
        "Hon. Ahmed Hussen",
        "Hon. Ahmed Hussen (Minister of Families, Children and Social Development)",
    }
    assert {store.turns[t].meeting_id for t in hussen.turn_ids} == {"covid_4", "covid_9"}
    assert store.speakers.resolve("trudeau")[0].speaker.name.startswith("Right Hon. Justin Trudeau")
