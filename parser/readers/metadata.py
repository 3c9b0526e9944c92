"""Meeting metadata every reader shares: what the record says first, then `naming` (sidecar, folder, file name).

Dates are read in the languages ICANN publishes in; the language is a small guess from the most
common words; nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from parser.models import Meeting, Turn
from parser.readers.naming import folder_title_and_date, meeting_id, name_title_and_date, read_sidecar
from parser.text import fold, tokens

_MONTHS = {
    # English, French, Spanish, Portuguese, German (folded: no accents)
    **dict.fromkeys(["january", "janvier", "enero", "janeiro", "januar", "jan"], 1),
    **dict.fromkeys(["february", "fevrier", "febrero", "fevereiro", "februar", "feb"], 2),
    **dict.fromkeys(["march", "mars", "marzo", "marco", "marz", "mar"], 3),
    **dict.fromkeys(["april", "avril", "abril", "apr"], 4),
    **dict.fromkeys(["may", "mai", "mayo", "maio"], 5),
    **dict.fromkeys(["june", "juin", "junio", "junho", "juni", "jun"], 6),
    **dict.fromkeys(["july", "juillet", "julio", "julho", "juli", "jul"], 7),
    **dict.fromkeys(["august", "aout", "agosto", "aug"], 8),
    **dict.fromkeys(["september", "septembre", "septiembre", "setiembre", "setembro", "sep", "sept"], 9),
    **dict.fromkeys(["october", "octobre", "octubre", "outubro", "oktober", "oct"], 10),
    **dict.fromkeys(["november", "novembre", "noviembre", "novembro", "nov"], 11),
    **dict.fromkeys(["december", "decembre", "diciembre", "dezembro", "dezember", "dec"], 12),
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:er|st|nd|rd|th)? (?:de )?({_MONTH}) (?:de )?(\d{{4}})\b")
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH}) (\d{{1,2}})(?:st|nd|rd|th)? (\d{{4}})\b")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def find_date(line: str) -> dt.date | None:
    """The calendar date written in `line` (`Lundi 22 mars 2021`, `March 22, 2021`, ISO), if any."""
    iso = _ISO.search(line)
    candidates: list[tuple[int, int, int]] = []
    if iso:
        candidates.append((int(iso[1]), int(iso[2]), int(iso[3])))
    folded = fold(line)
    if m := _DAY_MONTH_YEAR.search(folded):
        candidates.append((int(m[3]), _MONTHS[m[2]], int(m[1])))
    if m := _MONTH_DAY_YEAR.search(folded):
        candidates.append((int(m[3]), _MONTHS[m[1]], int(m[2])))
    for year, month, day in candidates:
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return None


_COMMON = {
    "en": "the and to of that is in it we you this for be have are on not with as",
    "fr": "le la les de des et est que nous vous pour dans une pas sur qui avec au du",
    "es": "el la los las de que y en es por para una con no se del lo como muy",
    "pt": "o a os as de que e em um uma para com nao se do da no na voce",
    "de": "der die das und ist nicht ich wir sie es zu den mit auf ein eine",
}
_LANGUAGES_OF: dict[str, list[str]] = {}
for _lang, _words in _COMMON.items():
    for _word in _words.split():
        _LANGUAGES_OF.setdefault(_word, []).append(_lang)


def guess_language(texts: Iterable[str], sample_chars: int = 20_000) -> str | None:
    """ISO 639-1 code of the language most of `texts` is in, or None when unclear; only their first `sample_chars` are read."""
    sample: list[str] = []
    seen = 0
    for text in texts:
        sample.append(text[: sample_chars - seen])
        seen += len(sample[-1])
        if seen >= sample_chars:
            break
    words = Counter(tokens(" ".join(sample)))  # counted in C; then only the common words are looked up
    counts: Counter[str] = Counter()
    for word, languages in _LANGUAGES_OF.items():
        if n := words.get(word, 0):
            for lang in languages:
                counts[lang] += n
    if not counts:
        return None
    ranked = [*counts.most_common(2), ("", 0)]
    (best, n), (_, runner_up) = ranked[0], ranked[1]
    return best if n >= 5 and n > 1.3 * runner_up else None


def make_meeting(
    path: Path,
    fmt: str,
    turns: list[Turn],
    title: str | None = None,
    date: dt.date | None = None,
    language: str | None = None,
    url: str | None = None,
    chat: bool = False,
) -> Meeting:
    """The meeting of a record: what the record says, else its sidecar, its folder, its file name; never invented."""
    side = read_sidecar(path)
    folder_title, folder_date = folder_title_and_date(path)
    name_title, name_date = name_title_and_date(path)
    return Meeting(
        id=meeting_id(path),
        title=title or side.title or folder_title or name_title,
        date=date or side.date or folder_date or name_date,
        language=language or side.language or guess_language(t.text for t in turns),
        source=str(path),
        url=url or side.url,
        format=fmt,
        chat=chat,
    )


def title_and_date(header: list[str]) -> tuple[str | None, dt.date | None]:
    """A record's title and date from the lines before its first turn: the first line holding no date
    is the title (Markdown `#` and `*` stripped); the first that holds one gives the date."""
    title = ""
    date = None
    for line in header:
        clean = line.strip().strip("#* ").strip()
        if not clean:
            continue
        found = find_date(clean)
        if found and date is None:
            date = found
            if title:
                continue
        if not title and not found:
            title = clean
    return title or None, date
