"""Finding turns in PostgreSQL: candidates from SQL, then the in-memory store's own ranking.

The database narrows a scope's turns to the few worth scoring — every word held (`tsvector`
AND of each word's stand-ins), the phrase in order (`<->`), or the best index score of any word
— ordering them by the same index score the in-memory store uses (word IDFs from the scope's
counts, pairs of frequent words in the query's order, shorter turns first); `Matcher` then
scores those few in Python exactly as in memory. Pair counts are not kept: a pair's weight uses
an estimate (the two words' counts as if independent), which only orders candidates. For the
closest turns, pairs are added in Python to the rows the words brought, unless they outweigh the
words (a quote of common words), when the database ranks and finds rows by them as memory does.
The closest turns (whatever is missing or misspelt) are found in `parser.index.postgres.closest`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from parser.index.builder import pair_threshold
from parser.index.candidates import LENGTH, MAX_OPTIONS, PAIR_QUALITY, PAIR_WEIGHT
from parser.index.postgres.filters import Where
from parser.index.postgres.words import ScopeWords, any_of, lexeme, phrase, scope_words
from parser.index.rank import Term, analyse, matcher
from parser.index.search import RERANK
from parser.models import Turn
from parser.text import fold, token_span

ZERO = "float8 '0'"
TURN = "t.id, t.meeting_id, t.position, t.turn_index, t.speaker, t.text, t.page, t.start_s, t.end_s, t.folded"
# The candidate rows with their words' tsvector read once: a long turn's is stored apart (TOAST),
# and each `@@` of the score would fetch and decompress it again (OFFSET 0 keeps the copy).
_ONCE = f"SELECT {TURN}, t.bytes, t.tsv || ''::tsvector AS tsv FROM search_turns t"


@dataclass(frozen=True)
class Found:
    """A turn that answers a query: where it is, its words, its 0–100 score and the matched span."""

    id: int  # the turn's row id: record order within the scope
    position: int  # its place in its meeting (what `!context` counts from)
    turn: Turn
    score: float
    span: tuple[int, int] | None = None
    exact: bool = False
    tokens: tuple[int, int] | None = None  # the folded words first…last that matched (`Hit.tokens`)


def found(row: tuple[Any, ...], score: float, tokens: tuple[int, int] | None, exact: bool = False) -> Found:
    turn = Turn(meeting_id=row[1], index=row[3], speaker=row[4], text=row[5], page=row[6], start=row[7], end=row[8])
    span = token_span(turn.text, *tokens) if tokens is not None else None
    return Found(row[0], row[2], turn, score, span, exact, tokens)


def _length_factor(words: ScopeWords) -> str:
    return f"(1 + float8 '{LENGTH}' * ln(1 + t.bytes / float8 '{words.size.average_bytes!r}'))"


def _pairs(words: ScopeWords, terms: list[Term]) -> list[tuple[str, str, float]]:
    """Adjacent query words (a typo read as its likeliest words) that are both frequent, with a weight."""
    n = len(words)
    frequent = pair_threshold(n)

    def stand_ins(term: Term) -> list[tuple[int, float]]:
        exact = term.exact_id
        typos = [(o, q) for o, q in term.options.items() if q >= PAIR_QUALITY and words.df(o) >= frequent]
        if exact is not None:
            typos = [(o, q) for o, q in typos if o in term.typos]
        likeliest = sorted(typos, key=lambda item: (-item[1], -words.df(item[0])))
        return ([(exact, 1.0), *likeliest] if exact is not None else likeliest)[:MAX_OPTIONS]

    out = []
    for firsts, seconds in itertools.pairwise([stand_ins(t) for t in terms]):
        for a, qa in firsts:
            for b, qb in seconds:
                if words.df(a) >= frequent and words.df(b) >= frequent:
                    estimate = max(1.0, words.df(a) * words.df(b) / max(1, n))
                    out.append((words.name(a), words.name(b), PAIR_WEIGHT * min(qa, qb) * math.log1p(n / estimate)))
    return out


def _held(tsquery: str, weight: float) -> str:
    return f"(CASE WHEN t.tsv @@ {_literal(tsquery)}::tsquery THEN float8 '{weight!r}' ELSE float8 '0' END)"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rerank(
    words: ScopeWords, terms: list[Term], query: str, rows: list[tuple[Any, ...]], prior: dict[int, float]
) -> list[tuple[float, int, Any]]:
    """(score, row id, (row, tokens)) of each row scored in full, best first (index score, then record order).
    Scored by the query's shared `matcher`, which keeps each turn's matches: the same turns scored
    again (a widened search, the verdict's evidence) are not matched again."""
    scorer = matcher(words, terms, query)
    out = []
    for row in rows:
        s = scorer.score(row[9], row[0])
        out.append((s.score, row[0], (row, (s.first, s.last))))
    out.sort(key=lambda item: (-item[0], -prior.get(item[1], 0.0), item[1]))
    return out


@dataclass(frozen=True)
class Phrased:
    """Turns holding a phrase: the first `shown` in full, how many there are, and how many are each label's."""

    hits: list[Found]
    total: int
    labels: Counter[str]
    rows: list[tuple[int, str, int]] = field(default_factory=list)  # (id, label, occurrences) of every turn, in order


def find_phrase(conn: Any, scope: list[int], text: str, where: Where | None = None, shown: int | None = None) -> Phrased:
    """Turns in which `text` appears as written, after folding; most occurrences first, then record order.

    The database counts the occurrences (a common phrase is in thousands of turns: only their ids
    and speakers come back), and sends the text of the first `shown` (all, if None).
    """
    folded = fold(text)
    words = folded.split()
    if not words:
        return Phrased([], 0, Counter())
    clause, params = (where or Where()).sql(scope)
    # Folded text is words and single spaces: an occurrence starts the text or follows a space, and
    # ends the text or comes before one (a lookahead, so that "x y x y" holds "x y" twice).
    pattern = "(^| )" + re.sub(r"([^\w ])", r"\\\1", folded) + "(?= |$)"
    counted = conn.execute(
        "SELECT id, speaker, n FROM (SELECT t.id, t.speaker, regexp_count(t.folded, %s) AS n FROM search_turns t"
        f" WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery {clause}) c WHERE n > 0",
        [pattern, scope, phrase(words), *params],
    ).fetchall()
    counted.sort(key=lambda row: (-row[2], row[0]))
    head = [row[0] for row in (counted if shown is None else counted[:shown])]
    rows = conn.execute(
        f"SELECT {TURN} FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.id = ANY(%s::bigint[])", [scope, head]
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    exact = re.compile(rf"(?<!\S){re.escape(folded)}(?!\S)")
    hits = []
    for turn_id in head:
        row = by_id[turn_id]
        first = exact.search(row[9])
        k = row[9].count(" ", 0, first.start()) if first else 0
        hits.append(found(row, 100.0, (k, k + len(words) - 1), True))
    return Phrased(hits, len(counted), Counter(row[1] for row in counted), counted)


def find_words(
    conn: Any, scope: list[int], query: str, where: Where | None = None, rank: int = RERANK
) -> tuple[list[Found], int]:
    """Turns holding every word of `query` (a stem, a typo or a missing accent allowed): the best
    `rank` by the index's score, scored in full, best first; and how many turns hold them all."""
    folded = fold(query)
    words = scope_words(conn, scope, folded.split())
    terms = analyse(words, folded.split())
    if not terms or any(not t.options for t in terms):
        return [], 0
    every = " & ".join(any_of([words.name(o) for o in t.options]) for t in terms)
    prior = [_held(phrase([a, b]), w) for a, b, w in _pairs(words, terms)]
    prior += [_held(lexeme(t.text), t.weight) for t in terms if len(t.options) > 1 and t.exact_id is not None]
    clause, params = (where or Where()).sql(scope)
    rows = conn.execute(
        f"SELECT {TURN}, ({' + '.join(prior) or ZERO}) / {_length_factor(words)} AS prior, count(*) OVER () AS total"
        f" FROM ({_ONCE} WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery {clause} OFFSET 0) t"
        " ORDER BY prior DESC, t.id LIMIT %s",
        [scope, every, *params, rank],
    ).fetchall()
    if not rows:
        return [], 0
    scored = _rerank(words, terms, folded, rows, {})  # equal scores: record order, as people read
    return [found(row, score, tokens, score >= 100.0) for score, _, (row, tokens) in scored], int(rows[0][11])
