"""Speaker labels at line starts — `NAME :`, `Marie-Claire Dupont:`, `Dr. A. Smith:` — and whether
a file's labels, taken together, make it a transcript.

One colon in a line proves little (`Note:`, `Action item:`, `10:30:`, prose). A transcript's labels
are names, they come back (people speak more than once) and they sit in text that reads as words.
Everything here looks at a bounded head of a line: a 1 MB line costs what a short one does.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

MAX_NAME = 60
MAX_WORDS = 8
_SPACES = " \t\u00a0\u202f"
# Letters of any script, then letters, spaces, dots, hyphens, apostrophes and brackets. The classes
# are disjoint, so the match is linear; it only ever sees at most MAX_NAME characters.
_NAME = re.compile(r"[^\W\d_](?:[^\W\d_]|[ .'’()\-\u00a0\u202f])*")
_INITIALS = re.compile(r"(?:[^\W\d_]\.)+")
_ABBREVIATIONS = frozenset("dr mr mrs ms mx prof jr sr st hon sen rep gen col capt".split())
PARTICLES = frozenset("van von der den de del della di da dos das du la le al el bin ibn ter y e".split())
# Words that start prose or a heading, never a name ("So here's the thing:", "Note:", "Step 1:").
NOT_NAMES = frozenset(
    """
    a an the and or but so if then than that this these those there here it its is are was were be been am
    i me my we us our you your he him his she her they them their what which who why how when where
    not no yes yeah yep ok okay well now just also too very really actually basically honestly anyway
    right sure true exactly agreed correct wait look listen see remember first second third finally lastly
    let let's it's that's there's here's what's i'm i've i'd i'll we're we've you're they're don't can't
    to of in on at by for from with about as into like
    note notes nb ps re fyi edit update warning caution important reminder tip hint example question answer
    summary agenda action decision result results conclusion problem solution source link links step part
    chapter item point option rule fact bonus spoiler translation music applause laughter transcript
    caption captions subtitle subtitles disclaimer topic title date time location recap todo goal reason
    thing things idea lesson takeaway bottom long short break pause lunch recess intermission end start
    timestamp recording attendees participants present absent apologies minutes venue place
    """.split()
)


@dataclass(frozen=True)
class Label:
    """A label's name as printed and the words after its colon on the same line."""

    name: str
    rest: str


def split(line: str) -> Label | None:
    """The label that opens `line`, by its shape only: an optional `>>` or `**`, a name, a colon."""
    text = line.lstrip(_SPACES)
    if text.startswith(">>"):
        text = text[2:].lstrip(_SPACES)
    if text.startswith("**"):
        text = text[2:].lstrip(_SPACES)
    colon = text.find(":", 0, MAX_NAME + 8)
    if colon <= 0:
        return None
    name = text[:colon].rstrip(_SPACES)
    if name.endswith("**"):
        name = name[:-2].rstrip(_SPACES)
    if len(name) > MAX_NAME or len(name.split()) > MAX_WORDS or not _NAME.fullmatch(name):
        return None
    rest = text[colon + 1 :]
    if rest.startswith("**"):
        rest = rest[2:]
    return Label(" ".join(name.split()), rest.strip())


def capitals(name: str) -> bool:
    """`GÖRAN MARBY`: at least two letters, none lower case."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def personal(name: str) -> bool:
    """A name as people write one: `Marie-Claire Dupont`, `Ana de la Cruz`, `Dr. A. Smith`, `stokes`.

    Not a prose start or a heading (`Note`, `So here's the thing`, `Action item`): no word from a
    list of prose words, and capitalised throughout when capitalised at all (particles aside).
    """
    words = name.replace("’", "'").split()
    if not words or len(words) > 6:
        return False
    for i, word in enumerate(words):
        bare = word.rstrip(",")
        if bare.endswith(".") and not (_INITIALS.fullmatch(bare) or bare[:-1].lower() in _ABBREVIATIONS):
            return False
        if bare.lower() in NOT_NAMES and (i == 0 or bare.islower()):
            return False
    if len(words) > 1 and any(w[0].isupper() for w in words):
        return all(not (w[0].islower() and w.islower()) or w in PARTICLES for w in words)
    return True


def speaker_like(name: str) -> bool:
    """Capitals, or a capitalised personal name: what a label in plain text may be."""
    return capitals(name) or (personal(name) and name[0].isupper())


def prose_like(text: str) -> bool:
    """Text that reads as words: mostly letters and spaces, as every transcript is and junk is not."""
    sample = text[:100_000]
    if not sample:
        return False
    plain = sum(1 for ch in sample if ch.isalpha() or ch.isspace())
    return plain >= 0.8 * len(sample)


def believed(counts: Counter[str]) -> frozenset[str]:
    """The labels of a file that name speakers, from all its label candidates and how often each comes.

    Capitals are believed as before. A mixed-case label must come back at least twice, or be a full
    name (two words or more) in a file where other labels do come back. When most labels are
    one-offs across many label lines, none are believed: that is a list or junk, not a meeting.
    """
    repeats = any(n >= 2 for n in counts.values())
    kept = {
        name: n
        for name, n in counts.items()
        if capitals(name) or n >= 2 or (repeats and len(name.split()) >= 2 and personal(name))
    }
    total = sum(kept.values())
    repeated = sum(n for n in kept.values() if n >= 2)
    if total >= 6 and repeated * 2 < total:
        return frozenset()
    return frozenset(kept)


def candidates(lines: Iterable[str]) -> Counter[str]:
    """How often each speaker-like label opens a line."""
    counts: Counter[str] = Counter()
    for line in lines:
        found = split(line)
        if found and speaker_like(found.name):
            counts[found.name] += 1
    return counts
