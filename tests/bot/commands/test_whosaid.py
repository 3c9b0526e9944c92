"""`!whosaid` on the real ICANN70 record: the speaker of half-remembered words."""

from __future__ import annotations

import pytest

from bot.core import answer
from parser.index.store import TurnStore


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


async def test_a_clear_lead_under_80_is_close(store: TurnStore) -> None:
    # "mon" lost a letter in a five-word phrase: the turn it came from scores under 80, every other far less.
    reply = await answer(store, "!whosaid je ne trouvais pas mo micro.")
    assert reply.verdict == "close"
    assert [h.speaker for h in reply.hits] == ["SERGIO SALINAS PORTO"]
    assert reply.hits[0].text.startswith("Je ne trouvais pas mon micro.")
    assert 70 <= reply.hits[0].score < 80


async def test_nobody_said_it(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid the quick brown fox jumps over the lazy dog")
    assert reply.verdict == "not found"
    assert reply.error == "Nobody said anything like “the quick brown fox jumps over the lazy dog” in the loaded records."
    assert reply.hits == []


async def test_several_speakers_are_ranked_by_how_often(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid merci beaucoup")
    assert reply.verdict == "verbatim"
    assert (reply.said_by[0].speaker, reply.said_by[0].turns) == ("SERGIO SALINAS PORTO", 9)
    assert sum(s.turns for s in reply.said_by) == reply.total == 13
    assert reply.summary.startswith("Said word for word by SERGIO SALINAS PORTO (9×), ")
    assert [h.resolved_speaker for h in reply.hits[:5]] == ["SERGIO SALINAS PORTO"] * 5


async def test_close_shows_the_real_words(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid je ne suis qu a un clik de vous")
    assert reply.verdict == "close"
    assert "“je ne suis qu'à un clic de vous”" in reply.summary
    hit = reply.hits[0]
    assert hit.text[hit.span[0] : hit.span[1]] == "je ne suis qu'à un clic de vous"


async def test_not_found_names_the_nearest_turn_as_not_a_match(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid nous avons des problèmes de connexion internet aujourd'hui")
    assert reply.verdict == "not found" and reply.hits == [] and reply.error is not None
    assert reply.nearest is not None and reply.nearest.score < 80


async def test_whosaid_with_a_filter(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid merci beaucoup speaker:lito")
    assert reply.verdict == "verbatim" and [s.speaker for s in reply.said_by] == ["LITO IBARRA"]
    missing = await answer(store, '!whosaid "cheveux blancs" speaker:lito')  # said as quoted, not "“"cheveux…"”"
    assert missing.verdict == "not found"
    assert missing.error == "Nobody said anything like “cheveux blancs” among the turns searched (LITO IBARRA)."
