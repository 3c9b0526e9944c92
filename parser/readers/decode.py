"""Bytes to text without mangling accents: BOMs, UTF-16, UTF-8, then Windows-1252 (or 1250 on strong evidence)."""

from __future__ import annotations

import re
from pathlib import Path

from parser.models import RecordError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no BOM shows NULs in every other byte of its ASCII letters."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    for encoding, ratio in (("utf-16-le", odd_nuls), ("utf-16-be", even_nuls)):
        if ratio > 0.3:
            try:
                return _utf16(data, encoding)
            except UnicodeDecodeError:
                return None
    return None


def _utf16(data: bytes, encoding: str) -> str:
    """UTF-16 text, a lone surrogate kept for the door to mend and note (`door.admit`), a cut last byte dropped."""
    return data[: len(data) - len(data) % 2].decode(encoding, errors="surrogatepass")


def _utf8(data: bytes) -> str | None:
    """UTF-8, also when the file was cut inside a character or carries a few stray bytes.

    A handful of bad bytes in otherwise valid UTF-8 become U+FFFD, visibly; reading the whole
    file as a legacy code page instead would turn every accent into mojibake.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - 3:
            return data[: err.start].decode("utf-8", errors="replace")
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return text if good >= 10 * bad else None


# Characters that Western text almost never has inside a word, but that Central European text saved
# as Windows-1250 shows when read as Windows-1252: `siê` (się), `¿e` (że), `³` (ł), `¹` (ą), `œ` only beside them.
_CENTRAL_AS_WESTERN = frozenset("¹³¿¥¼¾Ÿ¬ª")
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")


def _legacy(data: bytes) -> str:
    """A single-byte code page: Windows-1252, unless the text is plainly Central European (Windows-1250).

    Statistical detection mistakes short French for Central European (`Réunion ŕ Genčve … śuvre`):
    the bytes of é è à œ are letters in both. Only characters that Western text does not put inside
    words, or bytes Windows-1252 leaves undefined, count as evidence for Windows-1250.
    """
    if _CP1252_UNDEFINED.isdisjoint(data):
        western = data.decode("cp1252")
        words = western.split()
        odd = sum(1 for word in words if any(ch in _CENTRAL_AS_WESTERN for ch in word) and sum(ch.isalpha() for ch in word) >= 2)
        if odd < max(3, len(words) // 50):
            return western
    try:
        return data.decode("cp1250")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def decode(data: bytes, path: Path | str = "<bytes>") -> str:
    """The text of a record file, line ends made `\\n`; a `RecordError` for what is not text."""
    text: str | None = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = _utf16(data[len(bom) :], encoding) if encoding.startswith("utf-16") else data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as err:
                raise RecordError(path, f"not valid {encoding.upper()} text", f"byte {err.start}") from None
            break
    if text is None:
        # ASCII-range UTF-16 is valid UTF-8 too (full of NULs): look for UTF-16 first.
        text = (_utf16_without_bom(data) if b"\x00" in data[:4096] else None) or _utf8(data)
    if text is None:
        if b"\x00" in data[:8192]:
            raise RecordError(path, "binary data, not a text record")
        text = _legacy(data)
    if "\x00" in text[:8192]:
        raise RecordError(path, "binary data, not a text record")
    return text.replace("\r\n", "\n").replace("\r", "\n")


_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> tuple[str, int]:
    """`text` with every lone surrogate (JSON's `"\\ud800"`) made U+FFFD, and how many there were.

    A Python string may hold them, but no UTF-8 output can: left in, one of them breaks every
    JSON dump, log line or embed that shows its record.
    """
    if text.isascii():
        return text, 0
    return _SURROGATE.subn("\ufffd", text)
