"""Folding: what users type and what the record prints must meet."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parser.text import (
    _SEPARATED,
    _TABLE,
    SEPARATOR,
    _fold_char,
    fold,
    fold_chars,
    fold_with_offsets,
    original_span,
    token_span,
    utf8_tokens,
)


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


def _one_by_one(text: str) -> str:
    """The definition of folding: each character on its own."""
    return "".join(map(_fold_char, text))


@pytest.mark.slow
def test_fast_folding_agrees_with_folding_each_character_in_every_script() -> None:
    # Every code point, between an accented Latin-1 letter and a curly apostrophe: the byte path,
    # the error handler for characters beyond Latin-1, and the general path for other scripts.
    # (`str.translate` with the fold table is folding each character, with each fold kept.)
    texts = (f"é{chr(code)}’A" for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)
    assert [t for t in texts if fold_chars(t) != t.translate(_TABLE)] == []
    # The build's variant keeps its separator: every code point of the Latin, Greek and Cyrillic blocks.
    texts = (f"{SEPARATOR}é{chr(code)}’{SEPARATOR}" for code in range(0x0530))
    assert [t for t in texts if fold_chars(t, separator=True) != t.translate(_SEPARATED)] == []
    assert "".join(map(chr, range(0x2000))).translate(_TABLE) == _one_by_one("".join(map(chr, range(0x2000))))


# Accented Latin, letters that fold to two (ß, ¼), beyond Latin-1 (’, œ, a combining accent), other scripts.
_MIXED = st.text(st.sampled_from("aZ09 ,.'\n\x01éÈçÑüßÆ¼µ’œ\u0301–…ДжΩ中ł" + SEPARATOR), max_size=40)


@given(_MIXED)
def test_fast_folding_agrees_on_mixed_text(text: str) -> None:
    assert fold_chars(text) == _one_by_one(text)
    kept = SEPARATOR.join(_one_by_one(part) for part in text.split(SEPARATOR))
    assert fold_chars(text, separator=True) == kept


@given(_MIXED)
def test_words_read_from_bytes_are_the_folded_words(text: str) -> None:
    assert utf8_tokens(text.encode()) == fold(text).split()


@given(st.text(st.sampled_from("aZ09 _-.,'\t\n\x1c\x01"), max_size=30), st.integers(-1, 8), st.integers(-1, 8))
def test_a_span_of_ascii_words_is_where_those_words_are(text: str, first: int, last: int) -> None:
    words = [(m.start(), m.end()) for m in re.finditer(r"[A-Za-z0-9]+", text)]
    assert [text[a:b].lower() for a, b in words] == fold(text).split()
    if 0 <= first <= last < len(words):
        assert token_span(text, first, last) == (words[first][0], words[last][1])
    elif 0 <= first <= last:
        assert token_span(text, first, last) == (0, 0)


def test_folded_french_words() -> None:
    assert fold("L’Œuvre de Straße, ½ CAFÉ — déjà") == "l oeuvre de strasse 1 2 cafe deja"
