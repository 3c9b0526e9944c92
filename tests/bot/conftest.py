"""Fixtures of the command tests."""

from __future__ import annotations

import pytest

from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn


@pytest.fixture
def two_marias() -> TurnStore:
    """Two speakers one first name fits equally: a name that must be asked back, never guessed."""
    turns = [
        Turn(meeting_id="m", index=0, speaker="MARIA GARCIA", text="Hola a todos."),
        Turn(meeting_id="m", index=1, speaker="MARIA LOPEZ", text="Hola, gracias."),
    ]
    return TurnStore([Record(meeting=Meeting(id="m", title="m"), turns=turns)])
