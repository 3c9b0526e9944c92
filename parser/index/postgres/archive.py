"""PostgreSQL as an `Archive`: what one guild sees (its records and the shared ones; a DM the
shared ones), answering every question the commands ask as `MemoryArchive` answers it.

Turn ids are the rows' ids (a meeting's seq << 20 | its position: record order). The turns a
search just returned are kept (`CACHED` of them), so showing them costs no query; others are
fetched by id, several at once where the caller asks for several. Counts come from the
aggregates the writer keeps (`search_meetings`, `search_speakers`, `search_word_df`), not from
the turns. An archive never changes: what it reads once (meetings, speakers, lexicons) it keeps;
the library makes a new one when records change. A server that is away raises
`RecordsUnavailable` from every method.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from parser.index.archive import MeetingFigures, Narrowing, NothingFits, SpeakerIn, Verbatim
from parser.index.postgres import closest, ranked, search
from parser.index.postgres.filters import Where
from parser.index.postgres.schema import POSITION_BITS, SHARED
from parser.index.postgres.store import PgStore, scope_of
from parser.index.postgres.words import ScopeSize, ScopeWords, common_words, phrase, scope_size, scope_words
from parser.index.rank import Lexicon, Matcher, analyse
from parser.index.search import RERANK, SPANS, Hit, bounded
from parser.index.speakers import Speaker, SpeakerIndex, Tally
from parser.index.tally import MIN_TERM_COUNT, as_printed, is_term, log_odds
from parser.models import Meeting, Turn
from parser.text import fold, token_span

CACHED = 1024  # turns kept after a search or a fetch (a reply shows a few; a verdict reads fifty; 64 servers' views)
PHRASES = 2  # the last phrases' turns kept (!whosaid asks find_phrase, then verbatim)
LEXICONS = 8  # the last queries' vocabularies and phrases' turns kept (a search and its verdict ask for the same)
WORDS = 4096  # words' turn counts and adjacency kept (`!quote` asks them of every way to split a long word)
DISTINCTIVE_TURNS = 20_000  # a speaker's first turns whose words `distinctive_words` counts
K = TypeVar("K")
V = TypeVar("V")
_COLUMNS = "t.id, t.meeting_id, t.turn_index, t.speaker, t.text, t.page, t.start_s, t.end_s"
# A statement joining the turns to anything names the scope for each side: a side told only
# `guild_id = <the other side's>` is planned on every guild's partition (20 ms at 1,000 guilds).
MEETINGS_SQL = (
    "SELECT m.meeting_id, m.title, m.date, m.language, m.url, m.source, m.format, m.guild_id, m.seq, m.turns, m.words,"
    " coalesce((SELECT t.chat FROM search_turns t WHERE t.guild_id = ANY(%(scope)s::bigint[]) AND t.guild_id = m.guild_id"
    f" AND t.id = m.seq << {POSITION_BITS}), false)"  # its first turn
    " FROM search_meetings m WHERE m.guild_id = ANY(%(scope)s::bigint[]) ORDER BY m.seq"
)
NEXT_OF_SPEAKERS_SQL = (  # each turn's speaker's next turn in its meeting, at most `within` turns on
    # The turns after it are read by id (`within` rows) and only then compared by speaker (OFFSET 0
    # keeps the comparison out): told the speaker, the planner reads all their turns by the
    # speaker's index (21k rows, 6 ms a turn, for a frequent speaker of the shared records).
    f"SELECT t.id, {_COLUMNS.replace('t.', 'n.')} FROM search_turns t CROSS JOIN LATERAL"
    f" (SELECT n.* FROM (SELECT {_COLUMNS.replace('t.', 'n.')} FROM search_turns n"
    " WHERE n.guild_id = ANY(%(scope)s::bigint[]) AND n.guild_id = t.guild_id AND n.meeting_id = t.meeting_id"
    " AND n.id > t.id AND n.id <= t.id + %(within)s OFFSET 0) n WHERE n.speaker = t.speaker ORDER BY n.id LIMIT 1) n"
    " WHERE t.guild_id = ANY(%(scope)s::bigint[]) AND t.id = ANY(%(ids)s::bigint[])"
)


class _Kept(Generic[K, V]):
    """The last `size` values put, by key (a command's threads share an archive: one at a time)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


@dataclass(frozen=True)
class _Place:
    """A meeting as the archive reads it: its first turn's id, its size and its printed words."""

    guild: int
    base: int
    turns: int
    words: int


class PgArchive:
    """What guild `guild_id` (None: a DM) sees of the records in `store`."""

    def __init__(self, store: PgStore, guild_id: int | None) -> None:
        self.store = store
        self.guild_id = guild_id
        self.scope = scope_of(guild_id)
        self._meetings: dict[str, Meeting] | None = None
        self._places: dict[str, _Place] = {}
        self._speakers: SpeakerIndex | None = None
        self._totals: tuple[int, int, int] | None = None
        self._terms_total: int | None = None
        self._size: ScopeSize | None = None
        self._common: dict[str, int] | None = None
        self._turns: _Kept[int, Turn] = _Kept(CACHED)
        self._lexicons: _Kept[tuple[tuple[str, ...], bool], ScopeWords] = _Kept(LEXICONS)
        # a common phrase's rows are every turn holding it: only the last two (a search and its verdict)
        self._phrases: _Kept[tuple[str, Where | None], list[ranked.PhraseRow]] = _Kept(PHRASES)
        # the closest turns' best rows of the last searches (`!whosaid` widens a search that found no fit)
        self._closest: _Kept[tuple[str, Where | None], closest.Asked] = _Kept(PHRASES)
        self._word_turns: _Kept[str, int] = _Kept(WORDS)  # 0: no turn holds it
        self._adjacent: _Kept[tuple[str, str], bool] = _Kept(WORDS)

    def _query(self, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[tuple[Any, ...]]:
        with self.store.db.reading() as conn:
            return conn.execute(sql, params).fetchall()

    # ----- what is seen -----
    @property
    def meetings(self) -> Mapping[str, Meeting]:
        if self._meetings is None:
            rows = self._query(MEETINGS_SQL, {"scope": self.scope})
            self._meetings = {
                r[0]: Meeting(
                    id=r[0],
                    title=r[1],
                    date=r[2],
                    language=r[3],
                    url=r[4],
                    source=r[5],
                    format=r[6],
                    chat=r[11],  # the store writes a chat record's every turn as chat
                    scope=None if r[7] == SHARED else r[7],
                )
                for r in rows
            }
            self._places = {r[0]: _Place(r[7], r[8] << POSITION_BITS, r[9], r[10]) for r in rows}
        return self._meetings

    def _place(self, meeting_id: str) -> _Place:
        if self._meetings is None:
            _ = self.meetings  # the places are read with the meetings
        return self._places[meeting_id]

    @property
    def speakers(self) -> SpeakerIndex:
        if self._speakers is None:
            self._speakers = self.store.speakers(self.guild_id)
        return self._speakers

    def _name(self, label: str) -> str:
        """The resolved speaker of a printed label; the label itself for a record written after
        this archive read its speakers (the library is making a new archive)."""
        speaker = self.speakers.label_speaker(label)
        return label if speaker is None else speaker.name

    def totals(self) -> tuple[int, int, int]:
        if self._totals is None:
            counts = self.store.totals(self.guild_id)
            self._totals = (counts["meetings"], counts["turns"], counts["words"])
        return self._totals

    # ----- one turn -----
    def _keep(self, turn_id: int, turn: Turn) -> None:
        self._turns.put(turn_id, turn)

    def _keep_rows(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Keep turns from rows of `search.TURN`'s columns."""
        for r in rows:
            self._keep(r[0], Turn(meeting_id=r[1], index=r[3], speaker=r[4], text=r[5], page=r[6], start=r[7], end=r[8]))

    def fetch(self, turn_ids: Iterable[int]) -> dict[int, Turn]:
        """The turns of these ids (those not kept fetched in one query); an id not seen is left out."""
        wanted = list(dict.fromkeys(int(t) for t in turn_ids))
        found: dict[int, Turn] = {}
        for t in wanted:
            kept = self._turns.get(t)
            if kept is not None:
                found[t] = kept
        missing = [t for t in wanted if t not in found]
        if missing:
            rows = self._query(
                f"SELECT {_COLUMNS} FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.id = ANY(%s::bigint[])",
                (self.scope, missing),
            )
            for r in rows:
                turn = Turn(meeting_id=r[1], index=r[2], speaker=r[3], text=r[4], page=r[5], start=r[6], end=r[7])
                found[r[0]] = self._turns.put(r[0], turn)
        return {t: found[t] for t in wanted if t in found}

    def turn(self, turn_id: int) -> Turn:
        found = self.fetch([turn_id]).get(turn_id)
        if found is None:
            raise IndexError(turn_id)
        return found

    def text(self, turn_id: int) -> str:
        return self.turn(turn_id).text

    def speaker_name(self, turn_id: int) -> str:
        return self._name(self.turn(turn_id).speaker)

    def next_of_speaker(self, turn_id: int, within: int) -> int | None:
        return self.next_of_speakers([turn_id], within)[int(turn_id)]

    def next_of_speakers(self, turn_ids: Collection[int], within: int) -> dict[int, int | None]:
        """In one query, and the next turns kept: the verdict reads them next."""
        wanted = list(dict.fromkeys(int(t) for t in turn_ids))
        if not wanted:
            return {}
        rows = self._query(NEXT_OF_SPEAKERS_SQL, {"scope": self.scope, "within": within, "ids": wanted})
        found: dict[int, int | None] = dict.fromkeys(wanted)
        for r in rows:
            self._keep(r[1], Turn(meeting_id=r[2], index=r[3], speaker=r[4], text=r[5], page=r[6], start=r[7], end=r[8]))
            found[r[0]] = int(r[1])
        return found

    # ----- one meeting -----
    def meeting_turns(self, meeting_id: str, first: int = 0, stop: int | None = None) -> list[int]:
        place = self._place(meeting_id)  # a meeting's turns are its first id and the positions after it
        return list(range(place.base, place.base + place.turns)[first:stop])

    def meeting_size(self, meeting_id: str) -> int:
        return self._place(meeting_id).turns

    def position(self, meeting_id: str, turn_index: int) -> int | None:
        if meeting_id not in self.meetings:
            return None
        place = self._place(meeting_id)
        rows = self._query(
            "SELECT position FROM search_turns WHERE guild_id = %s AND id BETWEEN %s AND %s AND turn_index = %s"
            " ORDER BY position = %s DESC, position LIMIT 1",  # as memory: the turn at that position first
            (place.guild, place.base, place.base + place.turns - 1, turn_index, turn_index),
        )
        return int(rows[0][0]) if rows else None

    def meeting_figures(self, meeting_id: str) -> MeetingFigures:
        place = self._place(meeting_id)
        rows = self._query(
            "SELECT label, turns, first_turn FROM search_speakers WHERE guild_id = %s AND meeting_id = %s ORDER BY first_turn",
            (place.guild, meeting_id),
        )
        people: dict[str, list[int]] = {}  # name → [turns, first turn]; first said breaks ties, as Counter.most_common
        for label, turns, first in rows:
            entry = people.setdefault(self._name(label), [0, first])
            entry[0] += turns
        names = sorted(people, key=lambda name: (-people[name][0], people[name][1]))
        return MeetingFigures(place.turns, place.words, names)

    # ----- counting -----
    def tally(self, meeting_id: str | None = None) -> list[Tally]:
        only = "" if meeting_id is None else " AND meeting_id = %s"
        rows = self._query(
            f"SELECT label, sum(turns)::bigint, sum(words)::bigint, sum(seconds) FROM search_speakers"
            f" WHERE guild_id = ANY(%s::bigint[]){only} GROUP BY label",
            (self.scope,) if meeting_id is None else (self.scope, meeting_id),
        )
        people: dict[str, list[Any]] = {}  # name → [turns, words, seconds or None]
        for label, turns, words, seconds in rows:
            entry = people.setdefault(self._name(label), [0, 0, None])
            entry[0] += int(turns)
            entry[1] += int(words)
            if seconds is not None:
                entry[2] = (entry[2] or 0.0) + float(seconds)
        tallies = [Tally(name, t, w, s) for name, (t, w, s) in people.items()]
        return sorted(tallies, key=lambda t: (-t.words, -t.turns, t.name))

    def speaker_meetings(self, speaker: Speaker) -> list[SpeakerIn]:
        rows = self._query(
            "SELECT s.meeting_id, sum(s.turns)::bigint, sum(s.words)::bigint, min(m.words) FROM search_speakers s"
            " JOIN search_meetings m ON m.guild_id = s.guild_id AND m.meeting_id = s.meeting_id"
            " WHERE s.guild_id = ANY(%s::bigint[]) AND s.label = ANY(%s::text[])"
            " GROUP BY s.guild_id, s.meeting_id ORDER BY min(s.first_turn)",
            (self.scope, list(speaker.labels)),
        )
        return [SpeakerIn(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]

    def speaker_seconds(self, speaker: Speaker) -> float | None:
        rows = self._query(
            "SELECT sum(seconds) FROM search_speakers WHERE guild_id = ANY(%s::bigint[]) AND label = ANY(%s::text[])",
            (self.scope, list(speaker.labels)),
        )
        return None if not rows or rows[0][0] is None else float(rows[0][0])

    def first_turns(self, speaker: Speaker, count: int) -> list[int]:
        rows = self._query(
            f"SELECT {search.TURN} FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.speaker = ANY(%s::text[])"
            " ORDER BY t.id LIMIT %s",
            (self.scope, list(speaker.labels), count),
        )
        self._keep_rows(rows)
        return [int(r[0]) for r in rows]

    def distinctive_words(self, speaker: Speaker, stop: Collection[str], limit: int) -> list[str]:
        """Words the speaker uses most and everyone else seen least (`tally.log_odds`), as printed.

        The speaker's words are counted in their first `DISTINCTIVE_TURNS` turns (folded here);
        everyone's are the counts the writer keeps (`search_word_df.said`), as memory keeps its
        term counts: the lists are memory's.
        """
        rows = self._query(
            "SELECT t.folded, t.text FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.speaker = ANY(%s::text[])"
            " ORDER BY t.id LIMIT %s",
            (self.scope, list(speaker.labels), DISTINCTIVE_TURNS),
        )
        said: Counter[str] = Counter(w for folded, _ in rows for w in folded.split() if is_term(w))
        counts = self._query(
            "SELECT w.word, sum(d.said)::bigint FROM search_words w JOIN search_word_df d ON d.word_id = w.id"
            " WHERE d.guild_id = ANY(%s::bigint[]) AND w.word = ANY(%s::text[]) GROUP BY w.word",
            (self.scope, [w for w, n in said.items() if n >= MIN_TERM_COUNT and w not in stop]),
        )
        corpus = {word: int(n) for word, n in counts}
        # every other term of the background under one key no word has: `log_odds` reads only their sum
        corpus[" "] = max(0, self._corpus_terms() - sum(corpus.values()))
        chosen = log_odds(said, corpus, stop, limit)
        return as_printed((text for _, text in rows), chosen)

    def _corpus_terms(self) -> int:
        """How often terms are said in the scope in all: the size of the background `log_odds` compares with."""
        if self._terms_total is None:
            rows = self._query(
                "SELECT coalesce(sum(d.said), 0)::bigint FROM search_word_df d JOIN search_words w ON w.id = d.word_id"
                " WHERE d.guild_id = ANY(%s::bigint[]) AND length(w.word) >= 3 AND w.word !~ '^[0-9]+$'",
                (self.scope,),
            )
            self._terms_total = int(rows[0][0])
        return self._terms_total

    # ----- searching -----
    def narrow(self, narrowing: Narrowing) -> Where | None:
        if not narrowing.active:
            return None
        labels = tuple(label for person in narrowing.speakers for label in person.labels)
        spans = self._spans(narrowing) if narrowing.meetings or narrowing.dates or narrowing.languages else None
        where = Where(labels=labels, spans=spans)
        if spans == ():
            raise NothingFits
        if labels:  # a speaker's turns in those meetings (without speakers, a meeting kept holds turns)
            clause, params = where.sql(self.scope)
            rows = self._query(
                f"SELECT EXISTS (SELECT 1 FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]){clause})",
                [self.scope, *params],
            )
            if not rows[0][0]:
                raise NothingFits
        return where

    def _spans(self, narrowing: Narrowing) -> tuple[tuple[int, int, int], ...]:
        """The id ranges of the turns of the meetings seen that the narrowing's meetings, dates and
        languages keep (each empty: no condition), in record order."""
        places = [self._places[m] for m, meeting in self.meetings.items() if narrowing.fits(meeting)]
        return tuple((p.guild, p.base, p.base + p.turns - 1) for p in places if p.turns)

    def only(self, hits: Sequence[Hit], within: Where | None) -> Where:
        ids = hits.ids if isinstance(hits, ranked.PhraseHits | ranked.WordHits) else [h.turn_id for h in hits]
        if within is not None and within.ids is not None:
            kept = set(within.ids)
            ids = [t for t in ids if t in kept]
        return replace(within or Where(), ids=tuple(ids))

    def lexicon(self, words: list[str], loose: bool = False) -> Lexicon:
        return self._lexicon(words, loose)

    def _lexicon(self, words: list[str], loose: bool = False) -> ScopeWords:
        """The scope's words these folded query words may stand for, kept for the query's next stages.

        Made from the same words' other one where kept (`!quote` looks strictly, then loosely; a
        verdict loosely, then strictly to place the nearest turn): only what it lacks is asked."""
        key = (tuple(words), loose)
        found = self._lexicons.get(key)
        if found is None:
            base = self._lexicons.get((tuple(words), not loose))
            with self.store.db.reading() as conn:
                if self._size is None:
                    self._size = scope_size(conn, self.scope)
                found = self._lexicons.put(key, scope_words(conn, self.scope, words, loose, self._size, base, self._common_words))
        return found

    def _common_words(self, conn: Any, size: ScopeSize) -> dict[str, int]:
        """The scope's words a known word may be a typo of (asked once a view: a few thousand)."""
        if self._common is None:
            self._common = common_words(conn, self.scope, size)
        return self._common

    def word_turns(self, word: str) -> int | None:
        return self.words_turns([word])[word]

    def words_turns(self, words: Collection[str]) -> dict[str, int | None]:
        """Those not kept counted in one query."""
        kept = {word: self._word_turns.get(word) for word in words}
        missing = [word for word, turns in kept.items() if turns is None]
        if missing:
            rows = self._query(
                "SELECT w.word, sum(d.df)::bigint FROM search_words w JOIN search_word_df d ON d.word_id = w.id"
                " WHERE w.word = ANY(%s::text[]) AND d.guild_id = ANY(%s::bigint[]) GROUP BY w.word",
                (missing, self.scope),
            )
            counted = {word: int(turns or 0) for word, turns in rows}
            for word in missing:
                kept[word] = self._word_turns.put(word, counted.get(word, 0))
        return {word: turns or None for word, turns in kept.items()}

    def adjacent(self, first: str, second: str) -> bool:
        said = self._adjacent.get((first, second))
        if said is None:
            rows = self._query(
                "SELECT EXISTS (SELECT 1 FROM search_turns t WHERE t.guild_id = ANY(%s::bigint[]) AND t.tsv @@ %s::tsquery)",
                (self.scope, phrase([first, second])),
            )
            said = self._adjacent.put((first, second), bool(rows[0][0]))
        return said

    def pair_turns(self, first: str, second: str) -> int | None:
        """None: pair counts are not kept (each would be a count over the index); the odds then
        read the two words as independent, which is what the in-memory store does for its rare pairs."""
        return None

    def _phrase_rows(self, text: str, within: Where | None) -> tuple[list[str], list[ranked.PhraseRow]]:
        """The folded phrase's words, and its turns (id, label, occurrences) in memory's order."""
        words = fold(text).split()
        if not words:
            return words, []
        key = (" ".join(words), within)
        rows = self._phrases.get(key)
        if rows is None:
            with self.store.db.reading() as conn:
                found = search.find_phrase(conn, self.scope, text, within, shown=0)
            rows = self._phrases.put(key, ranked.phrase_order(found.rows, words, lambda: self._lexicon(words)))
        return words, rows

    def find_phrase(self, phrase: str, within: Where | None = None) -> Sequence[Hit]:
        words, rows = self._phrase_rows(phrase, within)
        head = [row[0] for row in rows[:SPANS]]
        texts = self.fetch(head)
        located = {t: ranked.phrase_hit(t, texts[t].text, words) for t in head}
        return ranked.PhraseHits([row[0] for row in rows], [row[1] for row in rows], located)

    def verbatim(self, phrase: str, within: Where | None, shown: int) -> Verbatim | None:
        words, rows = self._phrase_rows(phrase, within)
        if not rows:
            return None
        people: dict[str, list[Any]] = {}  # name → [turns, first place among the hits, labels…]
        for at, (_, label, _) in enumerate(rows):
            entry = people.setdefault(self._name(label), [0, at])
            entry[0] += 1
            entry.append(label)
        ranked_people = sorted(people.items(), key=lambda item: (-item[1][0], item[1][1]))
        first: list[int] = []
        for _, (_, _, *labels) in ranked_people:
            if len(first) >= shown:
                break
            own = set(labels)
            first += sorted(turn_id for turn_id, label, _ in rows if label in own)[: shown - len(first)]
        texts = self.fetch(first)
        return Verbatim(
            len(rows),
            [(name, entry[0]) for name, entry in ranked_people],
            [ranked.phrase_hit(t, texts[t].text, words) for t in first],
        )

    def find_words(self, query: str, within: Where | None = None, rank: int = RERANK) -> Sequence[Hit]:
        folded = " ".join(bounded(fold(query).split()))
        words = self._lexicon(folded.split())

        def fetch(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
            rows = self._query(sql, params)
            if rows and len(rows[0]) >= len(search.TURN.split(",")):
                self._keep_rows(rows)  # turns a page may show (not the bare ids `only` asks for)
            return rows

        return ranked.find_words(fetch, self.scope, words, folded, within, rank)

    def find_closest(self, query: str, limit: int = 5, within: Where | None = None, widen: bool = True) -> list[Hit]:
        folded = " ".join(bounded(fold(query).split()))
        words = self._lexicon(folded.split(), loose=True)
        with self.store.db.reading() as conn:
            kept = self._closest.get((folded, within)) or self._closest.put((folded, within), closest.Asked())
            found = closest.find_closest(conn, self.scope, folded, limit, within, widen=widen, words=words, kept=kept)
        for f in found:
            self._keep(f.id, f.turn)
        return [Hit(f.id, f.score, f.span, f.exact, f.tokens) for f in found]

    def placed(self, query: str, hits: Sequence[Hit]) -> list[Hit]:
        hits = list(hits)
        texts = self.fetch(h.turn_id for h in hits if h.span is None)
        scorer: Matcher | None = None
        out = []
        for hit in hits:
            if hit.span is None and hit.tokens is None:
                if scorer is None:
                    folded = fold(query)
                    scorer = Matcher(analyse(self._lexicon(folded.split()), folded.split()), folded)
                scored = scorer.score(fold(texts[hit.turn_id].text))
                hit = replace(hit, tokens=(scored.first, scored.last))
            if hit.span is None and hit.tokens is not None:
                hit = replace(hit, span=token_span(texts[hit.turn_id].text, *hit.tokens))
            out.append(hit)
        return out
