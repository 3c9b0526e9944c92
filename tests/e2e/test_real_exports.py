"""The shared corpus of real records (QMSum unpacked too) beside this project's own test records, loaded
as a user would: no ids made unique by a number, no hit twice, no transcription markup in a reply."""

from __future__ import annotations

import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from bot import core
from bot.corpus import build_store
from bot.render_text import render
from parser.index.store import TurnStore

RECORDS = Path(__file__).resolve().parents[1] / "parser" / "readers" / "records"
MARKUP = re.compile(r"\{(?:disfmarker|vocalsound|pause|gap|comment|nonvocalsound)\}|\\[\[\]*_]|Transcribed by|\[inaudible \d")


@pytest.fixture(scope="module")
def everything(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> TurnStore:
    unpacked = tmp_path_factory.mktemp("qmsum")
    with tarfile.open(corpus / "qmsum" / "QMSum_data_ALL_train_val_test_232meetings.tar.gz") as archive:
        archive.extractall(unpacked, filter="data")
    store, result = build_store([corpus, RECORDS, unpacked], cache_dir=None)
    assert not result.errors
    return store


def test_no_id_is_another_id_with_a_number(everything: TurnStore) -> None:
    ids = set(everything.meetings)
    assert not [i for i in ids if (m := re.fullmatch(r"(.+)-[0-9]+", i)) and m[1] in ids]
    assert {"captions-no-speakers", "timed-lines", "zoom-chat", "podcast-namespace-episode"} <= ids


def test_no_turn_holds_markup(everything: TurnStore) -> None:
    assert [everything.text(i)[:80] for i in range(len(everything)) if MARKUP.search(everything.text(i))] == []


@pytest.mark.parametrize(
    "query",
    [
        "!quote disfmarker",
        "!quote vocalsound",
        '!quote "Creating good audio is really key"',
        '!quote "almost guaranteed that you\'re going to make a handful of rookie"',
        "!quote otter.ai",
        "!quote welcome to the show",
    ],
)
async def test_replies_answer_once_and_hold_no_markup(everything: TurnStore, query: str) -> None:
    reply = await core.answer(everything, query)
    texts = Counter((h.speaker, h.text) for h in reply.hits)
    assert all(n == 1 for n in texts.values())
    assert not MARKUP.search(render(reply))
    if "disfmarker" in query or "otter.ai" in query:
        assert reply.total == 0
    if "vocalsound" in query:  # the marker is gone; what is found is people saying "vocal sound"
        assert [h.text[h.span[0] : h.span[1]].lower() for h in reply.hits if h.span] == ["vocal sound"] * reply.total
