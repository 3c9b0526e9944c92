"""Reading the date a record states in its header, in the languages ICANN publishes in."""

from __future__ import annotations

import datetime as dt
import re

from parser.text import fold

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
