"""A folder of call exports as people keep them, through the loader and the command core.

Written for this test, in the shape of Zoom cloud-recording exports: `acdt/2026-08-17_092/` holds
`transcript.vtt` (6 cues, 3 speakers, 6 turns), `transcript_corrected.vtt` (the same with two
names spelt right: 4 of 6 turns the same), `chat.txt` (2 messages), `tldr.json` (a summary, not a
record); `acdt/2026-08-24_093/transcript.vtt` is the next
call (2 turns), and `covid_2.vtt`, `covid_10.vtt` sit in `other/` with
sidecars naming them "Covid committee, session 2" and "… 10" (the latter with a YouTube link).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot import core
from bot.corpus import build_store
from bot.render_text import render
from parser.index.store import TurnStore
from parser.readers.loader import LoadResult

RAW = """WEBVTT

1
00:00:01.000 --> 00:00:06.000
Tim Beiko: Welcome to the consensus layer call number ninety two, everyone.

2
00:00:06.500 --> 00:00:12.000
Alex Stokes: Thanks Tim, the devnet has been stable since Tuesday morning.

3
00:00:12.500 --> 00:00:20.000
Tim Beiko: Good, then we can talk about the blob fee schedule next.

4
00:00:20.500 --> 00:00:28.000
Potus: I looked at the blob fee numbers and they look fine to me.

5
00:00:28.500 --> 00:00:35.000
Alex Stokes: Agreed, the fee market reacts within a few slots.

6
00:00:35.500 --> 00:00:41.000
Tim Beiko: Great, let us ship it in the next fork then.
"""
CORRECTED = RAW.replace("Potus:", "Potuz:").replace("Alex Stokes: Agreed", "Alex Stokes: Agreed, and")
NEXT = """WEBVTT

00:00:01.000 --> 00:00:05.000
Tim Beiko: Welcome to call ninety three, where we look at the fork date.

00:00:05.500 --> 00:00:09.000
Alex Stokes: The fork date is fine for every client team here.
"""
CHAT = "00:03:05\tAlex Stokes:\tdevnet config is in the repo now\n00:05:40\tPotuz:\tblob fee sheet: https://example.org/sheet\n"


def short_vtt(words: str) -> str:
    return f"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nAna Lima: {words}\n\n00:00:03.000 --> 00:00:05.000\nBo Chen: Thanks, Ana.\n"


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    call = tmp_path / "acdt" / "2026-08-17_092"
    call.mkdir(parents=True)
    (call / "transcript.vtt").write_text(RAW, encoding="utf-8")
    (call / "transcript_corrected.vtt").write_text(CORRECTED, encoding="utf-8")
    (call / "chat.txt").write_text(CHAT, encoding="utf-8")
    (call / "tldr.json").write_text(json.dumps({"summary": "Blob fees look fine; ship in the next fork."}), encoding="utf-8")
    later = tmp_path / "acdt" / "2026-08-24_093"
    later.mkdir()
    (later / "transcript.vtt").write_text(NEXT, encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "covid_2.vtt").write_text(short_vtt("the second covid session opens."), encoding="utf-8")
    (other / "covid_10.vtt").write_text(short_vtt("the tenth covid session opens."), encoding="utf-8")
    (other / "covid_10.meta.toml").write_text(
        'title = "Covid committee, session 10"\nurl = "https://www.youtube.com/watch?v=abc123"\n', encoding="utf-8"
    )
    (other / "covid_2.meta.toml").write_text('title = "Covid committee, session 2"\nlanguage = "en"\n', encoding="utf-8")
    return tmp_path


@pytest.fixture
def loaded(exports: Path) -> tuple[TurnStore, LoadResult]:
    return build_store([exports], cache_dir=None)


def test_a_call_folder_is_one_dated_meeting_plus_its_chat(loaded: tuple[TurnStore, LoadResult]) -> None:
    store, result = loaded
    call = store.meetings["2026-08-17_092"]
    assert call.title == "acdt 2026-08-17 (092)" and call.date == dt.date(2026, 8, 17)
    assert call.source.endswith("transcript_corrected.vtt")  # the corrected copy is the one kept
    chat = store.meetings["2026-08-17_092-chat"]
    assert chat.chat and chat.title == "acdt 2026-08-17 (092) — chat" and chat.date == dt.date(2026, 8, 17)
    assert store.meetings["2026-08-24_093"].title == "acdt 2026-08-24 (093)"
    assert sorted(store.meetings) == ["2026-08-17_092", "2026-08-17_092-chat", "2026-08-24_093", "covid_10", "covid_2"]
    skipped = dict(result.skipped)
    raw = next(path for path in skipped if path.endswith("2026-08-17_092/transcript.vtt"))
    assert "transcript_corrected.vtt" in skipped[raw]
    assert any(path.endswith("tldr.json") and "not a meeting record" in why for path, why in skipped.items())
    assert not result.errors


async def test_hits_answer_once_and_their_id_opens_them(loaded: tuple[TurnStore, LoadResult]) -> None:
    store, _ = loaded
    reply = await core.answer(store, "!quote blob fee numbers")
    assert reply.hits and len({(h.meeting_id, h.turn_index) for h in reply.hits}) == len(reply.hits)
    best = reply.hits[0]
    assert best.speaker == "Potuz" and best.meeting_id == "2026-08-17_092"
    assert sum(h.text == best.text for h in reply.hits) == 1  # the raw copy does not answer a second time
    context = await core.answer(store, best.context or "")
    assert context.error is None
    assert context.hits[context.focus].text == best.text
    assert context.hits[context.focus].meeting_id == best.meeting_id


async def test_chat_hits_say_chat_and_links_open_at_the_time(loaded: tuple[TurnStore, LoadResult]) -> None:
    store, _ = loaded
    chat = (await core.answer(store, "!quote devnet config is in the repo")).hits[0]
    assert (
        chat.chat
        and chat.meeting_id == "2026-08-17_092-chat"
        and "chat · 3:05" in render(await core.answer(store, "!quote devnet config is in the repo"))
    )
    covid = (await core.answer(store, "!quote tenth covid session")).hits[0]
    assert covid.meeting_title == "Covid committee, session 10"
    assert covid.url == "https://www.youtube.com/watch?v=abc123&t=1s"


async def test_meetings_sort_numbers_as_numbers(loaded: tuple[TurnStore, LoadResult]) -> None:
    store, _ = loaded
    ids = [m.id for m in (await core.answer(store, "!meetings covid")).meetings]
    assert ids == ["covid_2", "covid_10"]
