"""The plain models every stage shares: what a record is, once read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


def free_id(wanted: str, taken: Container[str]) -> str:
    """`wanted`, or `wanted-2`, `wanted-3`… when a meeting already has it: ids stay unique."""
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


class Meeting(BaseModel):
    """One record: a meeting transcript as published."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    date: dt.date | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code, when known")
    source: str = ""
    url: str | None = None
    format: str = ""
    chat: bool = Field(default=False, description="the record is the chat of a meeting, not its speech")
    scope: int | None = Field(
        default=None, description="None: shared, seen everywhere; else the id of the one server it was added in"
    )


class Turn(BaseModel):
    """One uninterrupted stretch of one speaker, with the words as printed."""

    model_config = ConfigDict(frozen=True)

    meeting_id: str
    index: int
    speaker: str
    text: str
    page: int | None = None
    start: float | None = None
    end: float | None = None
    chat: bool = Field(default=False, description="a chat message, not speech (the store keeps this per meeting)")

    @classmethod
    def trusted(
        cls,
        meeting_id: str,
        index: int,
        speaker: str,
        text: str,
        page: int | None = None,
        start: float | None = None,
        end: float | None = None,
        chat: bool = False,
    ) -> Turn:
        """A turn from values its reader made with exactly these types: not validated again.

        For readers' hot loops only (one turn per utterance of a large record); `model_construct`
        would do the same, but slower than validating.
        """
        turn = _new(cls)
        fields = {"meeting_id": meeting_id, "index": index, "speaker": speaker, "text": text}
        _set(turn, "__dict__", fields | {"page": page, "start": start, "end": end, "chat": chat})
        # Shared: it holds every field, so pydantic's `add` changes nothing, and `model_copy` copies it before its
        # `update`. One set per turn was two thirds of a turn's memory (728 of 1,080 bytes).
        _set(turn, "__pydantic_fields_set__", _EVERY_TURN_FIELD)
        _set(turn, "__pydantic_extra__", None)
        _set(turn, "__pydantic_private__", None)
        return turn


_new = object.__new__
_set = object.__setattr__
_EVERY_TURN_FIELD = set(Turn.model_fields)  # never changed: see `Turn.trusted`


class Record(BaseModel):
    """A meeting and its turns, as one reader made them from one file."""

    meeting: Meeting
    turns: list[Turn]


class RecordError(Exception):
    """A file that cannot be read as a meeting record: the user's problem, said in one line."""

    def __init__(self, path: str | Path, problem: str, where: str | None = None) -> None:
        self.path = str(path)
        self.problem = problem
        self.where = where
        super().__init__(self.line())

    def line(self) -> str:
        at = f" ({self.where})" if self.where else ""
        return f"{self.path}: {self.problem}{at}"
