"""`!quote WORDS [filters] [page:N]`: every turn that holds these words, best first, a page at a time."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

from bot.commands.base import Command, Request, UserError, hit_out, plural
from bot.commands.filters import Filters, parse_filters
from bot.replies import QuoteReply
from parser.index.archive import Archive, Within
from parser.index.search import RERANK, Hit, Hits
from parser.text import fold

PER_PAGE = 5
CLOSE_ENOUGH = 80.0
CLOSEST = 20  # turns the fuzzy fallback may offer
MERGED = 5000  # a compound's other spelling is searched too when each search finds at most this many
COMPOUND_SHARE = 0.001  # a compound in at most this share of the turns (or `COMPOUND_FLOOR`) is searched both ways
COMPOUND_FLOOR = 50
MIN_PART = 4  # letters of each word a compound is split into
# A phrase opens after a space (or at the start) and closes before one (or punctuation, or the
# end): the stray mark in pasted `you use" in" and` quotes nothing.
_QUOTED = re.compile(r'(?<!\S)(?:"([^"\s][^"]*?)"|“([^”\s][^”]*?)”|«([^»]+)»|„([^“”\s][^“”]*?)[“”])(?![^\s.,;:!?)\]])')


def split_phrases(argument: str) -> tuple[list[str], str]:
    """The phrases in quotes (straight, curly or French) and the words outside them."""
    phrases = [next(g for g in m.groups() if g) for m in _QUOTED.finditer(argument)]
    rest = _QUOTED.sub(" ", argument)
    return [p.strip() for p in phrases if p.strip()], rest.strip()


def as_quoted(text: str) -> str:
    """The query as a reply quotes it: a query that is one quoted phrase does not keep its own quotes."""
    phrases, rest = split_phrases(text)
    return phrases[0] if len(phrases) == 1 and not rest else text


def search_quote(store: Archive, text: str, allowed: Within | None = None, rank: int = RERANK) -> tuple[Sequence[Hit], bool]:
    """(hits, whether they are only close): quoted phrases must appear as written, plain words must
    all appear (a stem or a typo allowed); only when that finds nothing like the words as typed
    (every turn holding them holds them scattered) are the closest turns offered instead."""
    hits, close = _search(store, text, allowed, rank)
    variant = compound_variant(store, text) if not close else None
    if variant is None or len(hits) > MERGED:
        return hits, close
    other, other_close = _search(store, variant, allowed, rank)
    if other_close or not other or len(other) > MERGED:
        return hits, close
    return _merged(hits, other), False


def _merged(first: Sequence[Hit], second: Sequence[Hit]) -> Hits:
    """Two searches' hits as one: each one's turns holding the words themselves, then the rest."""
    tiers: list[list[Hit]] = [[], []]
    seen: set[int] = set()
    for hits in (first, second):
        exact = getattr(hits, "exact", len(hits))
        for k, hit in enumerate(hits):
            if hit.turn_id not in seen:
                seen.add(hit.turn_id)
                tiers[k >= exact].append(hit)
    return Hits(tiers[0] + tiers[1], exact=len(tiers[0]))


def compound_variant(store: Archive, text: str) -> str | None:
    """The query with a compound written the other way the records write it: `shadow fork` as
    `shadowfork` when the records hold that word, `shadowfork` as the phrase `"shadow fork"` when
    they hold both words. None when no word changes."""
    phrases, rest = split_phrases(text)
    words = rest.split()
    folded = [fold(w) for w in words]
    asked: set[str] = set()  # every word the check may count, counted at once
    for k, word in enumerate(folded):
        after = folded[k + 1] if k + 1 < len(folded) else ""
        if min(len(word), len(after)) >= MIN_PART:
            asked |= {word + after, word, after}
        if len(word) >= 2 * MIN_PART and word.isalpha():
            asked |= {word, *(w for at in range(MIN_PART, len(word) - MIN_PART + 1) for w in (word[:at], word[at:]))}
    counts = store.words_turns(asked) if asked else {}
    out: list[str] = []
    changed = False
    k = 0
    while k < len(words):
        word = folded[k]
        after = folded[k + 1] if k + 1 < len(words) else ""
        if (
            min(len(word), len(after)) >= MIN_PART
            and counts[word + after] is not None
            and _rarer(store, counts, word + after, word, after)
        ):
            out.append(word + after)
            k, changed = k + 2, True
            continue
        halves = _split(store, counts, word)
        if halves:
            out.append(f'"{halves[0]} {halves[1]}"')
            changed = True
        else:
            out.append(words[k])
        k += 1
    if not changed:
        return None
    return " ".join([*(f'"{p}"' for p in phrases), *out])


def _rarer(store: Archive, counts: Mapping[str, int | None], whole: str, a: str, b: str) -> bool:
    """Whether `whole` may be `a b` written as one word (or the other way round), and is rare
    enough (`COMPOUND_SHARE` of the turns) that searching both spellings costs nothing noticeable."""
    if counts[a] is None or counts[b] is None:
        return False
    turns = counts[whole]
    return turns is None or turns <= max(COMPOUND_FLOOR, COMPOUND_SHARE * store.totals()[1])


def _split(store: Archive, counts: Mapping[str, int | None], word: str) -> tuple[str, str] | None:
    """Two words of the records that `word` is made of, written apart somewhere (the most common
    such pair), if any: `headteachers` → `head teachers`, never a typo cut into two fragments."""
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return None
    best: tuple[int, tuple[str, str]] | None = None
    for at in range(MIN_PART, len(word) - MIN_PART + 1):
        a, b = word[:at], word[at:]
        if _rarer(store, counts, word, a, b) and store.adjacent(a, b):
            both = min(counts[a] or 0, counts[b] or 0)
            if best is None or both > best[0]:
                best = (both, (a, b))
    return best[1] if best else None


def _search(store: Archive, text: str, allowed: Within | None, rank: int) -> tuple[Sequence[Hit], bool]:
    phrases, rest = split_phrases(text)
    if phrases:
        hits: Sequence[Hit] = []
        within = allowed
        for phrase in phrases:
            hits = store.find_phrase(phrase, within)
            within = store.only(hits, allowed)
        if rest and hits:
            hits = store.find_words(rest, within, rank=rank)
        return hits, False
    hits = store.find_words(rest, allowed, rank=rank)
    if hits and hits[0].score >= CLOSE_ENOUGH:
        return hits, False
    # Wider only when no turn holds the words: otherwise those turns answer, close or not.
    closest = [h for h in store.find_closest(rest, limit=CLOSEST, within=allowed, widen=not hits) if h.score >= CLOSE_ENOUGH]
    if closest and (not hits or closest[0].score > hits[0].score):
        return closest, True
    return hits, False


def _summary(total: int, text: str, filters: Filters, close: bool, page: int, pages: int, exact: int | None = None) -> str:
    several = len(text.split()) > 1
    if close:
        head = f"No turn holds every word; {plural(total, 'turn')} come{'s' if total == 1 else ''} close to “{text}”"
    elif exact is not None and exact < total:
        similar = "similar words" if several else "a similar word"
        rest = total - exact
        if exact:
            said = f"{plural(exact, 'turn')} say{'s' if exact == 1 else ''} “{text}”"
            head = f"{said} · {rest} more {'has' if rest == 1 else 'have'} {similar}"
        else:
            head = f"No turn says “{text}”; {plural(total, 'turn')} {'has' if total == 1 else 'have'} {similar}"
    else:
        head = f"{plural(total, 'turn')} match{'es' if total == 1 else ''} “{text}”"
    if filters.active:
        head += f" ({filters.describe()})"
    return head + (f" · page {page} of {pages}" if pages > 1 else "")


async def quote(request: Request) -> QuoteReply:
    store = request.store
    text, filters = parse_filters(store, request.argument, request.prefix)
    if not text:
        raise UserError(f"`{request.prefix}quote` needs words to look for, e.g. `{request.prefix}{COMMAND.example}`.")
    page = filters.page
    hits, close = search_quote(store, text, filters.within(store))
    said = as_quoted(text)
    if not hits:
        within = f" ({filters.describe()})" if filters.active else ""  # "(in en)", "(LEÓN SANCHEZ, 2021-03)"
        return QuoteReply(
            command="quote",
            query=request.argument,
            error=f"No quote matches “{said}”{within}. Try fewer words, or `{request.prefix}whosaid` for a looser match.",
        )
    total = len(hits)
    pages = math.ceil(total / PER_PAGE)
    if page > pages:
        raise UserError(f"There {'is' if pages == 1 else 'are'} only {plural(pages, 'page')} of turns matching “{said}”.")
    phrases, rest = split_phrases(text)
    shown = store.placed(" ".join([*phrases, rest]), hits[(page - 1) * PER_PAGE : page * PER_PAGE])
    following = _with_page(request.argument, page + 1) if page < pages else None
    return QuoteReply(
        command="quote",
        query=request.argument,
        summary=_summary(total, said, filters, close, page, pages, getattr(hits, "exact", None)),
        hits=[hit_out(store, h, request.prefix) for h in shown],
        total=total,
        page=page,
        pages=pages,
        per_page=PER_PAGE,
        next=f"{request.prefix}quote {following}" if following else None,
    )


def _with_page(argument: str, page: int) -> str:
    """The same argument asking for another page."""
    kept = re.sub(r"(?<!\S)(?:page|p):\S*", " ", argument, flags=re.IGNORECASE)
    return f"{' '.join(kept.split())} page:{page}"


COMMAND = Command(
    name="quote",
    usage="quote WORDS [speaker:… meeting:… date:… lang:… page:N]",
    summary='Every turn that contains these words, best first; "a phrase in quotes" must appear as written.',
    handler=quote,
    example="quote DAAR",
)
