"""One person, however the records print their name: folding, honorifics, aliases, typos."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from parser.text import fold

_HONORIFICS = frozenset(
    "mr mrs ms miss dr prof professor hon honourable honorable sir dame madam mme mlle m "
    "sr sra srta don dona the chair president chairman chairwoman".split()
)
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def speaker_key(label: str) -> str:
    """The folded name a label stands for: `Dr. LEÓN SÁNCHEZ (Chair)` → `leon sanchez`.

    Honorifics go; a bracket is only the name when nothing else is (`The Chair (Hon. Jane Doe)`).
    """

    def name_words(text: str) -> list[str]:
        return [w for w in fold(text).split() if w not in _HONORIFICS]

    outside = name_words(_BRACKETS.sub(" ", label))
    if outside:
        return " ".join(outside)
    inside = name_words(" ".join(m[1:-1] for m in _BRACKETS.findall(label)))
    return " ".join(inside) or fold(label)


@dataclass
class Speaker:
    """A canonical name, every label printed for it, and the names that resolve to it."""

    name: str
    labels: Counter[str] = field(default_factory=Counter)
    keys: set[str] = field(default_factory=set)
    turn_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SpeakerMatch:
    speaker: Speaker
    score: float


class SpeakerIndex:
    """Resolves what a user types (`leon`, `Goran`, `de la parra`, `marbi`) to speakers."""

    def __init__(self, aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.speakers: list[Speaker] = []
        self._by_key: dict[str, Speaker] = {}
        self._alias_keys: dict[str, str] = {}
        for canonical, others in (aliases or {}).items():
            target = speaker_key(canonical)
            for other in [canonical, *others]:
                self._alias_keys[speaker_key(other)] = target

    def add(self, label: str, turn_id: int) -> Speaker:
        """Count one turn of `label`, merging it with every label that names the same person."""
        key = speaker_key(label)
        key = self._alias_keys.get(key, key)
        speaker = self._by_key.get(key)
        if speaker is None:
            speaker = Speaker(name=label, keys={key})
            self._by_key[key] = speaker
            self.speakers.append(speaker)
        speaker.labels[label] += 1
        speaker.turn_ids.append(turn_id)
        return speaker

    def finish(self) -> None:
        """Name each speaker by the label most often printed, and learn every alias as a key."""
        for speaker in self.speakers:
            speaker.name = speaker.labels.most_common(1)[0][0]
            speaker.keys |= {speaker_key(label) for label in speaker.labels}
        for alias, target in self._alias_keys.items():
            if target in self._by_key:
                self._by_key[target].keys.add(alias)

    def _score(self, query: str, key: str) -> float:
        """How well the folded `query` names the folded `key`, 0–100."""
        if query == key:
            return 100.0
        words = key.split()
        asked = query.split()
        n = len(asked)
        for i in range(len(words) - n + 1):
            if words[i : i + n] == asked:
                return 96.0 if n > 1 else 94.0
        part_scores = [fuzz.ratio(query, " ".join(words[i : i + n])) for i in range(len(words) - n + 1)]
        best_part = max(part_scores, default=0.0)
        whole = fuzz.ratio(query, key)
        return max(best_part * 0.97, whole)

    def resolve(self, name: str, limit: int = 5) -> list[SpeakerMatch]:
        """Speakers whose names fit `name`, best first, with a 0–100 score."""
        query = speaker_key(name)
        if not query:
            return []
        scored = [SpeakerMatch(speaker, max(self._score(query, key) for key in speaker.keys)) for speaker in self.speakers]
        scored.sort(key=lambda m: (-m.score, -len(m.speaker.turn_ids)))
        return scored[:limit]
