"""The turns closest to a query in PostgreSQL, whatever is missing or misspelt (`!whosaid`'s fallback,
`!quote`'s when no turn holds every word).

A row's index score is at most the sum of the parts of the query it holds (words, pairs), so the
heaviest parts are asked first and, once enough rows set a bar, rows holding only parts that sum
below it are never read; asked again with more parts, only the rows holding none of those asked
before are read. The closest turns are found exactly while that reads at most `READ_BUDGET` rows at
once; a quote of many middling words, whose every row could still reach the best, reads only the
rows of the words that matter most for their count, and its order may then differ from memory's.
The few best rows are then scored by the in-memory store's `Matcher` (`search._rerank`).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

from parser.index.candidates import LENGTH, chosen_options
from parser.index.postgres.filters import Where
from parser.index.postgres.search import _ONCE, TURN, Found, _held, _length_factor, _pairs, _rerank, found
from parser.index.postgres.words import ScopeWords, lexeme, phrase, scope_words
from parser.index.rank import analyse
from parser.index.search import LONG_POOL, LONG_QUERY, POOL, WIDEN_BELOW, WIDER
from parser.text import fold

PAIRED = 2  # rows fetched by their words' score, for each one kept once pairs are added
FIRST_ROWS = 3000  # rows (by the words' counts) the heaviest units of a closest search may bring at first
TOGETHER = 8  # sets of words (each held together) a closest search may ask rows by, past the heaviest
# rows (by the units' counts) a closest search may ask at once: past it, the best rows within it are
# taken, unproven (a quote of many middling words, whose rows are most of the scope's)
READ_BUDGET = 6000


log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)  # told apart by identity: two parts may look alike
class _Unit:
    """A part of the index score: a query word (its best stand-in held) or a pair; its operands bring the rows holding it."""

    score: str  # SQL: what it adds to a row's score
    operands: list[str]  # tsquery operands, any of which a row holding it holds
    most: float  # the most it adds
    rows: int  # about how many turns hold it
    words: frozenset[str] = frozenset()  # a query word's stand-ins: a turn holding none of them holds no pair of them either
    pair: tuple[str, str] | None = None


def _pair_rows(words: ScopeWords, a: str, b: str) -> int:
    """Turns holding both words of a pair, at most (the rarer word's count)."""
    ids = words.vocab.ids
    return min(words.df(ids[a]), words.df(ids[b]))


@dataclass
class Asked:
    """What a closest search found for one query, scope and filters, kept for the same search again:
    `!whosaid` widens a search whose first pool held no fit, and its best rows come first again.
    The rows depend on the query's words too (their counts and weights): they are kept for one
    `ScopeWords` only, and forgotten when the search is given another. (The rows' full scores are
    kept by the query's shared `matcher`.)"""

    rows: dict[int, tuple[list[tuple[Any, ...]], dict[int, float]]] = field(default_factory=dict)  # by how many were asked
    words: ScopeWords | None = None  # the words they were found with

    def of(self, words: ScopeWords) -> Asked:
        """Itself, emptied first if it was filled with other words."""
        if self.words is not words:
            self.rows.clear()
            self.words = words
        return self


def find_closest(
    conn: Any,
    scope: list[int],
    query: str,
    limit: int = 5,
    where: Where | None = None,
    pool: int | None = None,
    widen: bool = True,
    words: ScopeWords | None = None,
    kept: Asked | None = None,
) -> list[Found]:
    """The turns whose words come closest to `query`, whatever is missing or misspelt (as in memory:
    the index's best `pool` scored in full, eight times as many when none of them comes close,
    unless `widen` is off or the query is long). `words`: the query's `scope_words`, if made already;
    `kept`: what an earlier search of the same query, scope and filters found (filled here: `!whosaid`
    asks again, widened, when the first pool held no fit)."""
    folded = fold(query)
    if words is None:
        words = scope_words(conn, scope, folded.split(), loose=True)
    if kept is not None:
        kept = kept.of(words)
    terms = analyse(words, folded.split(), loose=True)
    if not terms:
        return []
    if pool is None:
        pool = LONG_POOL if len(terms) >= LONG_QUERY else POOL
    chosen = chosen_options(terms, words.df, len(words))
    if not chosen:
        return []
    units = [
        _Unit(
            cases[0] if len(cases) == 1 else f"greatest({', '.join(cases)})",
            [lexeme(words.name(o)) for o, _ in options],
            max(term.weight * q for _, q in options),
            sum(words.df(o) for o, _ in options),
            frozenset(words.name(o) for o, _ in options),
        )
        for term, options in chosen
        for cases in [[_held(lexeme(words.name(o)), term.weight * q) for o, q in options]]
    ]
    clause, params = (where or Where()).sql(scope)
    pairs = _pairs(words, terms)
    average = words.size.average_bytes
    if sum(w for _, _, w in pairs) > sum(term.weight * options[0][1] for term, options in chosen):
        # A quote of common words ("know like the that") is told from the same words scattered by
        # its pairs: they weigh more than its words, so they rank and bring rows in the database.
        units += [
            _Unit(_held(phrase([a, b]), w), [f"({phrase([a, b])})"], w, _pair_rows(words, a, b), pair=(a, b)) for a, b, w in pairs
        ]
        pairs = []
    score = " + ".join(u.score for u in units)

    def rows_matching(held: str, count: int) -> list[tuple[Any, ...]]:
        """The `count` rows of best index score among those matching the tsquery `held`, with their
        score and its final value (pairs in the query's order are added later, to the rows the words
        brought: checked in the folded text they cost nothing, where the database would test every
        row holding any word)."""
        rows: list[tuple[Any, ...]] = conn.execute(
            f"SELECT {TURN}, t.words, t.bytes, t.words / {_length_factor(words)} AS final"
            f" FROM (SELECT t.*, ({score}) AS words"  # the score once a row (OFFSET 0: not copied into the ORDER BY)
            f" FROM ({_ONCE} WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery {clause} OFFSET 0) t OFFSET 0) t"
            " ORDER BY final DESC, t.id LIMIT %s",
            [scope, held, *params, count],
        ).fetchall()
        return rows

    last: tuple[list[_Unit], int, list[tuple[Any, ...]]] | None = None  # the last question: its units, count, rows

    def ask(reach: list[_Unit], count: int, together: list[list[_Unit]] | None = None) -> list[tuple[Any, ...]]:
        """The `count` rows of best index score among those holding any operand of `reach` (or all the
        units of one of `together`). Asked again for as many rows with every unit asked before and
        more (nine re-asks in ten on the bench's queries), only the rows holding none of those are
        read: the best of them join the best rows found already. (A set's rows may hold none of
        `reach`: after a question with sets none is asked again; the loop ends there anyway.)"""
        nonlocal last
        groups = ["(" + " & ".join("(" + " | ".join(u.operands) + ")" for u in group) + ")" for group in together or []]
        if last is not None and last[1] == count and all(u in reach for u in last[0]):
            held = [o for u in reach if u not in last[0] for o in u.operands] + groups
            before = [o for u in last[0] for o in u.operands]
            fresh = rows_matching(f"({' | '.join(held)}) & !({' | '.join(before)})", count) if held else []
            rows = sorted([*last[2], *fresh], key=lambda row: (-float(row[12]), row[0]))[:count]
        else:
            rows = rows_matching(" | ".join([o for u in reach for o in u.operands] + groups), count)
        last = None if together else (list(reach), count, rows)  # (a set's rows may hold none of `reach`)
        return rows

    def best_rows(count: int) -> tuple[list[tuple[Any, ...]], dict[int, float]]:
        if kept is not None and count in kept.rows:
            rows, prior = kept.rows[count]
            return list(rows), prior
        rows, prior = _best_rows(count)
        if kept is not None:
            kept.rows[count] = (list(rows), prior)
        return rows, prior

    def _best_rows(count: int) -> tuple[list[tuple[Any, ...]], dict[int, float]]:
        """The `count` rows of best index score among all holding any unit's operands, as if all were asked at once,
        and their scores with the pairs added.

        A row's score is at most the sum of the units it holds (the length factor is at least 1), so
        once `count` rows score `bar`, a row holding only units whose weights sum below `bar` cannot
        be among the best: the rows of common words need not be read and scored. The heaviest units
        (rare words, pairs) are asked first, within a budget of rows; if the rest could still reach
        the bar, the units that could are added and the question asked again. A question that would
        bring more than `READ_BUDGET` rows is asked of the units that fit in it instead, and its
        answer taken as it is: the best rows it finds, not proven the best of all.
        """
        ordered = sorted(units, key=lambda u: -u.most)

        def bound(asked: list[_Unit]) -> float:
            """The most a row holding none of `asked` can score (float sums may differ a little: a margin)."""
            absent = set().union(*(u.words for u in asked))
            left = [u for u in units if u not in asked and not (u.pair and (u.pair[0] in absent or u.pair[1] in absent))]
            return sum(u.most for u in left) * (1 + 1e-9)

        def within(budget: int) -> list[_Unit]:
            """The heaviest units bringing about `budget` rows (one at least)."""
            k, held = 1, ordered[0].rows
            while k < len(ordered) and held + ordered[k].rows <= budget:
                held += ordered[k].rows
                k += 1
            return ordered[:k]

        def enough(bar: float) -> list[_Unit]:
            """Units such that a row holding none scores below `bar`: those taking most off the bound for their rows first."""
            asked: list[_Unit] = []
            while bound(asked) >= bar:
                now = bound(asked)
                asked.append(max((u for u in units if u not in asked), key=lambda u: (now - bound([*asked, u])) / (1 + u.rows)))
            return asked

        def reaching(left: list[_Unit], bar: float) -> list[list[_Unit]] | None:
            """The least sets of `left` whose weights sum to `bar` (a row holding none of them scores
            below it), or None when there are more than `TOGETHER`: a query of many middling words."""
            left = sorted(left, key=lambda u: -u.most)
            bar *= 1 - 1e-9  # float sums may differ a little: a margin
            after = [sum(u.most for u in left[k:]) for k in range(len(left) + 1)]
            found: list[list[_Unit]] = []

            def grow(k: int, chosen: list[_Unit], held: float) -> bool:
                if held >= bar:
                    found.append(chosen)
                    return len(found) <= TOGETHER
                return all(
                    grow(j + 1, [*chosen, left[j]], held + left[j].most) for j in range(k, len(left)) if held + after[j] >= bar
                )

            return found if grow(0, [], 0.0) else None

        def cost(asked: list[_Unit], together: list[list[_Unit]] | None = None) -> int:
            """About how many rows a question brings, at most (the units' counts, each set's rarest)."""
            return sum(u.rows for u in asked) + sum(min(u.rows for u in group) for group in together or [])

        def capped(asked: list[_Unit], wanted: list[_Unit]) -> list[_Unit]:
            """`asked`, and those of `wanted` (in its order) the read budget still allows."""
            out, held = list(asked), cost(asked)
            for u in wanted:
                if u not in out and held + u.rows <= READ_BUDGET:
                    out.append(u)
                    held += u.rows
            return out

        budget = max(FIRST_ROWS, count)
        asked = within(budget)
        while True:
            rows = ask(asked, count)
            if len(asked) == len(units) or (len(rows) == count and bound(asked) < float(rows[-1][12])):
                break  # every row not read scores below the last: these are the best
            if len(rows) < count:  # too few rows hold the heavy units for a bar: more units, four times the rows
                budget *= 4
                wanted = within(budget) if len(within(budget)) > len(asked) else ordered[: len(asked) + 1]
            else:
                # The rows holding none of the units asked that might still reach the bar: those holding
                # one of a few sets of the other units together, once enough of the heaviest are asked.
                bar = float(rows[-1][12])
                more = [u for u in enough(bar) if u not in asked]
                for k in range(len(more) + 1):
                    together = reaching([u for u in units if u not in asked and u not in more[:k]], bar)
                    if together is not None and not any(u.pair for group in together for u in group):
                        break  # (a pair in a set is a phrase the index cannot tell: every row of its words read again)
                    together = None
                if together is not None and cost([*asked, *more[:k]], together) <= READ_BUDGET:
                    rows = ask([*asked, *more[:k]], count, together)
                    break
                wanted = enough(bar)
            if cost(wanted) <= READ_BUDGET:
                asked = wanted
                continue
            # Past the budget: the best rows among those of the units taking most off the bound for
            # their rows (a row holding only the others may score higher: the top may differ from memory's).
            grown = capped(asked, wanted)
            log.debug("closest to %r: %d rows past the budget, %d of %d units asked", query, cost(wanted), len(grown), len(units))
            if len(grown) > len(asked):
                rows = ask(grown, count)
            break
        prior = {}
        for row in rows:
            factor = 1 + LENGTH * math.log1p(row[11] / average)
            padded = f" {row[9]} "
            bonus = sum(weight for a, b, weight in pairs if f" {a} {b} " in padded)
            prior[row[0]] = (float(row[10]) + bonus) / factor
        rows.sort(key=lambda row: (-prior[row[0]], row[0]))
        return rows, prior

    widens = widen and len(terms) < LONG_QUERY  # whether more than the pool may be scored
    if pairs:  # the words' best rows, more than are kept: their pairs may raise some of the rest above others
        rows, prior = best_rows(PAIRED * (WIDER if widens else 1) * pool)
        rows = rows[: (WIDER if widens else 1) * pool]
    else:  # the index score is the whole of it: the best `pool`, and more only when widening
        rows, prior = best_rows(pool)
    if not rows:
        return []
    hits = _rerank(words, terms, folded, rows[:pool], prior)
    if widens and (not hits or hits[0][0] < WIDEN_BELOW) and len(rows) >= pool:
        if not pairs:
            rows, prior = best_rows(WIDER * pool)
        if len(rows) > pool:
            hits = _rerank(words, terms, folded, rows, prior)
    return [found(row, score, tokens, score >= 100.0) for score, _, (row, tokens) in hits[:limit]]
