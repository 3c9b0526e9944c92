"""Records added to a built store answer as if the store had been built with them; each server sees its own."""

from __future__ import annotations

import asyncio

import pytest

from bot import core
from parser.index.live import extended, without
from parser.index.search import find_phrase, find_words
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn

GUILD = 42
OTHER = 43


def record(meeting_id: str, turns: list[tuple[str, str]], scope: int | None = GUILD, first_index: int = 0) -> Record:
    meeting = Meeting(id=meeting_id, title=meeting_id.replace("-", " "), scope=scope)
    return Record(
        meeting=meeting,
        turns=[
            Turn(meeting_id=meeting_id, index=first_index + i, speaker=s, text=t, start=10.0 * i)
            for i, (s, t) in enumerate(turns)
        ],
    )


ADDED = record(
    "weekly-call",
    [
        ("Ana Lima", "We discussed DNS abuse and the DAAR report with the registrars."),
        ("Bob Stone", "Thank you Ana; nous avons 29 associes in the group."),
        ("Ana Lima", "The zyxwv working party meets again next week."),
    ],
)


def answer(store: TurnStore, message: str) -> dict[str, object]:
    return asyncio.run(core.answer(store, message)).model_dump(exclude={"attachments"})


QUESTIONS = [
    "!quote DAAR",
    "!quote registrars",
    "!quote zyxwv",
    '!quote "DNS abuse"',
    "!whosaid nous avons 29 associes",
    "!whosaid the zyxvw working party",
    "!speaker ana",
    "!meetings",
    "!stats",
    "!context weekly-call 1",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_an_added_record_answers_as_in_a_store_built_with_it(icann_record: Record, question: str) -> None:
    live, _ = extended(TurnStore([icann_record]), [ADDED])
    assert answer(live.view(GUILD), question) == answer(TurnStore([icann_record, ADDED]), question)


@pytest.mark.parametrize("question", QUESTIONS)
def test_other_servers_and_dms_answer_as_before_the_record_was_added(icann_record: Record, question: str) -> None:
    """Word statistics count every loaded turn, so only the nearest miss of a `whosaid` that finds
    nothing may differ; what is found, and every exact answer, is the same."""
    base = TurnStore([icann_record])
    live, _ = extended(base, [ADDED])
    for scope in (None, OTHER):
        got, before = answer(live.view(scope), question), answer(base, question)
        got.pop("nearest", None)
        before.pop("nearest", None)
        assert got == before


def test_a_server_sees_the_shared_records_and_its_own_only(icann_record: Record) -> None:
    theirs = record("their-call", [("Carla Diaz", "Registrars of the zyxwv party.")], scope=OTHER)
    live, _ = extended(TurnStore([icann_record]), [ADDED, theirs])
    mine = live.view(GUILD)
    assert set(mine.meetings) == {icann_record.meeting.id, "weekly-call"}
    assert {live.turns[h.turn_id].meeting_id for h in find_words(mine, "zyxwv", mine.visible)} == {"weekly-call"}
    assert [s.name for s in mine.speakers.speakers if s.name == "Carla Diaz"] == []
    assert "No speaker like" in str(answer(mine, "!speaker Carla Diaz")["error"])


def test_an_id_already_taken_gets_a_number(icann_record: Record) -> None:
    same = record(icann_record.meeting.id, [("Ana Lima", "Hello.")])
    _, meetings = extended(TurnStore([icann_record]), [same])
    assert meetings[0].id == f"{icann_record.meeting.id}-2"


def test_a_removed_record_is_seen_by_nobody(icann_record: Record) -> None:
    live, _ = extended(TurnStore([icann_record]), [ADDED])
    gone = without(live, "weekly-call")
    assert "weekly-call" not in gone.view(GUILD).meetings
    assert answer(gone.view(GUILD), "!quote zyxwv")["error"]
    assert answer(gone.view(GUILD), "!quote DAAR") == answer(TurnStore([icann_record]), "!quote DAAR")


def test_records_added_across_a_segment_boundary_are_found() -> None:
    """65,536 turns make a segment: added turns fill the last one and open the next."""
    filler = record("filler", [("Ana Lima", f"turn number {i} about budgets") for i in range(65_530)], scope=None)
    base = TurnStore([filler])
    added = record("late", [("Bob Stone", f"the quorum of {i} members, budgets agreed") for i in range(12)])
    live, _ = extended(base, [added])
    view = live.view(GUILD)
    quorum = find_words(view, "quorum members", view.visible)
    assert sorted(h.turn_id for h in quorum) == list(range(65_530, 65_542))
    assert len(find_phrase(view, "budgets agreed", view.visible)) == 12
    assert len(find_words(view, "budgets", view.visible)) == 65_542
