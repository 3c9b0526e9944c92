"""`!stats`: figures checked against counts made by hand on the real ICANN70 record, and timed made-up calls.

The hand counts of the sample record, and how they were made, are in tests/facts.py.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread

from bot.commands.stopwords import STOP_WORDS
from bot.console import save_images
from bot.core import answer
from bot.discord_adapter.render import render as render_discord
from bot.render_text import render
from bot.replies import Attachment
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from parser.text import fold
from tests.facts import BY_SPEAKER, MEETING_ID, TURNS, WORDS


def calls() -> TurnStore:
    """Two timed calls and one untimed page of notes, with a speaker who talks about one thing."""

    def turn(meeting_id: str, i: int, who: str, text: str, start: float | None, end: float | None) -> Turn:
        return Turn(meeting_id=meeting_id, index=i, speaker=who, text=text, start=start, end=end)

    older = Meeting(id="call-1", title="First call", date=dt.date(2024, 1, 10), language="en")
    newer = Meeting(id="call-2", title="Second call", date=dt.date(2024, 2, 10), language="en")
    notes = Meeting(id="notes", title="Notes", language="en")
    return TurnStore(
        [
            Record(
                meeting=newer,
                turns=[
                    turn("call-2", 0, "Ana", "the blockchain and the blockchain again", 0.0, 10.0),
                    turn("call-2", 1, "Bo", "pizza for lunch and the pizza is good", 10.0, 25.0),
                    turn("call-2", 2, "Ana", "blockchain blockchain validators", 25.0, 30.0),
                ],
            ),
            Record(
                meeting=older,
                turns=[
                    turn("call-1", 0, "Bo", "more pizza please", 0.0, 4.0),
                    turn("call-1", 1, "Ana", "validators and the blockchain", 4.0, 12.5),
                ],
            ),
            Record(meeting=notes, turns=[turn("notes", 0, "Cy", "minutes of the meeting were approved", None, None)]),
        ]
    )


def assert_real_png(image_file: Attachment) -> None:
    assert image_file.filename.endswith(".png") and image_file.content_type == "image/png"
    image = imread(io.BytesIO(image_file.data))
    height, width = image.shape[:2]
    assert width == 800 and 200 <= height <= 1120
    assert image[..., :3].std() > 0.05  # not a blank card


async def test_the_meeting_by_hand(store: TurnStore) -> None:
    reply = await answer(store, "!stats")  # one meeting loaded: that meeting
    assert reply.error is None
    assert (reply.scope, reply.meeting_id, reply.meeting_count) == ("meeting", MEETING_ID, 1)
    assert (reply.turn_count, reply.words) == (TURNS, WORDS)
    assert {s.speaker: (s.turns, s.words) for s in reply.speakers} == BY_SPEAKER
    assert [s.speaker for s in reply.speakers][:3] == ["SERGIO SALINAS PORTO", "RODRIGO DE LA PARRA", "LEÓN SANCHEZ"]
    sergio = reply.speakers[0]
    assert sergio.share == round(BY_SPEAKER["SERGIO SALINAS PORTO"][1] / WORDS, 4)
    assert sum(s.share for s in reply.speakers) == pytest.approx(1.0, abs=1e-3)
    assert reply.seconds is None and all(s.seconds is None for s in reply.speakers)
    [png] = reply.attachments
    assert_real_png(png)


async def test_naming_the_meeting_gives_the_same(store: TurnStore) -> None:
    named = await answer(store, "!stats lacralo")
    assert (named.scope, named.words, named.turn_count) == ("meeting", WORDS, TURNS)


async def test_a_speaker_by_hand(store: TurnStore) -> None:
    reply = await answer(store, "!stats speaker:leon")
    turns, words = BY_SPEAKER["LEÓN SANCHEZ"]
    assert (reply.scope, reply.speaker, reply.turn_count, reply.words, reply.meeting_count) == (
        "speaker",
        "LEÓN SANCHEZ",
        turns,
        words,
        1,
    )
    [meeting] = reply.meetings
    assert (meeting.meeting_id, meeting.turns, meeting.words) == (MEETING_ID, turns, words)
    assert meeting.share == round(words / WORDS, 4)
    assert "stratégiques" in reply.distinctive  # as printed, accents kept
    assert not {fold(w) for w in reply.distinctive} & STOP_WORDS["fr"]  # the record's language
    assert_real_png(reply.attachments[0])


async def test_the_remote_host_is_distinguished_by_her_job(store: TurnStore) -> None:
    reply = await answer(store, "!stats speaker:Claudia")
    assert {"séance", "interprétation", "zoom"} <= set(reply.distinctive)


async def test_a_bare_name_that_is_no_meeting_is_a_speaker(store: TurnStore) -> None:
    reply = await answer(store, "!stats salinas porto")
    assert (reply.scope, reply.speaker, reply.turn_count, reply.words) == (
        "speaker",
        "SERGIO SALINAS PORTO",
        *BY_SPEAKER["SERGIO SALINAS PORTO"],
    )


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("!stats speaker:", "Whose stats? Write `!stats speaker:NAME`."),
        ("!stats speaker:Zorro", "No speaker like “Zorro”. Nearest: "),
        ("!stats zzzz", f"No meeting like “zzzz”. Nearest: {MEETING_ID}. `!meetings` lists them all. For a speaker, write"),
    ],
)
async def test_bad_inputs(store: TurnStore, message: str, error: str) -> None:
    reply = await answer(store, message)
    assert reply.error is not None and reply.error.startswith(error)
    assert reply.attachments == []


async def test_an_ambiguous_speaker_asks_which(two_marias: TurnStore) -> None:
    reply = await answer(two_marias, "!stats speaker:maria")
    assert reply.error == "“maria” fits several speakers: MARIA GARCIA, MARIA LOPEZ. Which one?"
    assert sorted(reply.candidates) == ["MARIA GARCIA", "MARIA LOPEZ"]


async def test_speaking_time_in_a_timed_call() -> None:
    reply = await answer(calls(), "!stats call-2")
    by_name = {s.speaker: s for s in reply.speakers}
    assert (by_name["Ana"].seconds, by_name["Bo"].seconds) == (15.0, 15.0)
    assert (by_name["Ana"].words, by_name["Bo"].words) == (9, 8)
    assert reply.seconds == 30.0
    assert "Speaking time" in render(reply) and "0:15" in render(reply)


async def test_the_whole_corpus_when_several_are_loaded() -> None:
    reply = await answer(calls(), "!stats")
    assert (reply.scope, reply.meeting_count, reply.turn_count) == ("corpus", 3, 6)
    by_name = {s.speaker: s for s in reply.speakers}
    assert by_name["Ana"].seconds == 23.5 and by_name["Cy"].seconds is None  # untimed is unknown, not zero
    assert reply.words == sum(s.words for s in reply.speakers) == 9 + 8 + 3 + 4 + 6
    assert_real_png(reply.attachments[0])


async def test_a_speaker_across_meetings_oldest_first() -> None:
    reply = await answer(calls(), "!stats speaker:ana")
    assert [m.meeting_id for m in reply.meetings] == ["call-1", "call-2"]
    assert (reply.turn_count, reply.words, reply.seconds) == (3, 13, 23.5)
    assert reply.distinctive[0] == "blockchain"
    assert "the" not in reply.distinctive and "and" not in reply.distinctive
    assert_real_png(reply.attachments[0])


async def test_console_shows_the_table_and_where_it_saved_the_image(
    store: TurnStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    reply = await answer(store, "!stats")
    [chart] = reply.attachments
    [saved] = save_images(reply)
    text = render(reply, [saved])
    assert "SERGIO SALINAS PORTO" in text and "2,223" in text and "22.5 %" in text
    assert f"Image: {saved}" in text
    assert Path(saved).parent == tmp_path and Path(saved).read_bytes() == chart.data
    unsaved = render(reply)
    assert f"Image: {chart.filename} ({len(chart.data):,} bytes, not saved)" in unsaved


async def test_a_chart_that_cannot_be_drawn_still_answers_with_the_numbers(
    store: TurnStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The chart library cannot be imported (a broken install): the figures answer alone, the failure is logged."""
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # `import` of it now raises ImportError
    with caplog.at_level(logging.ERROR, logger="bot.commands.stats"):
        reply = await answer(store, "!stats")
    assert reply.error is None and reply.attachments == []
    assert (reply.turn_count, reply.words) == (TURNS, WORDS)
    assert {s.speaker: (s.turns, s.words) for s in reply.speakers} == BY_SPEAKER
    [failure] = [r for r in caplog.records if "could not be drawn" in r.getMessage()]
    assert failure.exc_info is not None
    text = render(reply)
    assert f"{TURNS} turns" in text and "Image:" not in text
    embed = render_discord(reply)
    assert embed["embed"].image.url is None and not embed.get("files")


def test_the_meetings_of_turns_are_the_same_in_record_order_or_not(corpus: Path) -> None:
    from bot.corpus import build_store
    from parser.index.tally import meeting_numbers

    shared = build_store([corpus], cache_dir=None)[0]
    rng = np.random.default_rng(3)
    for size in (1, 2, 40, 700, len(shared)):
        ids = np.sort(rng.choice(len(shared), size=size, replace=False))
        expected = sorted({shared.columns.meeting_number(int(i)) for i in ids})
        assert meeting_numbers(shared, ids) == expected
        assert meeting_numbers(shared, ids[::-1].copy()) == expected
    assert meeting_numbers(shared, range(len(shared))) == list(range(len(shared.meetings)))
