"""Legacy single-byte text: Windows-1252 unless the evidence for Windows-1250 is strong.

Short French records written for this test, with the characters that made statistical detection
pick Central European (’ – œ « » è à): each must come back exactly as written.
"""

from __future__ import annotations

import pytest

from parser.readers.decode import decode

FRENCH = [
    "JEAN DUPONT : Réunion à Genève – l’œuvre commune.",
    "MARIE CLAIRE : « Très bien », dit-elle, « on y va. »",
    "PAUL : C’est là où nous étions déjà, à côté.",
    "ANNE : Le cœur du sujet – voilà – c’est l’accès.",
    "LUC : Œuvres complètes ; sœur ; nœud ; bœuf.",
    "SOPHIE : Où est passé l’ordre du jour ? À lundi.",
    "HÉLÈNE : Merci à tous – à bientôt ! « Fin » de séance.",
    "ÉRIC : Ça marche. L’été prochain, à Besançon.",
]


@pytest.mark.parametrize("text", FRENCH)
def test_short_french_in_windows_1252_reads_as_written(text: str) -> None:
    assert decode(text.encode("cp1252")) == text


def test_a_few_words_hold_together() -> None:
    text = "\n".join(FRENCH)
    assert decode(text.encode("cp1252")) == text
    assert decode(text.encode("latin-1", errors="ignore")) == text.encode("latin-1", errors="ignore").decode("latin-1")


def test_polish_in_windows_1250_is_still_recognised() -> None:
    text = (
        "ANNA NOWAK: Dzień dobry, witam wszystkich na dzisiejszym spotkaniu. Myślę, że możemy zaczynać.\n"
        "PIOTR WIŚNIEWSKI: Dziękuję bardzo. Chciałbym powiedzieć kilka słów o budżecie, który się zmienił.\n"
        "ANNA NOWAK: Proszę bardzo, słuchamy. Czy ktoś jeszcze chciałby zabrać głos później?\n"
    )
    assert decode(text.encode("cp1250")) == text
