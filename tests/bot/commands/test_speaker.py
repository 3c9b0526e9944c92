"""`!speaker` on the real ICANN70 record."""

from __future__ import annotations

from bot.core import answer
from parser.index.store import TurnStore
from tests.facts import BY_SPEAKER, MEETING_ID


async def test_speaker_as_written_with_counts(store: TurnStore) -> None:
    reply = await answer(store, "!speaker leon")
    assert reply.speaker == "LEÓN SANCHEZ"
    assert (reply.turn_count, reply.words) == BY_SPEAKER["LEÓN SANCHEZ"]
    assert reply.meetings == [MEETING_ID]
    assert reply.hits[0].text.startswith("Merci pour votre invitation.")


async def test_the_chairs_seventeen_turns(store: TurnStore) -> None:
    reply = await answer(store, "!speaker salinas porto")
    turns, _ = BY_SPEAKER["SERGIO SALINAS PORTO"]
    assert (reply.speaker, reply.turn_count, reply.total) == ("SERGIO SALINAS PORTO", turns, turns)
    assert len(reply.hits) == 3


async def test_no_speaker_like_it_names_the_nearest(store: TurnStore) -> None:
    reply = await answer(store, "!speaker Zorro")
    assert reply.error is not None and reply.error.startswith("No speaker like “Zorro”. Nearest: ")
    assert len(reply.candidates) == 3
    assert reply.speaker is None


async def test_ambiguous_name_asks_which(two_marias: TurnStore) -> None:
    reply = await answer(two_marias, "!speaker maria")
    assert reply.error is not None and "fits several speakers" in reply.error
    assert sorted(reply.candidates) == ["MARIA GARCIA", "MARIA LOPEZ"]


async def test_one_person_across_meetings_and_labels() -> None:
    from tests.parser.qmsum_records import qmsum_records

    store = TurnStore(qmsum_records(["test/covid_4", "test/covid_9"]))
    reply = await answer(store, "!speaker Ahmed Hussen")
    assert reply.error is None
    assert set(reply.meetings) == {"covid_4", "covid_9"}
    assert "Hon. Ahmed Hussen" in reply.labels and len(reply.labels) >= 2
    hit = (await answer(store, "!quote Hussen speaker:hussen")).hits
    assert all(h.resolved_speaker == reply.speaker for h in hit)


async def test_a_nickname_from_the_aliases_file(store: TurnStore) -> None:
    reply = await answer(store, "!speaker Nacho")
    assert reply.speaker == "MIGUEL IGNACIO ESTRADA"
