"""A small guess at a record's language from its most common words; nothing invented."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from parser.text import tokens

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
