"""`!context`: the turns around a hit, on the real ICANN70 record, at its ends, and with bad input."""

from __future__ import annotations

import pytest

from bot.core import answer
from bot.render_text import render
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from tests.facts import MEETING_ID, TURNS


def shelf() -> TurnStore:
    """Meetings whose ids look like numbers or share words, five turns each."""
    records = []
    for meeting_id in ("acd 139", "acd-140", "p2p-003"):
        turns = [Turn(meeting_id=meeting_id, index=i, speaker=f"S{i % 2}", text=f"words {i}") for i in range(5)]
        records.append(Record(meeting=Meeting(id=meeting_id, title=f"Call {meeting_id}"), turns=turns))
    return TurnStore(records)


async def test_two_turns_either_side_with_the_asked_one_marked(store: TurnStore) -> None:
    reply = await answer(store, f"!context {MEETING_ID} 21")
    assert reply.error is None
    assert [h.turn_index for h in reply.hits] == [19, 20, 21, 22, 23]
    assert reply.focus == 2 and reply.turn_index == 21
    assert reply.hits[reply.focus].speaker == "GÖRAN MARBY"
    assert [h.speaker for h in reply.hits] == [
        "SERGIO SALINAS PORTO",
        "ALEJANDRO PISANTY",
        "GÖRAN MARBY",
        "SERGIO SALINAS PORTO",
        "RODRIGO DE LA PARRA",
    ]
    assert reply.meeting_id == MEETING_ID and reply.meeting_turns == TURNS


async def test_at_the_first_turn(store: TurnStore) -> None:
    reply = await answer(store, "!context lacralo 0")
    assert [h.turn_index for h in reply.hits] == [0, 1, 2]
    assert reply.focus == 0 and reply.hits[0].speaker == "CLAUDIA RUIZ"
    assert reply.hits[0].text.startswith("Nous allons commencer l'enregistrement.")
    text = render(reply)
    assert "(start of the record)" in text and "▶   0  CLAUDIA RUIZ" in text
    assert reply.summary.startswith(f"Around the first turn of {TURNS} in ICANN70")


async def test_at_the_last_turn(store: TurnStore) -> None:
    reply = await answer(store, "!context lacralo 37")
    assert [h.turn_index for h in reply.hits] == [35, 36, 37]
    focus = reply.hits[reply.focus]
    assert focus.speaker == "SERGIO SALINAS PORTO"
    # By hand (wc -w on the record's last turn, before [FIN DE LA TRANSCRIPTION]): 70 words.
    assert focus.text.startswith("Merci beaucoup Alberto.") and len(focus.text.split()) == 70
    assert "(end of the record)" in render(reply)


@pytest.mark.parametrize(("n", "shown"), [("0", [21]), ("1", [20, 21, 22]), ("3", list(range(18, 25)))])
async def test_n_either_side(store: TurnStore, n: str, shown: list[int]) -> None:
    reply = await answer(store, f"!context lacralo 21 {n}")
    assert [h.turn_index for h in reply.hits] == shown
    assert reply.hits[reply.focus].turn_index == 21


async def test_n_is_capped_at_ten(store: TurnStore) -> None:
    reply = await answer(store, "!context lacralo 21 50")
    assert [h.turn_index for h in reply.hits] == list(range(11, 32))
    assert "(at most 10 either side)" in reply.summary


@pytest.mark.parametrize(
    "typed", [MEETING_ID, "ICANN70-LACRALO-ROUNDTABLE-FR", "lacralo", "table ronde lacralo", "icann70-lacralo-roundtabel"]
)
async def test_the_meeting_resolves_loosely(store: TurnStore, typed: str) -> None:
    reply = await answer(store, f"!context {typed} 5")
    assert reply.error is None, reply.error
    assert reply.meeting_id == MEETING_ID and reply.hits[reply.focus].turn_index == 5


async def test_with_one_meeting_loaded_the_meeting_may_be_left_out(store: TurnStore) -> None:
    reply = await answer(store, "!context 21")
    assert reply.meeting_id == MEETING_ID and reply.hits[reply.focus].speaker == "GÖRAN MARBY"
    assert [h.turn_index for h in (await answer(store, "!context 21 1")).hits] == [20, 21, 22]


@pytest.mark.parametrize("turn", [str(TURNS), "-1", "1000"])
async def test_out_of_range_is_one_clear_line(store: TurnStore, turn: str) -> None:
    reply = await answer(store, f"!context lacralo {turn}")
    assert reply.error == f"There is no turn {turn} in {MEETING_ID}: its turns are numbered 0 to {TURNS - 1}."


async def test_unknown_meeting_names_the_nearest(store: TurnStore) -> None:
    reply = await answer(store, "!context zzzz 3")
    assert reply.error == f"No meeting like “zzzz”. Nearest: {MEETING_ID}. `!meetings` lists them all."


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("lacralo", "Which turn? Write `!context MEETING TURN`, with TURN the turn number a hit shows."),
        ("lacralo 3 -1", "N is how many turns to show either side: 0 to 10."),
    ],
)
async def test_bad_arguments(store: TurnStore, typed: str, error: str) -> None:
    assert (await answer(store, f"!context {typed}")).error == error


async def test_no_argument_asks_for_one(store: TurnStore) -> None:
    reply = await answer(store, "!context")
    assert reply.error is not None and reply.error.startswith("`!context` needs something to look for")


async def test_ids_with_numbers_and_several_meetings() -> None:
    store = shelf()
    spaced = await answer(store, "!context acd 139 2")
    assert (spaced.meeting_id, spaced.hits[spaced.focus].turn_index, len(spaced.hits)) == ("acd 139", 2, 5)
    with_n = await answer(store, "!context acd 139 2 1")
    assert (with_n.meeting_id, [h.turn_index for h in with_n.hits]) == ("acd 139", [1, 2, 3])
    assert (await answer(store, "!context acd-140 4")).meeting_id == "acd-140"
    assert (await answer(store, "!context p2p 4 0")).meeting_id == "p2p-003"
    ambiguous = await answer(store, "!context acd 3")
    assert ambiguous.error == "“acd” fits several meetings: acd 139, acd-140. Which one?"
    which = await answer(store, "!context 3")
    assert which.error == "Which meeting? Write `!context MEETING TURN`; `!meetings` lists them."


@pytest.mark.parametrize("message", ["!quote DAAR", "!whosaid le rapport DAAR"])
async def test_every_hit_says_how_to_ask_for_its_context(store: TurnStore, message: str) -> None:
    reply = await answer(store, message)
    hit = reply.hits[0]
    assert hit.context == f"!context {MEETING_ID} 21"
    assert f"↳ !context {MEETING_ID} 21" in render(reply)
    around = await answer(store, hit.context)
    assert around.hits[around.focus].text == hit.text


async def test_the_context_command_follows_the_prefix(store: TurnStore) -> None:
    reply = await answer(store, "?quote DAAR", prefix="?")
    assert reply.hits[0].context == f"?context {MEETING_ID} 21"
    assert (await answer(store, reply.hits[0].context, prefix="?")).turn_index == 21
