"""`!whosaid` on the real ICANN70 record: the speaker of half-remembered words."""

from __future__ import annotations

import pytest

from bot.core import answer
from parser.store import TurnStore


@pytest.mark.parametrize(
    ("phrase", "speaker"),
    [
        ("nous avons 29 associes", "MIGUEL IGNACIO ESTRADA"),
        ('"cheveux blancs"', "SERGIO SALINAS PORTO"),
        ("Veuillez indiquer votre nom pour le compte-rendu", "CLAUDIA RUIZ"),  # across a page break
        ("je ne suis qu'a un clic de vous", "LEÓN SANCHEZ"),
    ],
)
async def test_verbatim(store: TurnStore, phrase: str, speaker: str) -> None:
    reply = await answer(store, f"!whosaid {phrase}")
    assert reply.verdict == "verbatim"
    assert reply.hits[0].speaker == speaker
    assert reply.hits[0].score == 100


@pytest.mark.parametrize(
    ("phrase", "speaker"),
    [
        ("je ne suis qu a un clik de vous", "LEÓN SANCHEZ"),  # typo
        ("nous avons 29 associés et 5 affiliés", "MIGUEL IGNACIO ESTRADA"),  # a word added
        ("on a un probleme de renouvellement des generations", "SERGIO SALINAS PORTO"),
    ],
)
async def test_close(store: TurnStore, phrase: str, speaker: str) -> None:
    reply = await answer(store, f"!whosaid {phrase}")
    assert reply.error is None, reply.error
    assert reply.verdict == "close"
    assert reply.hits[0].speaker == speaker
    assert 80 <= reply.hits[0].score < 100


async def test_nobody_said_it(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid the quick brown fox jumps over the lazy dog")
    assert reply.verdict == "not found"
    assert reply.error == "Nobody said anything like “the quick brown fox jumps over the lazy dog” in the loaded records."
    assert reply.hits == []
