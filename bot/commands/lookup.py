"""Turning what a user typed into one meeting or one speaker, or a clear error naming the nearest."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.commands.base import UserError
from parser.index.archive import Archive
from parser.index.speakers import Speaker
from parser.models import Meeting
from parser.text import fold

GOOD_MATCH = 75.0
AMBIGUOUS_MARGIN = 3.0
MEETING_MATCH = 80.0
MEETING_MARGIN = 5.0
NEAREST = 3


class SpeakerLookupError(UserError):
    """No speaker, or several, fit a name; `candidates` lets adapters offer a choice."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class MeetingLookupError(UserError):
    """No meeting, or several, fit what was typed; `ambiguous` says which."""

    def __init__(self, message: str, candidates: list[str], ambiguous: bool) -> None:
        super().__init__(message)
        self.candidates = candidates
        self.ambiguous = ambiguous


def resolve_speaker(store: Archive, name: str) -> Speaker:
    """The one speaker `name` stands for, so every command agrees on who a name means."""
    matches = store.speakers.resolve(name)
    if not matches or matches[0].score < GOOD_MATCH:
        nearest = [m.speaker.name for m in matches[:NEAREST]]
        hint = f" Nearest: {', '.join(nearest)}." if nearest else ""
        raise SpeakerLookupError(f"No speaker like “{name}”.{hint}", nearest)
    best = matches[0]
    rivals = [m for m in matches[1:] if m.score >= GOOD_MATCH and best.score - m.score < AMBIGUOUS_MARGIN]
    if rivals:
        names = [best.speaker.name, *(m.speaker.name for m in rivals)]
        raise SpeakerLookupError(f"“{name}” fits several speakers: {', '.join(names)}. Which one?", names)
    return best.speaker


def words_fit(query: list[str], meeting: Meeting) -> bool:
    """Every typed word starts a word of the meeting's id or title (folded)."""
    words = fold(f"{meeting.id} {meeting.title}").split()
    return all(any(w.startswith(q) for w in words) for q in query)


def _similarity(query: str, meeting: Meeting) -> float:
    """How well the folded `query` names the meeting, 0–100, by its id or its title."""
    return max(fuzz.ratio(query, fold(meeting.id)), fuzz.token_set_ratio(query, fold(meeting.title)))


def is_meeting_id(store: Archive, text: str) -> bool:
    """Whether `text` is exactly a meeting id (case and accents aside)."""
    query = fold(text)
    return any(fold(m.id) == query for m in store.meetings.values())


def resolve_meeting(store: Archive, text: str, prefix: str = "!") -> Meeting:
    """The meeting `text` names: its id, its title, words of either, or close to one of them."""
    meetings = list(store.meetings.values())
    if text in store.meetings:
        return store.meetings[text]
    query = fold(text)
    if not query:
        raise MeetingLookupError(f"Which meeting? `{prefix}meetings` lists them.", [], ambiguous=False)
    for same in (lambda m: fold(m.id) == query, lambda m: fold(m.title) == query):
        exact = [m for m in meetings if same(m)]
        if len(exact) == 1:
            return exact[0]
    fitting = [m for m in meetings if words_fit(query.split(), m)]
    if len(fitting) == 1:
        return fitting[0]
    if len(fitting) > 1:
        ids = [m.id for m in fitting]
        more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
        raise MeetingLookupError(f"“{text}” fits several meetings: {', '.join(ids[:5])}{more}. Which one?", ids, ambiguous=True)
    scored = sorted(((_similarity(query, m), m.id) for m in meetings), key=lambda pair: (-pair[0], pair[1]))
    if scored and scored[0][0] >= MEETING_MATCH and (len(scored) == 1 or scored[0][0] - scored[1][0] >= MEETING_MARGIN):
        return store.meetings[scored[0][1]]
    nearest = [meeting_id for _, meeting_id in scored[:NEAREST]]
    hint = f" Nearest: {', '.join(nearest)}." if nearest else ""
    raise MeetingLookupError(f"No meeting like “{text}”.{hint} `{prefix}meetings` lists them all.", nearest, ambiguous=False)
