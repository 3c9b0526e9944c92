"""The plain models every stage shares: what a record is, once read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


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
