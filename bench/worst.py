"""The bench's checks beyond the query families: `!quote` precision on words that exist, and the
worst single commands (common words, long repeats, deep pages, the widest label, corpus-wide `!stats`)."""

from __future__ import annotations

import random
import re
import time
from collections import Counter

import numpy as np

from bench.corpus import Source
from parser.text import fold

SAMPLE = 100
_ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")


def acronyms_of(corpus: Source, meetings: int = 400) -> list[str]:
    """Words written in capitals (2–5 letters) in the corpus' first meetings, most frequent first."""
    found = Counter(a for _, turns in corpus[:meetings] for _, content in turns for a in _ACRONYM.findall(content))
    return [a for a, _ in found.most_common()]


async def precision(store, acronyms: list[str], seed: int = 5) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """`!quote WORD` for rare words (2–50 turns) and acronyms (as written, in capitals): of the turns
    it says hold the word, and of every turn on page 1, the share that hold it (or its stem's family)."""
    from bot.core import answer

    rng = random.Random(seed)
    vocab = store.vocab
    rare = [w for w, df in zip(vocab.words, vocab.df.tolist(), strict=True) if 2 <= df <= 50 and w.isalpha() and len(w) >= 4]
    known = [a for a in acronyms if fold(a) in vocab.ids and 2 <= vocab.df[vocab.ids[fold(a)]] <= 5000]
    words = rng.sample(sorted(rare), min(SAMPLE, len(rare))) + rng.sample(known, min(SAMPLE, len(known)))
    said = said_ok = page = page_ok = 0
    for word in words:
        folded = fold(word)
        family = {folded, *vocab.siblings(folded)}
        reply = await answer(store, f"!quote {word}")
        claimed = int(reply.summary.split()[0]) if reply.summary[:1].isdigit() and " say" in reply.summary else reply.total
        for k, hit in enumerate(reply.hits):
            holds = bool(family & set(fold(hit.text).split()))
            page += 1
            page_ok += holds
            if k < claimed:
                said += 1
                said_ok += holds
    return {
        "words": min(SAMPLE, len(rare)),
        "acronyms": min(SAMPLE, len(known)),
        "said": said_ok / max(1, said),
        "page": page_ok / max(1, page),
    }


def _widest_label(store) -> str:  # type: ignore[no-untyped-def]
    """The printed speaker label found in the most meetings (a role such as "Marketing")."""
    meetings: Counter[int] = Counter()
    for turns in store.meeting_range.values():
        meetings.update(np.unique(store.columns.label_ids[turns.start : turns.stop]).tolist())
    return store.columns.labels[meetings.most_common(1)[0][0]]


async def worst_cases(store) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Each command of the worst-case list asked twice: the first time, and again (what is made
    once per store, such as the corpus-wide `!stats`, is made by the first)."""
    from bot.core import answer

    repeated = " ".join(["the"] * 125)
    commands = [
        "!whosaid the",
        '!whosaid "the"',
        "!quote the",
        '!quote "the"',
        "!whosaid i",
        "!whosaid a",
        "!whosaid so",
        "!quote i",
        f"!whosaid {repeated}",
        f"!quote {repeated}",
        "!quote the page:10000",
        "!quote the page:100000",
        f"!speaker {_widest_label(store)}",
        "!stats",
        '!whosaid suppose you use" in" and you started with',
        '!quote suppose you use" in" and you started with',
        "!whosaid the of and to in",
        "!quote i think that we",
    ]
    out = []
    for command in commands:
        times = []
        for _ in range(2):
            start = time.perf_counter()
            await answer(store, command)
            times.append(1000 * (time.perf_counter() - start))
        out.append({"command": command, "first_ms": times[0], "again_ms": times[1]})
    return out
