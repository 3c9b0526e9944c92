"""Autocomplete for speaker and meeting options: folded, ranked, precomputed once per store.

Discord drops a suggestion list that comes later than 3 s, so nothing here searches turns: the
names are folded once when a store is first asked, and each keystroke only scans short strings.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands

from parser.index.store import TurnStore
from parser.text import fold

LIMIT = 25
CHOICE_LIMIT = 100


@dataclass(frozen=True)
class Entry:
    """One thing that can be suggested: what it is called, what it sends, and the folded words to match."""

    label: str
    value: str
    keys: tuple[str, ...]
    weight: int


_cache: weakref.WeakKeyDictionary[TurnStore, tuple[list[Entry], list[Entry]]] = weakref.WeakKeyDictionary()


def _cut(text: str) -> str:
    return text if len(text) <= CHOICE_LIMIT else text[: CHOICE_LIMIT - 1] + "…"


def entries(store: TurnStore) -> tuple[list[Entry], list[Entry]]:
    """(speakers, meetings) of a store, most turns first and newest first, folded once."""
    cached = _cache.get(store)
    if cached is not None:
        return cached
    speakers = [
        Entry(
            _cut(s.name),
            s.name[:CHOICE_LIMIT],
            tuple({fold(s.name), *s.keys, *(fold(label) for label in s.labels)}),
            len(s.turn_ids),
        )
        for s in store.speakers.speakers
    ]
    speakers.sort(key=lambda e: (-e.weight, e.label))
    meetings = []
    for m in store.meetings.values():
        label = f"{m.title} · {m.date.isoformat()}" if m.date else m.title
        if fold(m.title) != fold(m.id):
            label += f" ({m.id})"
        meetings.append(Entry(_cut(label), m.id[:CHOICE_LIMIT], (fold(m.id), fold(m.title)), m.date.toordinal() if m.date else 0))
    meetings.sort(key=lambda e: (-e.weight, e.label))
    _cache[store] = (speakers, meetings)
    return speakers, meetings


def _rank(entry: Entry, words: list[str], typed: str) -> int | None:
    """0: every typed word starts a word of a key; 1: the typed text is inside a key; None: no match."""
    for key in entry.keys:
        key_words = key.split()
        if all(any(k.startswith(w) for k in key_words) for w in words):
            return 0
    if any(typed in key for key in entry.keys):
        return 1
    return None


def suggest(candidates: list[Entry], current: str, limit: int = LIMIT) -> list[Entry]:
    """At most `limit` entries that fit what was typed so far, accents and case aside, best first."""
    typed = fold(current).strip()
    if not typed:
        return candidates[:limit]
    words = typed.split()
    ranked = [(rank, at, e) for at, e in enumerate(candidates) if (rank := _rank(e, words, typed)) is not None]
    ranked.sort(key=lambda r: (r[0], r[1]))
    return [e for _, _, e in ranked[:limit]]


def _choices(found: list[Entry]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=e.label, value=e.value) for e in found]


def _store(interaction: discord.Interaction[Any]) -> TurnStore | None:
    """The records the interaction's server sees: the shared ones and its own."""
    view = getattr(interaction.client, "view", None)
    return view(interaction.guild_id) if view is not None else getattr(interaction.client, "store", None)


async def speaker_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """Speakers whose name, label or alias fits what is typed, most turns first."""
    store = _store(interaction)
    return [] if store is None else _choices(suggest(entries(store)[0], current))


async def meeting_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """Meetings whose id or title fits what is typed, newest first."""
    store = _store(interaction)
    return [] if store is None else _choices(suggest(entries(store)[1], current))
