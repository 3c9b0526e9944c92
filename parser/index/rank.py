"""How well one turn matches a query: rare words count more, and so do words in the query's order.

rapidfuzz's `partial_ratio` weighs every character alike, so a turn sharing the query's common
words beats the right turn when a rare word is misspelt or missing, and any turn shorter than
the query that the query contains ("Yeah.") scores 100. Here each query word weighs its IDF;
the turn's words are aligned with the query's in order (a typo or a stem costs a little, an
extra word in between a little more, and a query word the vocabulary could not place still
matches a turn word that looks like it: "cll" for "call"); a character-level ratio over the
aligned stretch makes the last quarter of the score. 100 means the words as typed, in order.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Protocol
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz, process

from parser.index.vocab import RARE, Vocabulary, max_edits

STEM_QUALITY = 0.9
PREFIX_QUALITY = 0.7
EDIT_QUALITY = {1: 0.8, 2: 0.65}
RARE_SHARE = 1e-5  # a word in fewer turns than this share (or in two or fewer) may itself be a typo
SHORT_TYPO = 3  # an unknown three-letter word may be one edit from the word meant
LIKELIER = 10  # in a loose search, a known word may be a typo of a word one edit away this much more common
ADJACENT = 1.0  # weight of keeping the query's word order, relative to the words themselves
ONE_BETWEEN = 0.5  # share of that bonus kept when one extra word stands between two query words
MAX_GAP = 3
WORD_SHARE = 0.75  # the rest is the character-level similarity around the aligned stretch
LOOSE_WORD = 5
SOFT = 70.0  # a query word matched by nothing else still earns credit for a turn word this similar
SOFT_QUALITY = 0.8
SOFT_WORD = 3
PAD = 2  # extra words either side of the aligned stretch that the character-level ratio may use
REGION = 3  # a turn longer than three times the query (and some) is aligned only around its anchors
MATCHERS = 8  # recent queries' matchers (and twice as many analyses) kept per store
ANCHORS = 3  # the heaviest query words whose places in a long turn are the anchors


class Lexicon(Protocol):
    """What weighing a query needs of a store: its vocabulary (or the part a query may use) and
    how many turns it has. A `TurnStore` is one; PostgreSQL makes one per query (`ScopeWords`)."""

    vocab: Vocabulary

    def __len__(self) -> int: ...

    def word_idf(self, word_id: int) -> float: ...


def rare_df(turns: int) -> int:
    """At most how many turns hold a word that may itself be a typo (fragments repeat in big corpora)."""
    return max(RARE, int(RARE_SHARE * turns))


@dataclass
class Term:
    """One word of a query: how much it weighs, and the record's words it may stand for."""

    text: str
    weight: float
    options: dict[int, float] = field(default_factory=dict)  # word id → quality (1 exact)
    names: dict[str, float] = field(default_factory=dict)  # folded word → quality
    sure: bool = True  # a word the record has more than rarely: not likely a typo
    typos: set[int] = field(default_factory=set)  # options that are one or two edits away, not stems

    @property
    def exact_id(self) -> int | None:
        return next((i for i, q in self.options.items() if q == 1.0), None)


def analyse(store: Lexicon, words: list[str], loose: bool = False) -> list[Term]:
    """Each folded query word with its weight and the words of the record it may stand for
    (`_analyse`); a query's words are analysed once for all the stages that ask (terms are not
    changed by their users)."""
    kept = _ANALYSED.setdefault(store, OrderedDict())
    key = (len(store), len(store.vocab), loose, tuple(words))  # a grown store is another key
    found = kept.get(key)
    if found is None:
        found = kept[key] = tuple(_analyse(store, words, loose))
        while len(kept) > MATCHERS * 2:
            kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    return list(found)


_ANALYSED: WeakKeyDictionary[Lexicon, OrderedDict[tuple[object, ...], tuple[Term, ...]]] = WeakKeyDictionary()


def _analyse(store: Lexicon, words: list[str], loose: bool = False) -> list[Term]:
    """Each folded query word with its weight and the words of the record it may stand for.

    A word the record has (and not rarely: `rare_df`) stands for itself and its stem's family;
    an unknown or rare word may also be a typo of a word within one or two edits (`loose`: one
    more for words of five letters or more, when looking for the closest turn at all), even a
    three-letter word (`nee` for `need`). When looking for the closest turn, a known word may be
    a typo too, of a word one edit away that is far more common (`form` for `from`, `men` for
    `mean`): the word itself stays the best match.
    """
    vocab = store.vocab
    rare = rare_df(len(store))
    terms = []
    for word in words:
        options: dict[int, float] = {}
        typos: set[int] = set()
        exact = vocab.ids.get(word)
        if exact is not None:
            options[exact] = 1.0
        for sibling in vocab.siblings(word):
            options.setdefault(vocab.ids[sibling], STEM_QUALITY)
        for other in vocab.prefixed(word):
            options.setdefault(vocab.ids[other], PREFIX_QUALITY)
        sure = exact is not None and vocab.df[exact] > rare
        if not sure:
            edits = max_edits(word) or (1 if len(word) == SHORT_TYPO and word.isalpha() else 0)
            if loose and len(word) >= LOOSE_WORD:
                edits = min(2, edits + 1)
            for other, distance in vocab.near(word, edits).items():
                typos.add(vocab.ids[other])
                options.setdefault(vocab.ids[other], EDIT_QUALITY.get(distance, 0.5))
        elif exact is not None and loose and len(word) >= SHORT_TYPO and word.isalpha():
            common = LIKELIER * int(vocab.df[exact])
            for other in vocab.near(word, 1, min_df=common) if common <= vocab.most else ():
                typos.add(vocab.ids[other])
                options.setdefault(vocab.ids[other], EDIT_QUALITY[1])
        names = {vocab.words[i]: q for i, q in options.items()}
        terms.append(Term(word, store.word_idf(exact) if sure and exact is not None else 0.0, options, names, sure, typos))
    known = sorted(t.weight for t in terms if t.sure)
    neutral = known[len(known) // 2] if known else math.log(1 + len(store)) / 3
    for term in terms:
        if not term.sure:
            # A likely typo weighs what the likeliest word it stands for (the most frequent) weighs,
            # but no more than a typical word of the query: its own rarity proves nothing.
            likeliest = max(term.options, key=lambda i: vocab.df[i], default=None)
            guess = store.word_idf(likeliest) * term.options[likeliest] if likeliest is not None else neutral
            term.weight = min(guess, neutral) if known else guess
    return terms


@dataclass(frozen=True)
class Scored:
    """A turn's score against a query (0–100) and the aligned stretch: token numbers [first, last]."""

    score: float
    first: int
    last: int


def matcher(store: Lexicon, terms: list[Term], query: str) -> Matcher:
    """The query's `Matcher`, shared by the stages of one query (the pool, its widening, the
    verdict's evidence), so that no turn is matched twice against the same words."""
    kept = _MATCHERS.setdefault(store, OrderedDict())
    key = (len(store), query, tuple((t.text, t.weight, len(t.options), t.sure) for t in terms))
    found = kept.get(key)
    if found is None:
        found = kept[key] = Matcher(terms, query)
        while len(kept) > MATCHERS:
            kept.popitem(last=False)
    else:
        kept.move_to_end(key)
    return found


_MATCHERS: WeakKeyDictionary[Lexicon, OrderedDict[tuple[object, ...], Matcher]] = WeakKeyDictionary()


class Matcher:
    """Scores turns against one query: what is worked out once per query is kept here, and the
    matches found in each turn (by turn id) while the matcher lives."""

    def __init__(self, terms: list[Term], query: str) -> None:
        self.found: dict[int, list[tuple[int, int, float]]] = {}
        self.terms = terms
        self.query = query
        self.weights = [t.weight for t in terms]
        self.most = sum(self.weights) + ADJACENT * sum((a + b) / 2 for a, b in itertools.pairwise(self.weights))
        self.where: dict[str, list[tuple[int, float]]] = {}
        for i, term in enumerate(terms):
            for name, quality in term.names.items():
                self.where.setdefault(name, []).append((i, quality))
        self.reach = len(terms) + MAX_GAP + PAD
        self.soft = [i for i, t in enumerate(terms) if len(t.text) >= SOFT_WORD]

    def _windows(self, tokens: list[str], found: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
        """The stretches of a long turn worth aligning: around its matches of the heaviest query words."""
        n = len(tokens)
        if n <= REGION * len(self.terms) + 2 * self.reach:
            return [(0, n)]
        if found:
            heaviest = sorted({i for _, i, _ in found}, key=lambda i: -self.weights[i])[:ANCHORS]
            anchors = sorted(j for j, i, _ in found if i in heaviest)
        else:  # nothing matched as a word: let the characters say where to look
            text = " ".join(tokens)
            at = fuzz.partial_ratio_alignment(self.query, text)
            assert at is not None  # None only below a score_cutoff, and there is none
            anchors = [text.count(" ", 0, at.dest_start)]
        windows: list[tuple[int, int]] = []
        for j in anchors:
            lo, hi = max(0, j - self.reach), min(n, j + self.reach + 1)
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], hi)
            else:
                windows.append((lo, hi))
        return windows

    def _exact(self, tokens: list[str]) -> list[tuple[int, int, float]]:
        """(token number, query word number, quality) of the turn words that are query words or their stand-ins."""
        where = self.where
        return [(j, i, q) for j, token in enumerate(tokens) if token in where for i, q in where[token]]

    def matches(self, tokens: list[str], turn_id: int | None = None) -> list[tuple[int, int, float]]:
        """`_matches`, kept per turn id when one is given."""
        if turn_id is None:
            return self._matches(tokens)
        found = self.found.get(turn_id)
        if found is None:
            found = self.found[turn_id] = self._matches(tokens)
        return found

    def _matches(self, tokens: list[str]) -> list[tuple[int, int, float]]:
        """(token number, query word number, quality) of every turn word a query word may stand for.

        A query word also matches turn words that look like it (rapidfuzz ratio ≥ 70) where it
        has no exact match: the typos the vocabulary could not place, such as `teh` or `cll`.
        """
        found = self._exact(tokens)  # by token, then query word: each (token, word) once
        windows = self._windows(tokens, found)
        if len(windows) > 1 or windows[0] != (0, len(tokens)):
            kept = []
            for lo, hi in windows:
                kept += found[bisect.bisect_left(found, (lo,)) : bisect.bisect_left(found, (hi,))]
            found = kept
        exact = {i for _, i, q in found if q == 1.0}
        loose = [i for i in self.soft if i not in exact]
        if not loose:
            return found
        best = {(j, i): q for j, i, q in found}
        stretches = [(lo, tokens[lo:hi]) for lo, hi in windows]
        for i in loose:
            word = self.terms[i].text
            for lo, stretch in stretches:
                for _, ratio, j in process.extract(word, stretch, scorer=fuzz.ratio, score_cutoff=SOFT, limit=None):
                    quality = SOFT_QUALITY * ratio / 100
                    if quality > best.get((lo + j, i), 0.0):
                        best[(lo + j, i)] = quality
        return sorted((j, i, q) for (j, i), q in best.items())

    def _align(self, tokens: list[str], turn_id: int | None = None) -> tuple[float, int, int, int, int]:
        """The best in-order chain of query words in the turn: (value, first token, last token,
        first query word, last query word) — a sparse dynamic programme over the matches."""
        matches = self.matches(tokens, turn_id)
        if not matches:
            return 0.0, -1, -1, -1, -1
        weights = self.weights
        longest = len(weights) + MAX_GAP
        best: list[float] = []
        back: list[int] = []
        top, top_k = -1.0, -1
        for k, (j, i, q) in enumerate(matches):
            gain, came = 0.0, -1
            weight = weights[i]
            kk = k - 1
            while kk >= 0:
                jj, ii, _ = matches[kk]
                dj = j - jj
                if dj > longest:
                    break
                di = i - ii
                if dj > 0 and di > 0 and dj <= di + MAX_GAP:
                    link = best[kk]
                    if di == 1 and dj == 1:
                        link += ADJACENT * (weights[ii] + weight) / 2
                    elif di == 1 and dj == 2:
                        link += ONE_BETWEEN * ADJACENT * (weights[ii] + weight) / 2
                    if link > gain:
                        gain, came = link, kk
                kk -= 1
            value = weight * q + gain
            best.append(value)
            back.append(came)
            if value > top:
                top, top_k = value, k
        k = top_k
        last_j, last_i = matches[k][0], matches[k][1]
        while back[k] >= 0:
            k = back[k]
        return top, matches[k][0], last_j, matches[k][1], last_i

    def score(self, folded: str, turn_id: int | None = None) -> Scored:
        """How well the folded turn matches the query, 0–100, and where."""
        return self.score_words(folded.split(), turn_id)

    def score_words(self, tokens: list[str], turn_id: int | None = None) -> Scored:
        """`score` of a turn given as its folded words (`TurnStore.folded_words`)."""
        if not self.terms or not tokens:
            return Scored(0.0, 0, 0)
        value, first, last, qi_first, qi_last = self._align(tokens, turn_id)
        if first < 0:
            return Scored(0.0, 0, 0)
        lo = max(0, first - qi_first - PAD)
        hi = min(len(tokens) - 1, last + (len(self.terms) - 1 - qi_last) + PAD)
        window = " ".join(tokens[lo : hi + 1])
        # A window shorter than the query is compared whole: "yeah" must not claim a sentence.
        query = self.query
        chars = fuzz.partial_ratio(query, window) if len(window) >= len(query) else fuzz.ratio(query, window)
        score = 100.0 * WORD_SHARE * value / self.most + (1 - WORD_SHARE) * chars
        return Scored(round(min(100.0, score), 1), first, last)
