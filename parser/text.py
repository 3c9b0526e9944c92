"""Folding text for matching: case, accents, apostrophes and punctuation stop mattering.

The original text is what users see; the folded text is only ever compared. `fold` is the
fast path used when indexing; `fold_with_offsets` also says where each folded character came
from, so that a match found in folded text can be shown in the original.
"""

from __future__ import annotations

import codecs
import itertools
import re
import unicodedata

# Letters that Unicode decomposition does not split into a base letter and an accent.
_SPECIAL = {
    "ł": "l",
    "Ł": "l",
    "ø": "o",
    "Ø": "o",
    "ß": "ss",
    "ẞ": "ss",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "đ": "d",
    "Đ": "d",
    "ð": "d",
    "Ð": "d",
    "þ": "th",
    "Þ": "th",
    "ı": "i",
    "ħ": "h",
    "Ħ": "h",
    "ŀ": "l",
    "Ŀ": "l",
    "ŧ": "t",
    "Ŧ": "t",
}


def _fold_char(ch: str) -> str:
    """Fold one character: a lower-case ASCII-ish letter or digit, or a space."""
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if ch.isascii():
        return ch.lower() if ch.isalnum() else " "
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(part):
            continue
        if part in _SPECIAL:
            out.append(_SPECIAL[part])
        elif part.isalnum():
            out.append(part.lower())
        else:
            out.append(" ")
    return "".join(out) or ""


class _FoldTable(dict[int, str]):
    """A `str.translate` table that learns each character the first time it sees it."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        self[key] = value
        return value


_TABLE = _FoldTable()
SEPARATOR = "\x02"  # `fold_chars(..., separator=True)` keeps it: a word of its own between texts folded together
_EXPANDS = 1  # a Latin-1 character that folds to more than one character (ß, ¼) or to a non-Latin one (µ)


def _byte_table(separator: bool) -> bytes:
    """Each Latin-1 character's fold as one byte: every one folds to one ASCII character but a few."""
    table = bytearray(256)
    for code in range(256):
        folded = chr(code).translate(_TABLE)
        table[code] = ord(folded) if len(folded) == 1 and folded.isascii() else _EXPANDS
    if separator:
        table[ord(SEPARATOR)] = ord(SEPARATOR)
    return bytes(table)


_BYTES = {False: _byte_table(False), True: _byte_table(True)}
# each ASCII character's fold: a lower-case letter, a digit or a space (`postgres._rows` folds with it)
ASCII_FOLD = _BYTES[False]
_SEPARATED = _FoldTable({ord(SEPARATOR): SEPARATOR})
_LONGER = {chr(code): chr(code).translate(_TABLE) for code in range(256) if _BYTES[False][code] == _EXPANDS}
_HANDLER = "verbatim.fold"
_RUNS: dict[str, str] = {}


def _fold_beyond_latin1(error: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: a run of characters beyond Latin-1 (’, œ, combining accents) folded.

    Only a fold that is plain ASCII may stand in the bytes; another script's letters stop the
    encoding, and `fold_chars` takes the general path.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start : error.end]
    folded = _RUNS.get(run)
    if folded is None:
        folded = run.translate(_TABLE)
        if len(_RUNS) < 4096:
            _RUNS[run] = folded
    if not folded.isascii():
        raise error
    return folded, error.end


codecs.register_error(_HANDLER, _fold_beyond_latin1)


def fold_latin(text: str, separator: bool = False) -> str | None:
    """`fold_chars(text)` for text whose every character folds to ASCII (Latin scripts), else None.

    `str.translate` looks each character up in a dict once it has met one beyond ASCII; here
    Latin-1 text (French, Spanish) folds as bytes through a 256-byte table, and characters beyond
    Latin-1 (’, œ, combining accents) through the encoder's error handler, a Python call per run
    of them. Another script's letters stop it at the first one.
    """
    table = _BYTES[separator]
    if text.isascii():
        return text.encode("ascii").translate(table).decode("ascii")
    try:
        data = text.encode("latin-1", _HANDLER).translate(table)
        if _EXPANDS in data:
            for char, folded in _LONGER.items():
                text = text.replace(char, folded)
            data = text.encode("latin-1", _HANDLER).translate(table)
    except UnicodeError:
        return None
    return data.decode("ascii")


def fold_chars(text: str, separator: bool = False) -> str:
    """`text` folded character by character, spaces kept as they are (`SEPARATOR` too, if asked):
    `text.translate(_TABLE)`, by the fast path where it can (`fold_latin`)."""
    folded = fold_latin(text, separator)
    return folded if folded is not None else text.translate(_SEPARATED if separator else _TABLE)


def fold(text: str) -> str:
    """The matching form of `text`: lower case, no accents, words separated by one space.

    Apostrophes split words (`l'ICANN` → `l icann`), so an elided article never hides the word.
    """
    return " ".join(fold_chars(text).split())


def tokens(text: str) -> list[str]:
    """The folded words of `text`."""
    return fold_chars(text).split()


def utf8_tokens(data: bytes) -> list[str]:
    """`tokens` of UTF-8 bytes: ASCII bytes (nearly every turn) are folded as they are, not decoded first."""
    if data.isascii():
        return data.translate(_BYTES[False]).decode("ascii").split()
    return tokens(str(data, "utf-8"))


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """Fold `text` and give, for each folded character, the index of its source character."""
    chars: list[str] = []
    where: list[int] = []
    pending_space = False
    for i, ch in enumerate(text):
        for out in ch.translate(_TABLE):
            if out == " ":
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                where.append(i)
                pending_space = False
            chars.append(out)
            where.append(i)
    return "".join(chars), where


def original_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Map a span `[start, end)` of `fold(text)` back to a span of `text`."""
    folded, where = fold_with_offsets(text)
    if not folded or start >= end:
        return (0, 0)
    start = max(0, min(start, len(folded) - 1))
    end = max(start + 1, min(end, len(folded)))
    while start < end - 1 and folded[start] == " ":
        start += 1
    while end - 1 > start and folded[end - 1] == " ":
        end -= 1
    return where[start], where[end - 1] + 1


_PLURAL = ("s", "x")
_ENDINGS = ("ing", "ed", "ee", "e")
_MIN_STEM = 4


def stem(word: str) -> str:
    """A light stem of a folded word (`associes` → `associ`, `needs` → `need`), so inflections match.

    Deliberately timid (plural, then one ending, never below four letters): a stem joins words that
    `!quote` then accepts for each other, and a wrong join is worse than a missed one.
    """
    if len(word) <= _MIN_STEM or not word.isalpha():
        return word
    if word.endswith(_PLURAL) and not word.endswith("ss") and len(word) - 1 >= _MIN_STEM:
        word = word[:-1]
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)]
    return word


_WORDISH = re.compile(r"[^\W_]+")  # letters and digits of any script: `fold`'s words, nearly always


def _ascii_span(text: str, first: int, last: int) -> tuple[int, int]:
    """`token_span` of ASCII text, which folds byte for byte (its words stay where they were):
    `bytes.split` with a count skips to a word in C, where a regular expression's matches,
    taken one by one, cost half a microsecond a word of a long turn."""
    if last < 0:
        return (0, 0)
    folded = text.encode("ascii").translate(_BYTES[False])  # [a-z0-9] or a space, one byte a character
    if 0 <= first <= last:
        rest = _from_word(folded, first)
        if rest is None:
            return (0, 0)
        start = len(folded) - len(rest)
        rest = _from_word(rest, last - first)
    else:  # no sense in it, but as before: from the start to word `last`
        start = 0
        rest = _from_word(folded, last)
    if rest is None:
        return (0, 0)
    space = folded.find(b" ", len(folded) - len(rest))
    end = len(folded) if space < 0 else space
    return (start, end) if end > start else (0, 0)


def _from_word(folded: bytes, k: int) -> bytes | None:
    """The folded bytes from word `k` on (to the end), or None if there are not that many words."""
    parts = folded.split(None, k)
    return parts[-1] if len(parts) > k else None


def token_span(text: str, first: int, last: int) -> tuple[int, int]:
    """The span of `text` that folded words `first`…`last` (0-based, inclusive) came from.

    ASCII text is folded byte for byte (`_ascii_span`); otherwise a regular expression finds the
    words in C, and for the rare text where it would cut words differently from `fold`
    (decomposed accents, `½`), the character-by-character map decides.
    """
    if text.isascii():
        return _ascii_span(text, first, last)
    if len(_WORDISH.findall(text)) == len(tokens(text)):
        if last < 0:
            return (0, 0)
        found = _WORDISH.finditer(text)  # the words before `first`, and between, are skipped in C
        start = 0
        if 0 <= first <= last:
            opening = next(itertools.islice(found, first, None), None)
            if opening is None:
                return (0, 0)
            start = opening.start()
            closing = opening if last == first else next(itertools.islice(found, last - first - 1, None), None)
        else:  # no sense in it, but as before: from the start to word `last`
            closing = next(itertools.islice(found, last, None), None)
        end = closing.end() if closing is not None else 0
        return (start, end) if end > start else (0, 0)
    folded, _ = fold_with_offsets(text)
    starts = [0, *(i + 1 for i, ch in enumerate(folded) if ch == " ")]
    if first >= len(starts):
        return (0, 0)
    last = min(last, len(starts) - 1)
    stop = starts[last + 1] - 1 if last + 1 < len(starts) else len(folded)
    return original_span(text, starts[first], stop)
