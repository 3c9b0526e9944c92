"""The record's words as the ranking sees them, for one query in one scope, fetched from SQL.

`parser.index.rank.analyse` asks a store for its vocabulary (ids, turn counts, stems, prefixes,
words within an edit or two), its size and each word's IDF. The in-memory store holds all of it;
here only the words a query can stand for are fetched — the query's own, those sharing its stem
or most of its beginning, and its trigram neighbours — with how many turns of the scope hold
each, and made into a small `Vocabulary`: the same code then decides stems and typos.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from parser.index.store import TurnStore
from parser.index.vocab import PREFIX_WORD, Vocabulary
from parser.text import stem

NEIGHBOURS = 200  # trigram neighbours fetched per query word (the typo search then keeps ≤ 30)

_WORDS_SQL = """
WITH q AS (SELECT * FROM unnest(%(words)s::text[], %(stems)s::text[], %(heads)s::text[]) AS q(word, stem, head)),
cand AS (
    SELECT w.id FROM q JOIN search_words w ON w.word = q.word
    UNION SELECT w.id FROM q JOIN search_words w ON w.stem = q.stem
    UNION SELECT w.id FROM q JOIN search_words w
        ON q.head IS NOT NULL AND w.word >= q.head AND w.word < q.head || chr(1114111)
        AND abs(length(w.word) - length(q.word)) <= 3
    UNION SELECT n.id FROM q CROSS JOIN LATERAL (
        SELECT w.id FROM search_words w
        WHERE w.word %% q.word AND abs(length(w.word) - length(q.word)) <= 2
        ORDER BY similarity(w.word, q.word) DESC LIMIT %(neighbours)s) n
)
SELECT w.word, sum(d.df)::bigint
FROM cand JOIN search_word_df d ON d.word_id = cand.id AND d.guild_id = ANY(%(scope)s)
JOIN search_words w ON w.id = cand.id
GROUP BY w.word ORDER BY w.word
"""


@dataclass(frozen=True)
class ScopeSize:
    """How many turns the scope holds, their text's bytes, and a bound on its most common word's count."""

    turns: int
    bytes: int
    most: int

    @property
    def average_bytes(self) -> float:
        return max(1.0, self.bytes / max(1, self.turns))


def scope_size(conn: Any, scope: list[int]) -> ScopeSize:
    row = conn.execute(
        "SELECT coalesce(sum(turns), 0), coalesce(sum(bytes), 0), coalesce(sum(most), 0) FROM search_scopes"
        " WHERE guild_id = ANY(%s)",
        (scope,),
    ).fetchone()
    return ScopeSize(int(row[0]), int(row[1]), int(row[2]))


def _head(word: str) -> str | None:
    """The beginning `Vocabulary.prefixed` looks words up by, for words it looks up."""
    if len(word) < PREFIX_WORD or not word.isalpha():
        return None
    return word[: max(PREFIX_WORD - 1, -(-3 * len(word) // 4))]


class ScopeWords:
    """What `analyse` needs of a store, for one query: a vocabulary of the words that matter, and sizes."""

    word_idf = TurnStore.word_idf  # the same IDF: log(1 + turns / turns holding the word)

    def __init__(self, vocab: Vocabulary, size: ScopeSize) -> None:
        self.vocab = vocab
        self.size = size

    def __len__(self) -> int:
        return self.size.turns

    def name(self, word_id: int) -> str:
        return self.vocab.words[word_id]

    def df(self, word_id: int) -> int:
        return int(self.vocab.df[word_id])


def scope_words(conn: Any, scope: list[int], words: list[str], size: ScopeSize | None = None) -> ScopeWords:
    """The scope's words that the folded query `words` may stand for, with their turn counts."""
    size = size or scope_size(conn, scope)
    unique = list(dict.fromkeys(words))
    rows = conn.execute(
        _WORDS_SQL,
        {
            "words": unique,
            "stems": [stem(w) for w in unique],
            "heads": [_head(w) for w in unique],
            "neighbours": NEIGHBOURS,
            "scope": scope,
        },
    ).fetchall()
    vocab = Vocabulary([r[0] for r in rows], np.array([r[1] for r in rows], dtype=np.int32))
    vocab.most = max(size.most, vocab.most)  # the guard of the loose typo search needs the scope's, not the subset's
    return ScopeWords(vocab, size)


def lexeme(word: str) -> str:
    """A folded word as a `tsquery` operand."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def any_of(words: list[str]) -> str:
    return "(" + " | ".join(lexeme(w) for w in words) + ")"


def phrase(words: list[str]) -> str:
    return " <-> ".join(lexeme(w) for w in words)
