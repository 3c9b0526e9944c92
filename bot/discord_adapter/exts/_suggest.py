"""Autocomplete for speaker and meeting options: folded, ranked, indexed once per store.

Discord drops a suggestion list that comes later than 3 s, and every keystroke asks again, so
nothing here searches turns or walks every name: the names are folded and indexed by word once
per store (off the event loop, when the store is loaded), and a keystroke looks its words up in
a sorted list and scans one joined string for the rest.
"""

from __future__ import annotations

import asyncio
import bisect
import weakref
from collections.abc import Iterable
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


_KEY_END, _ENTRY_END = "\x01", "\x00"


class Suggestions(list[Entry]):
    """Entries in the order they are offered, with an index of their keys' words made once."""

    def __init__(self, found: Iterable[Entry] = ()) -> None:
        super().__init__(found)
        pairs = sorted({(word, at) for at, e in enumerate(self) for key in e.keys for word in key.split()})
        self.words = [word for word, _ in pairs]
        self.owners = [at for _, at in pairs]
        self.starts: list[int] = []
        parts, length = [], 0
        for e in self:
            self.starts.append(length)
            part = _KEY_END.join(e.keys) + _ENTRY_END
            parts.append(part)
            length += len(part)
        self.haystack = "".join(parts)

    def starting(self, word: str) -> list[int]:
        """Entries with a key word that starts with `word`, in offer order."""
        lo = bisect.bisect_left(self.words, word)
        hi = bisect.bisect_left(self.words, word + "\U0010ffff")
        return sorted(set(self.owners[lo:hi]))

    def holding(self, typed: str, skip: set[int], limit: int) -> list[int]:
        """Up to `limit` entries (not in `skip`) with `typed` inside one of their keys, in offer order."""
        found: list[int] = []
        if _KEY_END in typed or _ENTRY_END in typed:
            return found
        at = self.haystack.find(typed)
        while at >= 0 and len(found) < limit:
            owner = bisect.bisect_right(self.starts, at) - 1
            if owner not in skip:
                found.append(owner)
            following = self.starts[owner + 1] if owner + 1 < len(self.starts) else len(self.haystack)
            at = self.haystack.find(typed, following)
        return found


_cache: weakref.WeakKeyDictionary[TurnStore, tuple[Suggestions, Suggestions]] = weakref.WeakKeyDictionary()


def _cut(text: str) -> str:
    return text if len(text) <= CHOICE_LIMIT else text[: CHOICE_LIMIT - 1] + "…"


def entries(store: TurnStore) -> tuple[Suggestions, Suggestions]:
    """(speakers, meetings) of a store, most turns first and newest first, folded and indexed once."""
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
    made = (Suggestions(speakers), Suggestions(meetings))
    _cache[store] = made
    return made


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
    """At most `limit` entries that fit what was typed so far, accents and case aside, best first.

    First the entries where every typed word starts a word of one key (looked up from the rarest
    typed word's entries), then those with the typed text inside a key, each in offer order.
    """
    index = candidates if isinstance(candidates, Suggestions) else Suggestions(candidates)
    typed = fold(current).strip()
    if not typed:
        return index[:limit]
    words = typed.split()
    rarest = min((index.starting(w) for w in set(words)), key=len)
    first: list[int] = []
    for at in rarest:
        if _rank(index[at], words, typed) == 0:
            first.append(at)
            if len(first) == limit:
                break
    rest = index.holding(typed, set(first), limit - len(first)) if len(first) < limit else []
    return [index[at] for at in (*first, *rest)]


def _choices(found: list[Entry]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=e.label, value=e.value) for e in found]


async def _lists(interaction: discord.Interaction[Any]) -> tuple[Suggestions, Suggestions] | None:
    """The suggestion lists of the records the interaction's server sees (the shared ones and its own).

    Each store's lists are made once (when it loads, else the first time, here off the event loop).
    """
    client = interaction.client
    view = getattr(client, "view", None)

    def lists() -> tuple[Suggestions, Suggestions] | None:
        store = view(interaction.guild_id) if view is not None else getattr(client, "store", None)
        if store is None:
            return None
        made = _cache.get(store)
        return made if made is not None else entries(store)

    return await asyncio.to_thread(lists)


async def speaker_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """Speakers whose name, label or alias fits what is typed, most turns first."""
    lists = await _lists(interaction)
    return [] if lists is None else _choices(suggest(lists[0], current))


async def meeting_choices(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
    """Meetings whose id or title fits what is typed, newest first."""
    lists = await _lists(interaction)
    return [] if lists is None else _choices(suggest(lists[1], current))
