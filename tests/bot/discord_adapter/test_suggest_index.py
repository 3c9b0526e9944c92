"""Autocomplete from its index gives what a scan of every name gives, on every keystroke of real names."""

from __future__ import annotations

import random

from bot.discord_adapter.exts._suggest import Entry, entries, suggest
from parser.index.store import TurnStore
from parser.text import fold


def scanned(candidates: list[Entry], current: str, limit: int = 25) -> list[Entry]:
    """Every entry looked at: word starts of one key first, then the typed text inside a key, each in order."""
    typed = fold(current).strip()
    if not typed:
        return candidates[:limit]
    words = typed.split()
    first = [e for e in candidates if any(all(any(k.startswith(w) for k in key.split()) for w in words) for key in e.keys)]
    rest = [e for e in candidates if e not in first and any(typed in key for key in e.keys)]
    return (first + rest)[:limit]


def test_every_prefix_of_every_name_suggests_what_a_full_scan_does(store: TurnStore) -> None:
    speakers, meetings = entries(store)
    typed = {name[:n] for e in (*speakers, *meetings) for name in (e.label, e.value) for n in range(len(name) + 1)}
    rng = random.Random(14)
    typed |= {" ".join(rng.sample(e.label.split(), k=min(2, len(e.label.split())))) for e in speakers}
    typed |= {"a", "e", "an", "ez", "z", "   ", "león s", "CARLOS", "ria"}
    for candidates in (speakers, meetings):
        for text in sorted(typed):
            assert suggest(candidates, text) == scanned(list(candidates), text), text


def test_more_names_than_fit_keep_the_offer_order() -> None:
    candidates = [Entry(f"Ana {n}", f"Ana {n}", (f"ana {n}", f"speaker{n}"), 100 - n) for n in range(60)]
    assert [e.value for e in suggest(candidates, "ana")] == [f"Ana {n}" for n in range(25)]
    assert [e.value for e in suggest(candidates, "peaker5")] == [f"Ana {n}" for n in (5, *range(50, 60))]
