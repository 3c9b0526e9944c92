"""Transcription markup out, words in: what annotates a transcript is not what anybody said.

QMSum's `{disfmarker}`-style markers, Markdown escapes (`\\[laughs\\]`) and the times that
services write into bracketed notes (`[inaudible 00:01:21]`) are taken out of a turn's words; a
note keeps its meaning (`[inaudible]`). Inline times (`[12:34]`) are read as times, not words.
"""

from __future__ import annotations

import re

# QMSum's markers: {disfmarker} {vocalsound} {pause} {gap} {comment} {nonvocalsound}; and alike.
_MARKER = re.compile(r"\{(?:disfmarker|vocalsound|nonvocalsound|pause|gap|comment|laugh|cough|noise)\}", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_STAMP = r"\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?"
# A note with a time in it: `[inaudible 00:01:21]`, `[crosstalk 1:02]` → `[inaudible]`, `[crosstalk]`.
_TIMED_NOTE = re.compile(rf"\[([^\[\]\d\n]{{1,40}}?)\s*(?:at\s+)?{_STAMP}\]")
# A time on its own in brackets or parentheses: `[24:27]`, `(1:02:03)`.
INLINE_TIME = re.compile(rf"[\[(]({_STAMP})[\])]")
_SPACES = re.compile(r"[ \t]{2,}")
_WORD = re.compile(r"[^\W_]")


def seconds(stamp: str) -> float | None:
    """`24:27` → 1467.0, `1:02:03` → 3723.0; None when a part is out of range."""
    whole, _, fraction = stamp.replace(",", ".").partition(".")
    parts = [int(p) for p in whole.split(":")]
    if any(p >= 60 for p in parts[1:]):
        return None
    total = 0
    for part in parts:
        total = total * 60 + part
    return total + (float(f"0.{fraction}") if fraction else 0.0)


def unescape(text: str) -> str:
    """Markdown's backslash escapes undone: `\\[laughs\\]` → `[laughs]`."""
    return _ESCAPE.sub(r"\1", text) if "\\" in text else text


def clean(text: str) -> str:
    """A turn's words without transcription markers, escapes or the times inside notes."""
    if "{" in text:
        text = _MARKER.sub(" ", text)
    text = unescape(text)
    if "[" in text:
        text = _TIMED_NOTE.sub(lambda m: f"[{m[1].strip()}]", text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = "\n".join(line.strip() for line in text.split("\n"))
    return text.strip()


def leading_time(text: str) -> tuple[float | None, str]:
    """A time that opens `text` (`[24:27] words`) as seconds, and the words after it."""
    stripped = text.lstrip()
    m = INLINE_TIME.match(stripped)
    if not m:
        return None, text
    return seconds(m[1]), stripped[m.end() :].lstrip()


def has_words(text: str) -> bool:
    """Whether anything is said: `{vocalsound} .` once cleaned is a lone full stop."""
    return _WORD.search(text) is not None
