"""`!whosaid` with quotes as people remember them, and questions as they type them, on real records."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.commands.questions import strip_question
from bot.core import answer
from bot.corpus import build_store
from parser.index.store import TurnStore
from parser.text import fold


@pytest.fixture(scope="module")
def shared(corpus: Path) -> TurnStore:
    """Every record of the shared corpus, as `--corpus /work/shared/corpus` loads them."""
    return build_store([corpus], cache_dir=None)[0]


@pytest.fixture(scope="module")
def two_ladybugs(corpus: Path) -> TurnStore:
    """Two of the three Ladybug episodes: the third is the record not loaded."""
    files = [corpus / "otter" / "ladybug-20-debugging.md", corpus / "otter" / "ladybug-29-building-a-resume.md"]
    return build_store(files, cache_dir=None)[0]


async def test_a_word_changed_in_french_is_close_to_the_turn_it_came_from(store: TurnStore) -> None:
    reply = await answer(store, "!whosaid je trouvais pas le micro")
    assert reply.verdict == "close"
    hit = reply.hits[0]
    assert (hit.speaker, hit.turn_index) == ("SERGIO SALINAS PORTO", 3)
    assert hit.text[hit.span[0] : hit.span[1]] == "Je ne trouvais pas mon micro"
    assert "not in the turn: “le”" in reply.summary


async def test_a_remembered_ethereum_quote_is_close(shared: TurnStore) -> None:
    reply = await answer(shared, "!whosaid we should delay the difficulty bomb")
    assert reply.verdict == "close"
    hit = reply.hits[0]
    assert hit.speaker == "Peter Szilagyi"
    assert "delay the difficulty bomb" in hit.text[hit.span[0] : hit.span[1]]


async def test_a_question_about_a_rare_word_is_close_though_a_word_differs(shared: TurnStore) -> None:
    # Rebecca Hill: "But I currently work for a company called WeTransfer where we work on …".
    # "they" is not in the turn; "work for … WeTransfer" is, and no turn holds it by chance.
    reply = await answer(shared, "!whosaid who said they work for wetransfer")
    assert reply.verdict == "close", reply.error
    hit = reply.hits[0]
    assert (hit.speaker, hit.meeting_id, hit.turn_index) == ("Rebecca Hill", "ladybug-20-debugging", 6)
    assert hit.text[hit.span[0] : hit.span[1]] == "work for a company called WeTransfer"
    assert "not in the turn: “they”" in reply.summary


async def test_a_sentence_with_its_middle_left_out_is_close(store: TurnStore) -> None:
    # From MIGUEL IGNACIO ESTRADA: "Nous participons avec l'ICANN à l'IGF, à LACIGF et à l'IGF des Caraïbes."
    reply = await answer(store, "!whosaid nous participons avec l'ICANN et à l'IGF des Caraïbes")
    assert reply.verdict == "close"
    assert reply.hits[0].speaker == "MIGUEL IGNACIO ESTRADA"


async def test_two_sentences_run_together_with_words_left_out_are_close(store: TurnStore) -> None:
    # "… Nous avons une très forte participation. Nous sommes membres de la CTU, l'union des télécommunications des Caraïbes."
    reply = await answer(store, "!whosaid nous avons une forte participation nous sommes membres de la CTU l'union des caraïbes")
    assert reply.verdict == "close"
    assert reply.hits[0].speaker == "MIGUEL IGNACIO ESTRADA"


def _remembered(text: str) -> list[str]:
    """Windows of 14 words of a turn with every third word left out, as the bench makes them."""
    words = [w for w in text.split() if fold(w)]
    return [" ".join(w for k, w in enumerate(words[at : at + 14]) if k % 3 != 1) for at in range(0, len(words) - 14, 14)]


async def test_sentences_of_a_record_not_loaded_are_not_found(two_ladybugs: TurnStore, corpus: Path) -> None:
    held_out = build_store([corpus / "otter" / "ladybug-62-security.txt"], cache_dir=None)[0]
    queries = [q for turn in held_out.turns for q in _remembered(turn.text)][:40]
    assert len(queries) == 40
    verdicts = [(await answer(two_ladybugs, f"!whosaid {q}")).verdict for q in queries]
    assert verdicts == ["not found"] * 40
    # …while the same kind of query from a loaded record is found
    loaded = [q for turn in two_ladybugs.turns for q in _remembered(turn.text)][:40]
    found = [(await answer(two_ladybugs, f"!whosaid {q}")).verdict for q in loaded]
    assert found.count("close") + found.count("verbatim") >= 38


@pytest.mark.parametrize(
    ("typed", "quote"),
    [
        ("who said they work for wetransfer", "they work for wetransfer"),
        ("Who said that we should delay the bomb?", "we should delay the bomb"),
        ("who said that's fine", "that's fine"),
        ("qui a dit je trouvais pas le micro ?", "je trouvais pas le micro"),
        ("Qui a dit qu'il pleuvait", "il pleuvait"),
        ("¿Quién dijo que la reunión es mañana?", "la reunión es mañana"),
        ("quien dijo hola amigos", "hola amigos"),
        ("who said", "who said"),
    ],
)
def test_question_words_are_not_part_of_the_quote(typed: str, quote: str) -> None:
    assert strip_question(typed) == quote


async def test_a_question_finds_what_the_quote_finds(store: TurnStore) -> None:
    asked = await answer(store, "!whosaid qui a dit je trouvais pas le micro ?")
    assert asked.verdict == "close" and asked.hits[0].turn_index == 3


async def test_a_speaker_name_of_two_words_filters_without_quotes(store: TurnStore) -> None:
    reply = await answer(store, "!quote merci speaker:Goran Marby")
    assert reply.error is None, reply.error
    assert {h.resolved_speaker for h in reply.hits} == {"GÖRAN MARBY"}
    assert "GÖRAN MARBY" in reply.summary


async def test_a_verdict_many_speakers_share_names_a_few(shared: TurnStore) -> None:
    reply = await answer(shared, "!whosaid okay")
    assert reply.verdict == "verbatim"
    assert len(reply.said_by) > 4
    assert reply.summary.endswith(f"and {len(reply.said_by) - 3} others")


_CONTRACTION = re.compile(r"(?i)(?:don't|it's|we're|that's|can't|i'm|you're)")


def _contraction_left_out(store: TurnStore) -> list[tuple[str, str]]:
    """(quote, the turn's words): two words, a contraction left out, three more, as people forget
    one; `don't` folds to two words, `don t`, and must count as the one left out."""
    found = []
    for turn_id in range(len(store)):
        words = store.text(turn_id).split()
        for k, word in enumerate(words[2:-3], start=2):
            if _CONTRACTION.fullmatch(word.strip(",.")):
                found.append((" ".join(words[k - 2 : k] + words[k + 1 : k + 4]).strip(",."), " ".join(words[k - 2 : k + 4])))
    return found


async def test_a_quote_with_a_contraction_left_out_is_close(shared: TurnStore) -> None:
    queries = _contraction_left_out(shared)[:150]
    assert len(queries) == 150
    missed = []
    for quote, said in queries:
        reply = await answer(shared, f"!whosaid {quote}")
        if reply.verdict not in ("close", "verbatim") or fold(said) not in fold(" ".join(h.text for h in reply.hits)):
            missed.append(quote)
    assert len(missed) <= 3, missed  # none now; a quarter when `don t` counted as two words left out
