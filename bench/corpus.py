"""Benchmark corpora from the real QMSum records, and damaged quotes to look for in them.

QMSum has 129,177 turns. Bigger corpora repeat it with changes: in copy k, every word outside
the 30 most frequent is swapped for another word of about the same frequency (a fixed random
permutation within bands of 50 ranks), so copies keep QMSum's word statistics (quotes are
mostly common words) but are different meetings. Keeping more words fixed (300 was tried) makes
copies of a turn differ in a single word, and a quote missing that word could be any copy:
no method can tell them apart, so those queries measure the corpus, not the search.
"""

from __future__ import annotations

import json
import random
import re
import tarfile
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from parser.models import Meeting, Record, Turn
from parser.text import fold

ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "qmsum" / "QMSum_data_ALL_train_val_test_232meetings.tar.gz"
KEEP_TOP = 30
BAND = 50
_WORD = re.compile(r"[A-Za-z]+")
_MARKER = re.compile(r"\{\w+\}")

Source = list[tuple[str, list[tuple[str, str]]]]  # (meeting name, [(speaker, content)])


def unpack(archive: Path, into: Path) -> Path:
    """Unpack the QMSum archive into a temporary folder (never into the project)."""
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


def read_meetings(folder: Path) -> Source:
    """Every QMSum meeting under `folder`: its file name and its (speaker, content) turns."""
    meetings = []
    for path in sorted(folder.rglob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        turns = [(t["speaker"], t["content"]) for t in data["meeting_transcripts"] if t["content"].strip()]
        meetings.append((f"{path.parent.name}-{path.stem}", turns))
    return meetings


def _permutations(source: Source, copies: int, seed: int) -> list[dict[str, str]]:
    """For each copy after the first, a swap of every less frequent word for one of similar frequency."""
    counts: Counter[str] = Counter()
    for _, turns in source:
        for _, content in turns:
            counts.update(w.lower() for w in _WORD.findall(content))
    ranked = [w for w, _ in counts.most_common()][KEEP_TOP:]
    rng = random.Random(seed)
    out: list[dict[str, str]] = [{}]
    for _ in range(1, copies):
        mapping: dict[str, str] = {}
        for at in range(0, len(ranked), BAND):
            band = ranked[at : at + BAND]
            shuffled = band[:]
            rng.shuffle(shuffled)
            mapping.update(zip(band, shuffled, strict=True))
        out.append(mapping)
    return out


def _swap(text: str, mapping: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        word = m.group()
        new = mapping.get(word.lower())
        if new is None:
            return word
        if word.isupper() and len(word) > 1:
            return new.upper()
        return new.capitalize() if word[0].isupper() else new

    return _WORD.sub(one, text)


def build_corpus(source: Source, size: int, seed: int = 1) -> Source:
    """`size` turns: the real meetings in a fixed random order, then changed copies of them."""
    order = source[:]
    random.Random(seed).shuffle(order)
    total = sum(len(t) for _, t in order)
    copies = -(-size // total)
    mappings = _permutations(source, copies, seed)
    out: Source = []
    left = size
    for k in range(copies):
        for name, turns in order:
            if left <= 0:
                return out
            chosen = turns[:left]
            if k:
                chosen = [(speaker, _swap(content, mappings[k])) for speaker, content in chosen]
            out.append((f"{name}~{k}" if k else name, chosen))
            left -= len(chosen)
    return out


def records(corpus: Source) -> Iterator[Record]:
    """The corpus as the parser would give it: validated models, one meeting at a time."""
    for name, turns in corpus:
        meeting = Meeting(id=name, title=name, language="en", format="json")
        yield Record(
            meeting=meeting,
            turns=[Turn(meeting_id=name, index=i, speaker=s, text=c) for i, (s, c) in enumerate(turns)],
        )


def text_bytes(corpus: Source) -> int:
    """Size of the records' text: every speaker label and every turn's words, UTF-8."""
    return sum(len(s.encode()) + len(c.encode()) for _, turns in corpus for s, c in turns)


@dataclass(frozen=True)
class Query:
    """A damaged quote of a span of one turn, and what it was before the damage."""

    text: str
    turn_id: int
    original: str
    damage: str
    meant: str  # the words left after the drops, before the typo: what the asker meant to type


def _drop_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice("sdit")
    letters = "abcdefghijklmnopqrstuvwxyz"
    if kind == "s":
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    if kind == "d":
        return word[:i] + word[i + 1 :]
    if kind == "i":
        return word[:i] + rng.choice(letters) + word[i:]
    if i == len(word) - 1 or word[i] == word[i + 1]:
        return word[:i] + rng.choice(letters.replace(word[i].lower(), "")) + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def make_queries(corpus: Source, count: int, seed: int = 7) -> list[Query]:
    """Quotes of 5–12 words from random turns, each with realistic damage.

    Damage, drawn independently: one typo in a word of four letters or more (70 %), one word
    missing (50 %; two in spans of 9 words or more, 15 %), lower case (50 %), accents dropped (50 %).
    """
    rng = random.Random(seed)
    flat = [(name, i, content) for name, turns in corpus for i, (_, content) in enumerate(turns)]
    first_id: dict[str, int] = {}
    at = 0
    for name, turns in corpus:
        first_id[name] = at
        at += len(turns)
    queries: list[Query] = []
    while len(queries) < count:
        name, i, content = flat[rng.randrange(len(flat))]
        words = [w for w in content.split() if fold(w)]
        if len(words) < 8:
            continue
        length = rng.randint(5, min(12, len(words)))
        start = rng.randrange(len(words) - length + 1)
        span = words[start : start + length]
        if any(_MARKER.search(w) for w in span):
            continue
        original = " ".join(span)
        damaged, meant = span[:], span[:]
        done = []
        if rng.random() < 0.7:
            long = [k for k, w in enumerate(damaged) if len(w) >= 4 and w.isalpha()]
            if long:
                k = rng.choice(long)
                damaged[k] = _typo(damaged[k], rng)
                done.append("typo")
        if rng.random() < 0.5:
            drops = 2 if length >= 9 and rng.random() < 0.15 else 1
            for _ in range(drops):
                k = rng.randrange(len(damaged))
                del damaged[k], meant[k]
            done.append(f"{drops} missing")
        text = " ".join(damaged)
        if rng.random() < 0.5:
            text = text.lower()
            done.append("lower")
        if rng.random() < 0.5:
            text = _drop_accents(text)
            done.append("no accents")
        queries.append(Query(text, first_id[name] + i, original, ", ".join(done) or "none", " ".join(meant)))
    return queries


_SENTENCE_END = re.compile(r"[.?!]$")


def _words_and_ends(content: str) -> tuple[list[str], list[int]]:
    """A turn's words (markers left out) and the numbers of those that end a sentence
    (QMSum writes "set ." with the full stop apart)."""
    words: list[str] = []
    ends: list[int] = []
    for token in content.split():
        if _MARKER.search(token):
            continue
        if fold(token):
            words.append(token)
        if _SENTENCE_END.search(token) and words and (not ends or ends[-1] != len(words) - 1):
            ends.append(len(words) - 1)
    return words, ends


def _skipped(length: int, skip: int, rng: random.Random) -> list[bool] | None:
    """Which of `length` words are kept when `skip` are left out in runs of one to four that
    stay apart (so no run grows longer); the first word is kept. None when the runs do not fit."""
    kept = [True] * length
    left = skip
    for _ in range(100):
        if left <= 0:
            return kept
        run = min(left, rng.randint(1, 4))
        k = rng.randrange(1, length - run + 1)
        if all(kept[k - 1 : k + run + 1]):  # the run and a kept word either side
            for m in range(k, k + run):
                kept[m] = False
            left -= run
    return None


def make_remembered(corpus: Source, count: int, seed: int = 11, first_id: int = 0) -> list[Query]:
    """Quotes as people remember them: a window of 12–22 words of one turn with 25–45 % of its
    words left out in runs of one to four, a typo in a third, one word changed in a fifth, and
    about a third of the windows running over a sentence end.

    `first_id` is the turn id of the corpus' first turn (for queries from records not loaded,
    `turn_id` is -1 and only the verdict matters).
    """
    rng = random.Random(seed)
    flat = [(name, i, content) for name, turns in corpus for i, (_, content) in enumerate(turns)]
    starts: dict[str, int] = {}
    at = first_id
    for name, turns in corpus:
        starts[name] = at
        at += len(turns)
    common = [w for w, _ in Counter(fold(c).split()[0] for _, _, c in flat[:5000] if fold(c)).most_common(40)]
    queries: list[Query] = []
    tries = 0
    while len(queries) < count and tries < 200 * count:
        tries += 1
        name, i, content = flat[rng.randrange(len(flat))]
        words, ends = _words_and_ends(content)
        if len(words) < 14:
            continue
        length = rng.randint(12, min(22, len(words)))
        ends = [k for k in ends if k < len(words) - 1]
        across = rng.random() < 0.35 and ends
        if across:
            end = rng.choice(ends)
            lo, hi = max(0, end - length + 2), min(end, len(words) - length)
            if lo > hi:
                continue
            start = rng.randint(lo, hi)
        else:
            start = rng.randrange(len(words) - length + 1)
        window = words[start : start + length]
        skip = round(length * rng.uniform(0.25, 0.45))
        kept = _skipped(length, skip, rng)
        if kept is None:
            continue
        remembered = [w for w, keep in zip(window, kept, strict=True) if keep]
        meant = " ".join(remembered)
        done = [f"{skip} of {length} left out"] + (["sentence end"] if across else [])
        if rng.random() < 0.3:
            long = [k for k, w in enumerate(remembered) if len(w) >= 4 and w.isalpha()]
            if long:
                k = rng.choice(long)
                remembered[k] = _typo(remembered[k], rng)
                done.append("typo")
        if rng.random() < 0.2:
            k = rng.randrange(len(remembered))
            remembered[k] = rng.choice(common)
            done.append("word changed")
        text = " ".join(remembered)
        if rng.random() < 0.5:
            text = text.lower()
        turn_id = starts[name] + i if first_id >= 0 else -1
        queries.append(Query(text, turn_id, " ".join(window), ", ".join(done), meant))
    return queries


def hold_out(source: Source, count: int = 12, seed: int = 3) -> tuple[Source, Source]:
    """(meetings loaded, meetings kept out): queries made from the second must not be found in the first."""
    out = set(random.Random(seed).sample(range(len(source)), count))
    return [m for k, m in enumerate(source) if k not in out], [m for k, m in enumerate(source) if k in out]


def other_language(paths: list[Path]) -> Source:
    """Records in other languages than QMSum's English, read as the bot reads them."""
    from parser.readers.loader import read_file

    out: Source = []
    for path in paths:
        record = read_file(path)
        out.append((record.meeting.id, [(t.speaker, t.text) for t in record.turns if t.text.strip()]))
    return out
