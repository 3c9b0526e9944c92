"""Resolving what people type to the speaker as the record prints the name."""

from __future__ import annotations

import pytest

from parser.speakers import SpeakerIndex, speaker_key
from parser.store import TurnStore


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
    index = SpeakerIndex()
    for turn_id, label in enumerate(["LEÓN SANCHEZ", "LEON SANCHEZ", "León Sánchez", "Dr. LEÓN SANCHEZ", "LEÓN SANCHEZ"]):
        index.add(label, turn_id)
    index.finish()
    assert len(index.speakers) == 1
    assert index.speakers[0].name == "LEÓN SANCHEZ"
    assert index.speakers[0].turn_ids == [0, 1, 2, 3, 4]


def test_aliases_merge_other_names() -> None:
    index = SpeakerIndex({"ALEJANDRO PISANTY": ["Alex"]})
    index.add("ALEJANDRO PISANTY", 0)
    index.add("ALEX", 1)
    index.finish()
    assert [s.name for s in index.speakers] == ["ALEJANDRO PISANTY"]


def test_honorifics_do_not_stop_a_match() -> None:
    assert speaker_key("The Chair (Hon. Jane Doe)") == speaker_key("JANE DOE") == "jane doe"
    assert speaker_key("LEÓN SANCHEZ (Chair)") == "leon sanchez"
    assert speaker_key("Mr. GÖRAN MARBY") == "goran marby"


def test_unknown_name_scores_low(store: TurnStore) -> None:
    assert store.speakers.resolve("zorro")[0].score < 75
