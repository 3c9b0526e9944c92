"""One person, however the records print their name: folding, honorifics, aliases, typos."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from parser.index.columns import IdList
from parser.text import fold

_HONORIFICS = frozenset(
    "mr mrs ms miss dr prof professor hon honourable honorable sir dame madam mme mlle m "
    "sr sra srta don dona the chair president chairman chairwoman right rt".split()
)
# Letters after a name that say what the person is, not who: Assembly/Senedd/Parliament members, counsel.
_POST_NOMINALS = frozenset("am ms mp mep msp mla td qc kc obe mbe cbe".split())
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def _name_words(text: str) -> list[str]:
    """Folded words of a name without honorifics before it or post-nominal letters after it."""
    words = [w for w in fold(text).split() if w not in _HONORIFICS]
    while len(words) > 1 and words[-1] in _POST_NOMINALS:
        words.pop()
    return words


def _is_name(words: list[str]) -> bool:
    """Whether what is left names someone: `a` alone (from `Professor A`) is a role, not a name."""
    return bool(words) and any(len(w) > 1 for w in words)


def speaker_key(label: str) -> str:
    """The folded name a label stands for: `Dr. LEÓN SÁNCHEZ (Chair)` → `leon sanchez`.

    Honorifics go; a bracket is only the name when nothing else is (`The Chair (Hon. Jane Doe)`).
    A label that is a role and a letter (`Professor A`, `PhD B`) keeps its role, so that
    `Professor A` and `Grad A` stay two people.
    """
    outside = _name_words(_BRACKETS.sub(" ", label))
    if _is_name(outside):
        return " ".join(outside)
    inside = _name_words(" ".join(m[1:-1] for m in _BRACKETS.findall(label)))
    if _is_name(inside):
        return " ".join(inside)
    return fold(label)


@dataclass(eq=False)
class Speaker:
    """A canonical name, every label printed for it, and the names that resolve to it."""

    name: str
    labels: Counter[str] = field(default_factory=Counter)
    keys: set[str] = field(default_factory=set)
    turn_ids: Sequence[int] = field(default_factory=list)
    meetings: set[str] = field(default_factory=set, repr=False)
    _parts: list[np.ndarray] = field(default_factory=list, repr=False)


@dataclass(frozen=True)
class SpeakerMatch:
    speaker: Speaker
    score: float


def _is_subsequence(short: list[str], long: list[str]) -> bool:
    rest = iter(long)
    return all(word in rest for word in short)


class SpeakerIndex:
    """Resolves what a user types (`leon`, `Goran`, `de la parra`, `marbi`) to speakers."""

    def __init__(self, aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.speakers: list[Speaker] = []
        self.aliases: dict[str, list[str]] = {k: list(v) for k, v in (aliases or {}).items()}
        self._by_key: dict[str, Speaker] = {}
        self._by_label: dict[str, Speaker] = {}
        self._alias_keys: dict[str, str] = {}
        for canonical, others in self.aliases.items():
            target = speaker_key(canonical)
            for other in [canonical, *others]:
                self._alias_keys[speaker_key(other)] = target

    def _group(self, label: str) -> Speaker:
        speaker = self._by_label.get(label)
        if speaker is not None:
            return speaker
        key = speaker_key(label)
        key = self._alias_keys.get(key, key)
        speaker = self._by_key.get(key)
        if speaker is None:
            speaker = Speaker(name=label, keys={key})
            self._by_key[key] = speaker
            self.speakers.append(speaker)
        self._by_label[label] = speaker
        return speaker

    def add_label(self, label: str, turn_ids: np.ndarray, meetings: Iterable[str] = ()) -> Speaker:
        """Count every turn of `label` at once (the store's way: one call per label, not per turn)."""
        speaker = self._group(label)
        speaker.labels[label] += len(turn_ids)
        speaker._parts.append(np.asarray(turn_ids, dtype=np.int64))
        speaker.meetings.update(meetings)
        return speaker

    def speaker_of(self, label: str) -> Speaker:
        """The speaker a printed label resolves to (after `finish`)."""
        return self._by_label[label]

    def label_speaker(self, label: str) -> Speaker | None:
        """The speaker of a printed label, or None for a label of records this index does not hold."""
        return self._by_label.get(label)

    def finish(self) -> None:
        """Merge labels that extend another, name each speaker, and learn every alias as a key."""
        self._merge_extended_names()
        for speaker in self.speakers:
            speaker.name = speaker.labels.most_common(1)[0][0]
            speaker.keys |= {speaker_key(label) for label in speaker.labels}
            ids = np.sort(np.concatenate([np.zeros(0, dtype=np.int64), *speaker._parts]))
            speaker.turn_ids = IdList(ids.astype(np.uint32) if len(ids) and ids[-1] < 1 << 32 else ids)
            speaker._parts = []
        for alias, target in self._alias_keys.items():
            if target in self._by_key:
                self._by_key[target].keys.add(alias)

    def _merge_extended_names(self) -> None:
        """`LEON SANCHEZ` joins `LEON FELIPE SANCHEZ` when nothing else could be meant.

        A name of two or more words joins a longer one with the same first and last word that
        holds all its words in order, but only when exactly one speaker fits and the two never
        speak in the same meeting (two labels in one record are two people).
        """
        by_ends: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
        for key in self._by_key:
            words = key.split()
            if len(words) >= 2:
                by_ends[(words[0], words[-1])].append(key)
        for key in sorted(self._by_key, key=lambda k: (-len(k.split()), k)):
            words = key.split()
            if len(words) < 2:
                continue
            short = self._by_key[key]
            longer = {
                self._by_key[other]
                for other in by_ends[(words[0], words[-1])]
                if len(other.split()) > len(words) and _is_subsequence(words, other.split())
            }
            longer.discard(short)
            if len(longer) != 1:
                continue
            (into,) = longer
            if short.meetings & into.meetings:
                continue
            self._merge(short, into)

    def _merge(self, short: Speaker, into: Speaker) -> None:
        into.labels.update(short.labels)
        into.keys |= short.keys
        into.meetings |= short.meetings
        into._parts.extend(short._parts)
        for key in short.keys:
            self._by_key[key] = into
        for label in short.labels:
            self._by_label[label] = into
        self.speakers.remove(short)

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


@dataclass(frozen=True)
class Tally:
    """One speaker's turns, printed words and (for timed records) seconds within some set of turns."""

    name: str
    turns: int
    words: int
    seconds: float | None
