"""What a command answers: pydantic models, the same for every transport."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class HitOut(BaseModel):
    """One turn in an answer, with where it stands in its record."""

    speaker: str = Field(description="the label as printed on this turn")
    resolved_speaker: str = Field(description="the person it resolves to across meetings")
    meeting_id: str
    meeting_title: str
    date: dt.date | None = None
    turn_index: int
    text: str
    score: float
    page: int | None = None
    start: float | None = None
    end: float | None = None
    span: tuple[int, int] | None = Field(default=None, description="matched part of text: [start, end)")
    url: str | None = None


class Reply(BaseModel):
    """An answer to one message. `error` is set, as a sentence, when the message could not be served."""

    command: str
    query: str = ""
    error: str | None = None
    summary: str = ""
    hits: list[HitOut] = Field(default_factory=list)
    total: int = 0
    attachments: list[str] = Field(default_factory=list)


class SpeakerReply(Reply):
    speaker: str | None = None
    labels: list[str] = Field(default_factory=list)
    turn_count: int = 0
    words: int = 0
    meetings: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)


class WhosaidReply(Reply):
    verdict: str | None = Field(default=None, description="verbatim, close or not found")


class HelpReply(Reply):
    commands: list[tuple[str, str]] = Field(default_factory=list)
