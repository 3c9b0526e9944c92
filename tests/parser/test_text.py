"""Folding: what users type and what the record prints must meet."""

from __future__ import annotations

import pytest

from parser.text import fold, fold_with_offsets, original_span


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("goran marby", "GÖRAN MARBY"),
        ("leon sanchez", "LEÓN SÁNCHEZ"),
        ("lodz", "Łódź"),
        ("strasse", "Straße"),
        ("oeuvre", "Œuvre"),
        ("aero", "Ærø"),
        ("icann", "l'ICANN"),
        ("d accord", "d’accord"),
        ("nous avons 29 associes", "Nous avons 29 associés,"),
        ("cheveux blancs", "« cheveux blancs »"),
    ],
)
def test_typed_text_matches_printed_text(typed: str, printed: str) -> None:
    assert fold(typed) in fold(printed)


def test_fold_separates_words_with_single_spaces() -> None:
    assert fold("  Oui,\n\tallez-y…  ") == "oui allez y"


def test_offsets_map_back_to_the_original_words() -> None:
    text = "Merci Göran. L'ICANN a 29 associés."
    folded, where = fold_with_offsets(text)
    assert folded == fold(text)
    assert len(where) == len(folded)
    start = folded.index("29 associes")
    s, e = original_span(text, start, start + len("29 associes"))
    assert text[s:e] == "29 associés"
    start = folded.index("goran")
    s, e = original_span(text, start, start + len("goran"))
    assert text[s:e] == "Göran"


def test_expanding_letters_keep_their_offsets() -> None:
    text = "die Straße hier"
    folded, _ = fold_with_offsets(text)
    start = folded.index("strasse")
    s, e = original_span(text, start, start + len("strasse"))
    assert text[s:e] == "Straße"
