"""`!stats [MEETING | speaker:NAME]`: who spoke how much, with a chart, so a meeting's balance shows at a glance."""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary

from bot.commands import charts
from bot.commands.base import Command, Request, UserError, plural
from bot.commands.lookup import MeetingLookupError, SpeakerLookupError, resolve_meeting, resolve_speaker
from bot.commands.stopwords import stop_words
from bot.replies import Attachment, MeetingShare, SpeakerShare, StatsReply
from parser.index.archive import Archive
from parser.index.speakers import Speaker
from parser.models import Meeting

log = logging.getLogger(__name__)

DISTINCTIVE = 10
_SPEAKER = re.compile(r"^(?:speaker|who)\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)


async def draw(make: Callable[[], bytes], name: str) -> list[Attachment]:
    """Draw one chart off the event loop; a chart that fails is logged, the numbers still answer."""
    try:
        data = await asyncio.to_thread(make)
    except Exception:
        log.exception("chart %s could not be drawn", name)
        return []
    return [Attachment(filename=charts.file_name(name), data=data)]


def chronological(store: Archive, meeting_ids: Sequence[str]) -> list[Meeting]:
    """Oldest first, undated last: a speaker's meetings read as a timeline."""
    meetings = [store.meetings[m] for m in meeting_ids]
    return sorted(meetings, key=lambda m: (m.date is None, m.date.toordinal() if m.date else 0, m.title, m.id))


def dated_title(meeting: Meeting) -> str:
    """`2021-03-22 Title`: the date first, so meetings of a series tell apart."""
    return f"{meeting.date.isoformat()} {meeting.title}" if meeting.date else meeting.title


def bar_labels(meetings: Sequence[Meeting]) -> list[str]:
    """Date and title of each meeting, or date and id where two meetings share a title."""
    titles = Counter(m.title for m in meetings)
    return [dated_title(m) if titles[m.title] == 1 else dated_title(m.model_copy(update={"title": m.id})) for m in meetings]


_CORPUS: WeakKeyDictionary[Archive, StatsReply] = WeakKeyDictionary()


async def corpus_stats(store: Archive, query: str) -> StatsReply:
    """Every meeting's figures and chart, made once per archive (records added make a new one)."""
    cached = _CORPUS.get(store)
    if cached is not None:
        return cached.model_copy(update={"query": query})
    reply = await share_stats(store, None, query)
    if reply.attachments:  # a chart that failed to draw is tried again next time
        _CORPUS[store] = reply
    return reply


async def share_stats(store: Archive, meeting: Meeting | None, query: str) -> StatsReply:
    """Turns, words, share of words and (timed records) speaking time per speaker, for one meeting or all."""
    tallies = store.tally(meeting.id if meeting else None)
    turns = sum(t.turns for t in tallies)
    words = sum(t.words for t in tallies)
    timed = any(t.seconds is not None for t in tallies)
    seconds = round(sum(t.seconds or 0.0 for t in tallies), 1) if timed else None
    speakers = [
        SpeakerShare(
            speaker=t.name,
            turns=t.turns,
            words=t.words,
            share=round(t.words / words, 4) if words else 0.0,
            seconds=None if t.seconds is None else round(t.seconds, 1),
        )
        for t in tallies
    ]
    if meeting is not None:
        title = dated_title(meeting)
        meetings = 1
    else:
        meetings = store.totals()[0]
        title = f"All {plural(meetings, 'meeting')}"
    summary = f"{title}: {charts.count(turns, 'turn')}, {charts.count(words, 'word')}, {plural(len(tallies), 'speaker')}"
    rows = [(t.name, t.words) for t in tallies]
    return StatsReply(
        command="stats",
        query=query,
        scope="meeting" if meeting else "corpus",
        meeting_id=meeting.id if meeting else None,
        meeting_title=meeting.title if meeting else None,
        meeting_count=meetings,
        turn_count=turns,
        words=words,
        seconds=seconds,
        speakers=speakers,
        summary=summary,
        attachments=await draw(lambda: charts.share_chart(rows, title), meeting.id if meeting else "corpus"),
    )


async def speaker_stats(store: Archive, person: Speaker, query: str) -> StatsReply:
    """One speaker's meetings, turns, words and distinctive words, against everyone else."""
    parts = {p.meeting_id: p for p in store.speaker_meetings(person)}
    meetings = chronological(store, list(parts))
    shares = [
        MeetingShare(
            meeting_id=meeting.id,
            title=meeting.title,
            date=meeting.date,
            turns=parts[meeting.id].turns,
            words=parts[meeting.id].words,
            share=round(parts[meeting.id].words / parts[meeting.id].meeting_words, 4) if parts[meeting.id].meeting_words else 0.0,
        )
        for meeting in meetings
    ]
    total_words = sum(s.words for s in shares)
    seconds = store.speaker_seconds(person)
    stop = stop_words({m.language for m in meetings})
    distinctive = await asyncio.to_thread(store.distinctive_words, person, stop, DISTINCTIVE)
    if len(meetings) == 1:
        only = meetings[0]
        rows = [(t.name, t.words) for t in store.tally(only.id)]
        title = f"{person.name} in {dated_title(only)}"

        def make() -> bytes:
            return charts.share_chart(rows, title, highlight=person.name)

    else:
        per_meeting = [(label, s.turns, s.words) for label, s in zip(bar_labels(meetings), shares, strict=True)]
        title = f"{person.name} across {plural(len(meetings), 'meeting')}"

        def make() -> bytes:
            return charts.meetings_chart(per_meeting, title)

    summary = (
        f"{person.name}: {charts.count(len(person.turn_ids), 'turn')}, {charts.count(total_words, 'word')}, "
        f"in {plural(len(meetings), 'meeting')}"
    )
    return StatsReply(
        command="stats",
        query=query,
        scope="speaker",
        speaker=person.name,
        meeting_count=len(meetings),
        turn_count=len(person.turn_ids),
        words=total_words,
        seconds=None if seconds is None else round(seconds, 1),
        meetings=shares,
        distinctive=distinctive,
        summary=summary,
        attachments=await draw(make, person.name),
    )


def fallback_speaker(store: Archive, typed: str) -> Speaker | None:
    """The speaker a bare `!stats NAME` means, when no meeting is called that and the name fits one person."""
    try:
        return resolve_speaker(store, typed)
    except SpeakerLookupError:
        return None


async def stats(request: Request) -> StatsReply:
    """`speaker:NAME`, a meeting, or nothing (the one meeting loaded, else every meeting)."""
    store = request.store
    typed = request.argument.strip()
    asked = _SPEAKER.match(typed)
    if asked:
        name = asked[1].strip()
        if not name:
            raise UserError(f"Whose stats? Write `{request.prefix}stats speaker:NAME`.")
        try:
            person = resolve_speaker(store, name)
        except SpeakerLookupError as err:
            return StatsReply(command="stats", query=typed, error=str(err), candidates=err.candidates)
        return await speaker_stats(store, person, typed)
    if not typed:
        if len(store.meetings) == 1:
            only = next(iter(store.meetings.values()))
            return await share_stats(store, only, typed)
        return await corpus_stats(store, typed)
    try:
        meeting = resolve_meeting(store, typed, request.prefix)
    except MeetingLookupError as err:
        guess = None if err.ambiguous else fallback_speaker(store, typed)
        if guess is None:
            hint = f" For a speaker, write `{request.prefix}stats speaker:NAME`."
            return StatsReply(command="stats", query=typed, error=f"{err}{hint}", candidates=err.candidates)
        return await speaker_stats(store, guess, typed)
    return await share_stats(store, meeting, typed)


COMMAND = Command(
    name="stats",
    usage="stats [MEETING|speaker:NAME]",
    summary="Who spoke how much, with a chart: one meeting, every meeting, or one speaker and their distinctive words.",
    handler=stats,
    example="stats speaker:León",
    needs_argument=False,
    heavy=True,
)
