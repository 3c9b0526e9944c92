"""Turns that readers make without validating them again are the turns validation would have made."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest

from parser.models import Turn
from parser.readers.json_records import read_text
from parser.readers.loader import read_file


def _same_as_validated(turns: list[Turn]) -> None:
    for turn in turns:
        validated = Turn(**turn.model_dump())
        assert turn == validated
        assert turn.model_dump_json() == validated.model_dump_json()  # 3 and 3.0 are equal, but not in JSON


@pytest.mark.parametrize(
    "name", ["zoom-vtt/ethereum-acdc-174.vtt", "vtt-voice/python-bytes-451.vtt", "srt/podcast-namespace-episode.srt"]
)
def test_cue_turns_are_what_validation_makes(corpus: Path, name: str) -> None:
    record = read_file(corpus / name)
    assert record.turns and any(t.start for t in record.turns)
    _same_as_validated(record.turns)


def test_qmsum_turns_are_what_validation_makes(corpus: Path) -> None:
    with tarfile.open(corpus / "qmsum" / "QMSum_data_ALL_train_val_test_232meetings.tar.gz") as tar:
        member = tar.extractfile("data/ALL/train/Bdb001.json")
        assert member is not None
        record = read_text(member.read().decode("utf-8"), Path("Bdb001.json"))
    assert len(record.turns) == 763  # as tests/parser/readers/test_json_records.py counts them
    _same_as_validated(record.turns)


def test_a_trusted_turn_is_frozen_and_hashable() -> None:
    turn = Turn.trusted("m", 0, "ANA", "words", start=1.5, end=2.0)
    assert hash(turn) == hash(Turn(meeting_id="m", index=0, speaker="ANA", text="words", start=1.5, end=2.0))
    with pytest.raises(Exception, match="frozen"):
        turn.text = "other"  # type: ignore[misc]
