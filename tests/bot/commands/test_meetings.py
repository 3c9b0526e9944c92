"""`!meetings`: what is loaded, newest first, filtered and paged, on the real record and a made-up shelf."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import answer
from bot.render_text import render
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from tests.facts import BY_SPEAKER, DATE, LANGUAGE, MEETING_ID, SPEAKERS, TURNS, WORDS


def shelf(dated: int = 20, undated: int = 3) -> TurnStore:
    """`dated` meetings one week apart from 2020-01-06 (ids m00…), then `undated` ones (u0…)."""
    records = []
    for i in range(dated):
        day = dt.date(2020, 1, 6) + dt.timedelta(weeks=i)
        meeting = Meeting(id=f"m{i:02d}", title=f"Weekly call {i}", date=day, language="en")
        records.append(Record(meeting=meeting, turns=[Turn(meeting_id=meeting.id, index=0, speaker="ANA", text="Hello all.")]))
    for i in range(undated):
        meeting = Meeting(id=f"u{i}", title=f"Notes {i}")
        records.append(Record(meeting=meeting, turns=[Turn(meeting_id=meeting.id, index=0, speaker="BO", text="Hi.")]))
    return TurnStore(records)


async def test_the_sample_meeting_with_hand_counted_figures(store: TurnStore) -> None:
    reply = await answer(store, "!meetings")
    assert reply.error is None
    assert (reply.total, reply.page, reply.pages, reply.next) == (1, 1, 1, None)
    [meeting] = reply.meetings
    assert meeting.id == MEETING_ID
    assert (meeting.date, meeting.language) == (DATE, LANGUAGE)
    assert (meeting.turn_count, meeting.words) == (TURNS, WORDS)
    assert len(meeting.speakers) == SPEAKERS
    assert meeting.speakers[0] == max(BY_SPEAKER, key=lambda s: BY_SPEAKER[s][0])  # the most turns


@pytest.mark.parametrize(
    "typed", ["lacralo", "LACRALÓ", "table ronde", "forum communaute", "icann70", "2021", "2021-03", "2021-3", "2021-03-22"]
)
async def test_filters_that_find_it(store: TurnStore, typed: str) -> None:
    reply = await answer(store, f"!meetings {typed}")
    assert reply.error is None, reply.error
    assert [m.id for m in reply.meetings] == [MEETING_ID]


@pytest.mark.parametrize("typed", ["2020", "2021-04", "2021-03-21", "zoom", "lacralo 2020"])
async def test_filters_that_do_not(store: TurnStore, typed: str) -> None:
    reply = await answer(store, f"!meetings {typed}")
    assert reply.error == f"No meeting matches “{typed}”. `!meetings` lists all 1 meeting."


@pytest.mark.parametrize("typed", ["2021-13", "2021-02-30"])
async def test_an_impossible_date_says_so(store: TurnStore, typed: str) -> None:
    reply = await answer(store, f"!meetings {typed}")
    assert reply.error == f"“{typed}” is not a date: write 2021, 2021-03 or 2021-03-22."


async def test_newest_first_undated_last_in_pages_of_ten() -> None:
    store = shelf()
    first = await answer(store, "!meetings")
    assert (first.total, first.page, first.pages, first.per_page) == (23, 1, 3, 10)
    assert [m.id for m in first.meetings] == [f"m{i:02d}" for i in range(19, 9, -1)]
    assert first.next == "!meetings page:2"
    second = await answer(store, "!meetings 2")
    assert second.page == 2 and [m.id for m in second.meetings] == [f"m{i:02d}" for i in range(9, -1, -1)]
    assert (await answer(store, "!meetings page:2")).meetings == second.meetings
    third = await answer(store, "!meetings p:3")
    assert [m.id for m in third.meetings] == ["u0", "u1", "u2"] and third.next is None


async def test_a_filter_and_a_page_together() -> None:
    store = shelf()
    reply = await answer(store, "!meetings 2020 page:2")
    assert (reply.total, reply.page, reply.pages) == (20, 2, 2)
    assert reply.meetings[-1].id == "m00"
    assert (await answer(store, "!meetings weekly")).next == "!meetings weekly page:2"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("page:9", "There are only 3 pages of meetings."),
        ("page:0", "“page:0” is not a page: write `page:2`, for example."),
        ("page:two", "“page:two” is not a page: write `page:2`, for example."),
        ("0", "Pages start at 1."),
    ],
)
async def test_bad_pages(typed: str, error: str) -> None:
    assert (await answer(shelf(), f"!meetings {typed}")).error == error


async def test_one_page_only(store: TurnStore) -> None:
    assert (await answer(store, "!meetings 2")).error == "There is only 1 page of meetings."


async def test_console_lists_id_title_and_speakers(store: TurnStore) -> None:
    text = render(await answer(store, "!meetings"))
    assert f"• {MEETING_ID} — ICANN70 | Forum virtuel" in text
    assert "(2021-03-22, fr)" in text and f"{TURNS} turns, {WORDS:,} words · {SPEAKERS} speakers: SERGIO SALINAS PORTO" in text
    assert "and 7 more" in text
    assert "Next page: !meetings page:2" in render(await answer(shelf(), "!meetings"))
