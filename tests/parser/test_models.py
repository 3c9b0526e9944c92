"""The shared models: a turn made on the readers' fast path equals a validated one."""

from __future__ import annotations

from parser.models import Turn


def test_a_trusted_turn_sets_every_field_a_validated_turn_has() -> None:
    values = {
        "meeting_id": "m",
        "index": 3,
        "speaker": "ANA",
        "text": "Hola.",
        "page": 2,
        "start": 1.5,
        "end": 2.0,
        "chat": True,
    }
    trusted = Turn.trusted(**values)  # type: ignore[arg-type]
    assert set(trusted.__dict__) == set(Turn.model_fields)
    assert trusted == Turn.model_validate(values)
    assert Turn.trusted("m", 0, "ANA", "Hola.") == Turn(meeting_id="m", index=0, speaker="ANA", text="Hola.")


def test_a_trusted_turn_can_be_copied_with_changes() -> None:
    turn = Turn.trusted("m", 0, "ANA", "Hola.", start=2.0)
    assert turn.model_copy(update={"start": None}) == Turn(meeting_id="m", index=0, speaker="ANA", text="Hola.")
