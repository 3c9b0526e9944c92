"""The record's words as the ranking sees them, for one query in one scope, fetched from SQL.

`parser.index.rank.analyse` asks a store for its vocabulary (ids, turn counts, stems, prefixes,
words within an edit or two), its size and each word's IDF. The in-memory store holds all of it;
here only the words a query can stand for are fetched — the query's own, those sharing its stem
or most of its beginning, and its trigram neighbours — with how many turns of the scope hold
each, and made into a small `Vocabulary`: the same code then decides stems and typos.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from parser.index.rank import LIKELIER, LOOSE_WORD, SHORT_TYPO, rare_df
from parser.index.store import TurnStore
from parser.index.vocab import PREFIX_WORD, Vocabulary, max_edits
from parser.text import stem

NEIGHBOURS = 200  # trigram neighbours fetched per query word (the typo search then keeps ≤ 30)

_SCOPE_DF = (
    "CROSS JOIN LATERAL (SELECT sum(d.df)::bigint AS df FROM search_word_df d"
    " WHERE d.guild_id = ANY(%(scope)s::bigint[]) AND d.word_id = w.id) s WHERE s.df > 0"
)
# The query's words, the words sharing their stems, and those sharing most of their beginning.
_KNOWN_SQL = f"""
WITH q AS (SELECT q.word COLLATE "C" AS word, q.stem COLLATE "C" AS stem, q.head COLLATE "C" AS head
           FROM unnest(%(words)s::text[], %(stems)s::text[], %(heads)s::text[]) AS q(word, stem, head)),
cand AS (
    SELECT w.id FROM q JOIN search_words w ON w.word = q.word
    UNION SELECT w.id FROM q JOIN search_words w ON w.stem = q.stem
    UNION SELECT w.id FROM q JOIN search_words w
        ON q.head IS NOT NULL AND w.word >= q.head AND w.word < q.head || chr(1114111)
        AND abs(length(w.word) - length(q.word)) <= 3
)
SELECT w.word, s.df FROM cand JOIN search_words w ON w.id = cand.id {_SCOPE_DF}
"""
# Words within a few trigrams of each query word (the typo search then measures the edits).
_NEAR_SQL = f"""
SELECT w.word, s.df FROM unnest(%(words)s::text[], %(edits)s::int[], %(floors)s::float8[]) AS q(word, edits, floor)
CROSS JOIN LATERAL (
    SELECT id, word FROM search_words
    WHERE lower(word) %% q.word AND similarity(lower(word), q.word) >= q.floor AND abs(length(word) - length(q.word)) <= q.edits
    ORDER BY similarity(lower(word), q.word) DESC LIMIT %(neighbours)s) w
{_SCOPE_DF}
"""
# The scope's words held by at least so many turns: every one a loose search may take a known word
# for a typo of (held by `LIKELIER` times as many turns as a word that is not rare: an archive keeps
# them, each query filters them), or those of a query's lengths (a known word may be a typo of one).
_COMMON = f"""
SELECT w.word, s.df FROM (
    SELECT DISTINCT word_id AS id FROM search_word_df
    WHERE guild_id = ANY(%(scope)s::bigint[]) AND df >= %(per_guild)s) c
JOIN search_words w ON w.id = c.id@LENGTHS@
{_SCOPE_DF} AND s.df >= %(floor)s
"""
_COMMON_SQL = _COMMON.replace("@LENGTHS@", " AND length(w.word) = ANY(%(lengths)s::int[])")
_COMMON_ALL_SQL = _COMMON.replace("@LENGTHS@", "")


def common_words(conn: Any, scope: list[int], size: ScopeSize) -> dict[str, int]:
    """The scope's words that a known query word may be a typo of, whatever the query (a few thousand),
    with their turn counts: `scope_words` takes those its query needs from them."""
    floor = LIKELIER * (rare_df(size.turns) + 1)  # the least `typo_edits` asks for
    params = {"scope": scope, "per_guild": -(-floor // len(scope)), "floor": floor}
    return {word: int(df) for word, df in conn.execute(_COMMON_ALL_SQL, params).fetchall()}


def trigram_floor(length: int, edits: int) -> float:
    """The least trigram similarity a word `edits` edits away from a word of `length` letters can have.

    pg_trgm gives a word of L letters L + 1 trigrams; an edit (a swap of two letters too) spoils
    at most four of them and may add one letter: below this, no word is close enough to matter.
    """
    kept = length + 1 - 4 * edits
    return max(0.1, round(kept / (length + 1 + 5 * edits), 2) if kept > 0 else 0.1)


def typo_edits(word: str, df: int, rare: int, most: int, loose: bool) -> tuple[int, int]:
    """(edits, least turn count): how far, and among which words, `analyse` looks for what a query word may be a typo of.

    The same rules as `parser.index.rank.analyse`: an unknown or rare word, by its length (three
    letters: one edit), one more when looking loosely for a word of five letters or more, among
    all words; a known word, only when looking loosely, one edit, among words ten times as common.
    """
    if df <= rare:
        edits = max_edits(word) or (1 if len(word) == SHORT_TYPO and word.isalpha() else 0)
        return (min(2, edits + 1) if loose and len(word) >= LOOSE_WORD else edits), 0
    if loose and len(word) >= SHORT_TYPO and word.isalpha() and LIKELIER * df <= most:
        return 1, LIKELIER * df
    return 0, 0


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
        " WHERE guild_id = ANY(%s::bigint[])",
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

    def __init__(
        self, vocab: Vocabulary, size: ScopeSize, asked: frozenset[str] = frozenset(), searched: dict[str, int] | None = None
    ) -> None:
        self.vocab = vocab
        self.size = size
        self.asked = asked  # the query words it was made for
        self.searched = searched or {}  # …and the edits their trigram neighbours were fetched for

    def __len__(self) -> int:
        return self.size.turns

    def name(self, word_id: int) -> str:
        return self.vocab.words[word_id]

    def df(self, word_id: int) -> int:
        return int(self.vocab.df[word_id])


def scope_words(
    conn: Any,
    scope: list[int],
    words: list[str],
    loose: bool = False,
    size: ScopeSize | None = None,
    base: ScopeWords | None = None,
    every_common: Callable[[Any, ScopeSize], dict[str, int]] | None = None,
) -> ScopeWords:
    """The scope's words that the folded query `words` may stand for, with their turn counts.

    First the words themselves, their stems' and their beginnings' (indexes on the dictionary);
    then, for the unknown or rare words, their trigram neighbours (each with the least similarity
    its edits allow: the fewer rows the trigram index must check); and, when looking loosely, the scope's common
    words, which a known word may be a typo of (`form` for `from`).

    `size`: the scope's, if known. `base`: the same words' vocabulary made already (strictly): its
    words are kept, and only the neighbours it did not fetch are asked for. `every_common(conn, size)`: the
    scope's `common_words`, kept by the caller (else the few a query needs are asked for). A vocabulary holding
    more of the scope's words than needed gives `analyse` what the in-memory store's whole one does.
    """
    if size is None:
        size = scope_size(conn, scope)
    unique = list(dict.fromkeys(words))
    if base is not None and base.asked == frozenset(unique):
        found = {w: int(d) for w, d in zip(base.vocab.words, base.vocab.df, strict=True)}
        searched = dict(base.searched)
    else:
        params = {"words": unique, "stems": [stem(w) for w in unique], "heads": [_head(w) for w in unique], "scope": scope}
        found, searched = dict(conn.execute(_KNOWN_SQL, params).fetchall()), {}
    rare = rare_df(size.turns)
    most = max(size.most, max(found.values(), default=0))
    typos: list[tuple[str, int]] = []
    common, lengths = 0, set()
    for word in unique:
        edits, at_least = typo_edits(word, int(found.get(word, 0)), rare, most, loose)
        if edits and not at_least:
            if searched.get(word, 0) < edits:
                typos.append((word, edits))
        elif edits:
            common = min(common, at_least) if common else at_least
            lengths |= {len(word) - 1, len(word), len(word) + 1}
    if typos:
        floors = [trigram_floor(len(w), e) for w, e in typos]
        # the session's: reads run outside a transaction (each search that uses it sets it first)
        conn.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, false)", (str(min(floors)),))
        params = {"words": [w for w, _ in typos], "edits": [e for _, e in typos], "floors": floors}
        found.update(conn.execute(_NEAR_SQL, {**params, "neighbours": NEIGHBOURS, "scope": scope}).fetchall())
        searched.update(typos)
    if common and every_common is not None:
        found.update((w, df) for w, df in every_common(conn, size).items() if df >= common and len(w) in lengths)
    elif common:  # a sum over the scope's guilds reaches `common` only if one of them holds its share
        per_guild = -(-common // len(scope))
        params = {"scope": scope, "per_guild": per_guild, "floor": common, "lengths": sorted(lengths)}
        found.update(conn.execute(_COMMON_SQL, params).fetchall())
    ordered = sorted(found)
    vocab = Vocabulary(ordered, np.array([found[w] for w in ordered], dtype=np.int32))
    vocab.most = most  # the guard of the loose typo search needs the scope's, not the subset's
    return ScopeWords(vocab, size, frozenset(unique), searched)


def lexeme(word: str) -> str:
    """A folded word as a `tsquery` operand."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def any_of(words: list[str]) -> str:
    return "(" + " | ".join(lexeme(w) for w in words) + ")"


def phrase(words: list[str]) -> str:
    return " <-> ".join(lexeme(w) for w in words)
