"""Every turn a search finds in PostgreSQL, as a sequence the commands page through as in memory.

`find_words` orders the turns as `parser.index.search.find_words` does: those holding the words
themselves (or their stems' family) before those holding only a typo or a lookalike, then by the
index's score (`parser.index.postgres.search`: pairs of frequent words in the query's order,
exact words, shorter turns), then record order; the first `rank` are scored in full. The rest
are fetched a block at a time, when read, by the same ORDER BY with an OFFSET: page 1,000 of a
common word costs one query, not every row. `phrase_hits` gives a phrase's turns in the order
memory gives them, their ids all known (a second phrase is searched among them) and their text
fetched only for the first few.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from parser.index.builder import pair_threshold
from parser.index.columns import LazySequence
from parser.index.postgres.filters import Where
from parser.index.postgres.search import TURN, ZERO, _held, _length_factor, _pairs
from parser.index.postgres.words import ScopeWords, any_of, lexeme, phrase
from parser.index.rank import STEM_QUALITY, analyse, matcher
from parser.index.search import COUNT_BUDGET, Hit
from parser.text import fold, token_span

BLOCK = 100  # rows fetched at once beyond the scored head (a page of hits shows five)
Row = tuple[Any, ...]  # `TURN`'s columns, then the query's own
Fetch = Callable[[str, list[Any]], list[Row]]  # runs a query on a pooled connection


class WordHits(LazySequence[Hit]):
    """Every turn holding the query's words, best first: the head scored in full, the rest fetched
    when read, with the score memory gives them (the index's, scaled under the head's lowest)."""

    def __init__(
        self,
        head: list[Hit],
        total: int,
        exact: int,
        tail: Callable[[int, int], list[Row]],
        floor: float,
        top: float,
        every: Callable[[], list[int]] = list,
    ) -> None:
        self.head = head
        self._every = every
        self.exact = exact  # the first `exact` hits hold the words themselves, the others a typo or a lookalike
        self._total = total
        self._tail = tail
        self._floor, self._top = floor, top
        self._blocks: dict[int, list[Row]] = {}

    def __len__(self) -> int:
        return self._total

    def _item(self, i: int) -> Hit:
        if i < len(self.head):
            return self.head[i]
        k = i - len(self.head)
        block = self._blocks.get(k // BLOCK)
        if block is None:
            block = self._blocks[k // BLOCK] = self._tail(len(self.head) + k // BLOCK * BLOCK, BLOCK)
        row = block[k % BLOCK]
        score = np.float32(min(self._floor, 100.0 * float(row[10]) / self._top))  # as memory: float32, then rounded
        return Hit(int(row[0]), round(float(score), 1))

    @property
    def ids(self) -> list[int]:
        """Every hit's turn id, in no order (one query, not a page at a time)."""
        return [h.turn_id for h in self.head] if self._total <= len(self.head) else self._every()


def find_words(fetch: Fetch, scope: list[int], words: ScopeWords, folded: str, where: Where | None, rank: int) -> WordHits:
    """Turns holding every word of the folded query (a stem, a typo or a missing accent allowed), best first."""
    terms = analyse(words, folded.split())
    if not terms or any(not t.options for t in terms):
        return WordHits([], 0, 0, lambda offset, count: [], 0.0, 1.0)
    every = " & ".join(any_of([words.name(o) for o in t.options]) for t in terms)
    prior = [_held(phrase([a, b]), w) for a, b, w in _pairs(words, terms)]
    prior += [_held(lexeme(t.text), t.weight) for t in terms if len(t.options) > 1 and t.exact_id is not None]
    own = [[words.name(o) for o, q in t.options.items() if q >= STEM_QUALITY] for t in terms]
    narrowed = [names for names, t in zip(own, terms, strict=True) if len(names) < len(t.options)]
    # whether a turn holds the words themselves: each word's own forms, where it has typos too
    itself = "true" if not narrowed else _matches(" & ".join(map(any_of, narrowed))) if all(narrowed) else "false"
    clause, params = (where or Where()).sql(scope)
    # ranked on narrow rows (id and score: a common word's every turn is sorted), then the
    # turns kept are joined; a turn's words are read once (`search._ONCE`), and only if scored on them
    held = ", t.tsv || ''::tsvector AS tsv" if prior or itself not in ("true", "false") else ""
    ranked = (
        f"SELECT t.id, ({' + '.join(prior) or ZERO}) / {_length_factor(words)} AS prior, {itself} AS itself"
        f" FROM (SELECT t.id, t.bytes{held} FROM search_turns t"
        f" WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery {clause} OFFSET 0) t"
    )
    order = "ORDER BY s.itself DESC, s.prior DESC, s.id"
    joined = f" s JOIN search_turns t ON t.guild_id = ANY(%s::bigint[]) AND t.id = s.id {order}"
    args = [scope, every, *params]
    rows = fetch(
        f"SELECT {TURN}, s.prior, s.itself, s.total, s.exact, s.top FROM (SELECT s.*, count(*) OVER () AS total,"
        f" count(*) FILTER (WHERE s.itself) OVER () AS exact, max(s.prior) OVER () AS top FROM ({ranked}) s {order} LIMIT %s)"
        + joined,
        [*args, rank, scope],
    )
    if not rows:
        return WordHits([], 0, 0, lambda offset, count: [], 0.0, 1.0)
    total, exact, top = int(rows[0][12]), int(rows[0][13]), max(float(rows[0][14]), 1e-9)
    scorer = matcher(words, terms, folded)
    head = []
    for row in rows:
        s = scorer.score(row[9], row[0])
        tokens = (s.first, s.last)
        head.append((not row[11], -s.score, row[0], Hit(row[0], s.score, token_span(row[5], *tokens), s.score >= 100.0, tokens)))
    # best score first, equal scores in record order, as people read; the words themselves before typos
    head.sort(key=lambda item: (item[1], item[2]))
    if exact < total:
        head.sort(key=lambda item: item[0])
    hits = [item[3] for item in head]

    def tail(offset: int, count: int) -> list[Row]:
        return fetch(
            f"SELECT {TURN}, s.prior, s.itself FROM (SELECT s.* FROM ({ranked}) s {order} OFFSET %s LIMIT %s)" + joined,
            [*args, offset, count, scope],
        )

    floor = min((h.score for h in hits), default=0.0)

    def every_id() -> list[int]:
        return [
            row[0]
            for row in fetch(
                f"SELECT t.id FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery {clause}", args
            )
        ]

    return WordHits(hits, total, exact, tail, floor, top, every_id)


def _matches(tsquery: str) -> str:
    return "t.tsv @@ '" + tsquery.replace("'", "''") + "'::tsquery"


class PhraseHits(LazySequence[Hit]):
    """Turns holding a phrase, in memory's order; the first few located, the rest made when read."""

    def __init__(self, ids: list[int], labels: list[str], located: dict[int, Hit]) -> None:
        self._ids, self.labels, self._located = ids, labels, located
        self.exact = len(ids)

    def __len__(self) -> int:
        return len(self._ids)

    def _item(self, i: int) -> Hit:
        turn_id = self._ids[i]
        return self._located.get(turn_id) or Hit(turn_id, 100.0, None, True)

    @property
    def ids(self) -> list[int]:
        return self._ids


PhraseRow = tuple[int, str, int]  # a turn holding a phrase: id, printed label, occurrences


def phrase_order(rows: list[PhraseRow], words: list[str], lexicon: Callable[[], ScopeWords]) -> list[PhraseRow]:
    """The phrase's turns (id, label, occurrences) in memory's order: most occurrences first, then
    record order; but record order alone where memory takes the turns from its index without
    reading them (more than `COUNT_BUDGET`, and one word or two frequent ones: a listed pair)."""
    if len(rows) > COUNT_BUDGET and len(words) <= 2:
        if len(words) == 1:
            return sorted(rows, key=lambda row: row[0])
        scope = lexicon()
        frequent = pair_threshold(len(scope))
        ids = scope.vocab.ids
        if all(w in ids and scope.df(ids[w]) >= frequent for w in words):
            return sorted(rows, key=lambda row: row[0])
    return rows


def phrase_hit(turn_id: int, text: str, words: list[str]) -> Hit:
    """A turn known to hold the phrase, with where it does (its first occurrence)."""
    tokens = fold(text).split()
    at = next((k for k in range(len(tokens)) if tokens[k : k + len(words)] == words), 0)
    return Hit(turn_id, 100.0, token_span(text, at, at + len(words) - 1), True, (at, at + len(words) - 1))
