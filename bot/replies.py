"""What a command answers: pydantic models, the same for every transport."""

from __future__ import annotations

import base64
import datetime as dt

from pydantic import BaseModel, Field, field_serializer, field_validator


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
    url: str | None = Field(default=None, description="the record's link, at the turn's time where the host allows")
    chat: bool = Field(default=False, description="a chat message of the meeting, not speech")
    context: str | None = Field(default=None, description="the command that shows the turns around this one")


class Attachment(BaseModel):
    """A file sent with a reply, made in memory (a chart's PNG); in JSON its bytes are standard base64."""

    filename: str
    content_type: str = "image/png"
    data: bytes = Field(repr=False)

    @field_validator("data", mode="before")
    @classmethod
    def _from_base64(cls, value: object) -> object:
        return base64.b64decode(value, validate=True) if isinstance(value, str) else value

    @field_serializer("data", when_used="json")
    def _to_base64(self, data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")


APOLOGY = "Sorry, something went wrong on our side; it has been logged."  # what our own bug says to the user


class Reply(BaseModel):
    """An answer to one message. `error` is set, as a sentence, when the message could not be served."""

    command: str
    query: str = ""
    error: str | None = None
    summary: str = ""
    hits: list[HitOut] = Field(default_factory=list)
    total: int = 0
    attachments: list[Attachment] = Field(default_factory=list)


class SpeakerReply(Reply):
    speaker: str | None = None
    labels: list[str] = Field(default_factory=list)
    turn_count: int = 0
    words: int = 0
    meetings: list[str] = Field(default_factory=list)
    candidates: list[str] = Field(default_factory=list)


class SaidBy(BaseModel):
    """One speaker who said the words, and in how many turns."""

    speaker: str
    turns: int


class WhosaidReply(Reply):
    verdict: str | None = Field(default=None, description="verbatim, close or not found")
    said_by: list[SaidBy] = Field(default_factory=list, description="who said it, most turns first")
    nearest: HitOut | None = Field(default=None, description="when not found: the closest turn, which is NOT a match")
    differs: str | None = Field(default=None, description="when close: how the turn's words differ from the query's")


class QuoteReply(Reply):
    """One page of the turns that match, best first; `total` counts every one."""

    page: int = Field(default=1, description="1-based page shown")
    pages: int = 1
    per_page: int = 5
    next: str | None = Field(default=None, description="the command that shows the next page")


class HelpReply(Reply):
    commands: list[tuple[str, str]] = Field(default_factory=list)


class MeetingOut(BaseModel):
    """One loaded meeting as `!meetings` lists it."""

    id: str
    title: str
    date: dt.date | None = None
    language: str | None = None
    turn_count: int
    words: int
    speakers: list[str] = Field(default_factory=list, description="resolved names, most turns first")
    url: str | None = None


class MeetingsReply(Reply):
    """One page of the loaded meetings, newest first; `total` counts every meeting that fits."""

    filter: str = ""
    meetings: list[MeetingOut] = Field(default_factory=list)
    page: int = Field(default=1, description="1-based page shown")
    pages: int = 1
    per_page: int = 10
    next: str | None = Field(default=None, description="the command that shows the next page")


class ContextReply(Reply):
    """Turns around one turn, in record order; `hits[focus]` is the turn asked for."""

    meeting_id: str | None = None
    meeting_title: str | None = None
    turn_index: int | None = Field(default=None, description="the turn asked for")
    focus: int | None = Field(default=None, description="position in hits of the turn asked for")
    meeting_turns: int = 0


class SpeakerShare(BaseModel):
    """One speaker's part of a meeting or of the corpus."""

    speaker: str
    turns: int
    words: int
    share: float = Field(description="share of the words, 0–1")
    seconds: float | None = Field(default=None, description="speaking time, for timed records")


class MeetingShare(BaseModel):
    """One speaker's part of one meeting."""

    meeting_id: str
    title: str
    date: dt.date | None = None
    turns: int
    words: int
    share: float = Field(description="share of the meeting's words, 0–1")


class StatsReply(Reply):
    """Who spoke how much: in a meeting, in the corpus, or one speaker across meetings."""

    scope: str | None = Field(default=None, description="meeting, corpus or speaker")
    meeting_id: str | None = None
    meeting_title: str | None = None
    speaker: str | None = None
    meeting_count: int = 0
    turn_count: int = 0
    words: int = 0
    seconds: float | None = Field(default=None, description="speaking time, when the turns are timed")
    speakers: list[SpeakerShare] = Field(default_factory=list)
    meetings: list[MeetingShare] = Field(default_factory=list)
    distinctive: list[str] = Field(default_factory=list, description="words this speaker uses more than others")
    candidates: list[str] = Field(default_factory=list)


class ListReply(Reply):
    """A short answer of a few lines (watches, settings, a removal)."""

    lines: list[str] = Field(default_factory=list)


class AddReply(ListReply):
    """A record added from the chat: what it became, searchable at once."""

    meeting_id: str | None = None
    title: str | None = None
    date: dt.date | None = None
    turn_count: int = 0
    speakers: list[str] = Field(default_factory=list, description="labels as printed, most turns first")


class AlertReply(QuoteReply):
    """A watch that a new record answers: posted once in the watch's channel, naming its creator."""

    guild_id: int = 0
    channel_id: int = 0
    user_id: int = Field(default=0, description="who set the watch: the only person the alert may mention")
    watch_id: int = 0
    meeting_id: str = ""
