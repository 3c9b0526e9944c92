"""The typo index: `near` finds what comparing the word with the whole vocabulary finds."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz.distance import OSA

from parser.index.store import TurnStore
from parser.index.vocab import TYPO_LIMIT, Vocabulary


def _by_hand(vocab: Vocabulary, word: str, edits: int) -> dict[str, int]:
    return {w: int(OSA.distance(word, w)) for w in vocab.words if w != word and OSA.distance(word, w) <= edits}


def _typos(words: list[str], count: int) -> list[str]:
    rng = random.Random(5)
    out = []
    for word in rng.sample(words, count):
        i = rng.randrange(len(word))
        out.append(rng.choice([word[:i] + word[i + 1 :], word[:i] + "x" + word[i:], word[:i] + "e" + word[i + 1 :], word]))
    return out


def test_near_finds_every_word_within_the_edits_of_the_real_record(store: TurnStore) -> None:
    vocab = store.vocab
    for word in _typos([w for w in vocab.words if len(w) >= 4], 150):
        for edits in (1, 2):
            expected = _by_hand(vocab, word, edits)
            found = vocab.near(word, edits)
            if len(expected) <= TYPO_LIMIT:
                assert found == expected, word
            else:  # the closest are kept (the word itself may have taken one of the places)
                assert found.items() <= expected.items() and len(found) >= TYPO_LIMIT - 1
                assert max(found.values()) <= min(d for w, d in expected.items() if w not in found)


@pytest.mark.parametrize("words", [["café", "cafe", "caffè", "kafé"], ["naïve", "🙂smile", "smile🙂", "smiles", "𝔘nicode"]])
def test_near_handles_accents_and_characters_beyond_the_basic_plane(words: list[str]) -> None:
    vocab = Vocabulary(words, np.ones(len(words), dtype=np.int32))
    for word in [*words, "smle🙂", "caffe", "🙂smil"]:
        assert vocab.near(word, 2) == _by_hand(vocab, word, 2), word


def test_a_swap_of_two_letters_is_one_edit(store: TurnStore) -> None:
    assert store.vocab.near("assoices", 1)["associes"] == 1
    assert "associes" not in store.vocab.near("associes", 1)  # a word is not its own typo
