"""What people type around a quote when they ask who said it: `who said …`, `qui a dit …`, `quién dijo …`."""

from __future__ import annotations

import re

_LEAD_INS = [
    # English
    r"who\s+(?:was\s+it\s+(?:that|who)\s+|is\s+the\s+one\s+who\s+)?(?:said|says|was\s+saying|mentioned|told\s+us|wrote)",
    r"who\s+(?:did|do|does)\s+say",
    r"who's\s+the\s+one\s+who\s+said",
    # French
    r"qui\s+(?:est-ce\s+qui\s+)?(?:a\s+dit|disait|dit|a\s+déclaré|a\s+parlé\s+de)",
    r"qui\s+(?:c'est\s+qui|c’est\s+qui)\s+a\s+dit",
    r"c'est\s+qui\s+qui\s+a\s+dit|c’est\s+qui\s+qui\s+a\s+dit",
    # Spanish
    r"¿?\s*qui[eé]n\s+(?:fue\s+(?:el|la)\s+que\s+)?(?:dijo|ha\s+dicho|hab[ií]a\s+dicho|dec[ií]a|coment[oó])",
]
_THAT = r"(?:that|que|qu'|qu’)"
_QUESTION = re.compile(rf"^\s*(?:{'|'.join(_LEAD_INS)})(?:\s*[,:])?(?:\s+{_THAT}(?=\s)|\s+qu['’](?=\w))?\s*", re.IGNORECASE)
_END = re.compile(r"\s*[?？]+\s*$")


def strip_question(text: str) -> str:
    """The quote inside a question: `who said we should delay it?` → `we should delay it`.

    Only a lead-in at the start is taken off, and only when words remain after it
    (`who said` alone is searched as typed).
    """
    rest = _QUESTION.sub("", text, count=1)
    if rest == text or not rest.strip():
        return text.strip()
    return _END.sub("", rest).strip().strip('"“”«»').strip()
