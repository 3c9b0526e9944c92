"""`PgArchive` answers every `Archive` question as `MemoryArchive` does, on the same real records.

The same records go into one in-memory `TurnStore` (each guild's own records scoped to it) and
into PostgreSQL by the bulk writer: the shared ones (the bundled sample and records of five
formats) as guild 0, two records as guild 7's own and one as guild 8's. Each view — guild 7,
guild 8, a DM — is asked every question of both archives. Turn ids differ between the stores
(positions, row ids): turns are compared by what a user sees of them.

Where the two may differ, and why, the test says so: memory weighs words with the counts of
every record it holds (a view shares its store's vocabulary), PostgreSQL with those of the
records the guild sees; and `distinctive_words` counts turns in PostgreSQL, occurrences in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from bench.corpus import make_queries
from config.aliases import load_aliases
from parser.index.archive import Archive, Narrowing, NothingFits
from parser.index.evidence import weights
from parser.index.memory_archive import MemoryArchive, archive_of
from parser.index.postgres.archive import PgArchive
from parser.index.postgres.schema import SHARED
from parser.index.postgres.store import PgStore
from parser.index.postgres.writer import import_records
from parser.index.rank import analyse
from parser.index.search import Hit, bounded
from parser.index.store import TurnStore
from parser.models import Record
from parser.readers.loader import load
from parser.text import fold
from tests.conftest import SAMPLE
from tests.parser.index.postgres.conftest import fresh_database
from tests.parser.qmsum_records import qmsum_records

SEVEN, EIGHT = 7, 8
VIEWS = [SEVEN, EIGHT, None]
FRENCH = "icann70-lacralo-roundtable-fr"


def scoped(records: list[Record], guild: int) -> list[Record]:
    return [r.model_copy(update={"meeting": r.meeting.model_copy(update={"scope": guild})}) for r in records]


@pytest.fixture(scope="module")
def records(corpus: Path) -> dict[int, list[Record]]:
    otter = [corpus / "otter" / "ladybug-20-debugging.md", corpus / "otter" / "ladybug-29-building-a-resume.md"]
    shared = [*load([SAMPLE]).records, *load([corpus / f for f in ["icann", "markdown", "srt", "zoom-vtt"]] + otter).records]
    seven = [*qmsum_records(["test/covid_4"]), *load([corpus / "vtt-voice" / "python-bytes-451.vtt"]).records]
    # the vtt episode has the srt one's id: both stores name it `podcast-namespace-episode-2`
    eight = load([corpus / "otter" / "ladybug-62-security.txt", corpus / "vtt-voice" / "podcast-namespace-episode.vtt"]).records
    return {SHARED: shared, SEVEN: scoped(seven, SEVEN), EIGHT: scoped(eight, EIGHT)}


@pytest.fixture(scope="module")
def own_url() -> Iterator[str]:
    """A database of this module's own: the other modules of the session write other rows to theirs."""
    yield from fresh_database()


@pytest.fixture(scope="module")
def pg(own_url: str, records: dict[int, list[Record]]) -> Iterator[PgStore]:
    import psycopg

    store = PgStore(own_url, load_aliases())
    store.migrate()
    with psycopg.connect(own_url) as conn:
        for guild, own in records.items():
            import_records(conn, own, guild)
    yield store
    store.close()


@pytest.fixture(scope="module")
def memory(records: dict[int, list[Record]]) -> TurnStore:
    return TurnStore([r for own in records.values() for r in own], load_aliases())


@pytest.fixture(scope="module", params=VIEWS, ids=["guild7", "guild8", "dm"])
def both(request: pytest.FixtureRequest, memory: TurnStore, pg: PgStore) -> tuple[MemoryArchive, PgArchive]:
    return archive_of(memory.view(request.param)), PgArchive(pg, request.param)


def seen(archive: Archive, hits: Sequence[Hit]) -> list[tuple[str, int, str]]:
    """The hits as a user sees them: meeting, turn number, words."""
    out = []
    for hit in hits:
        turn = archive.turn(hit.turn_id)
        out.append((turn.meeting_id, turn.index, turn.text))
    return out


def every(archive: Archive) -> object:
    """What a search without filters is given (memory: the view's turns; PostgreSQL: None)."""
    return archive.narrow(Narrowing())


# ----- what is seen -----


def test_the_same_meetings_speakers_and_totals(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    assert list(pg.meetings.values()) == list(mem.meetings.values())
    assert pg.totals() == mem.totals()
    assert {s.name: len(s.turn_ids) for s in pg.speakers.speakers} == {s.name: len(s.turn_ids) for s in mem.speakers.speakers}
    for meeting_id in mem.meetings:
        assert pg.meeting_size(meeting_id) == mem.meeting_size(meeting_id)
        assert pg.meeting_figures(meeting_id) == mem.meeting_figures(meeting_id), meeting_id
        middle = [mem.text(t) for t in mem.meeting_turns(meeting_id, 3, 9)]
        assert [pg.text(t) for t in pg.meeting_turns(meeting_id, 3, 9)] == middle
        assert [pg.speaker_name(t) for t in pg.meeting_turns(meeting_id)] == [
            mem.speaker_name(t) for t in mem.meeting_turns(meeting_id)
        ]
        last = mem.turn(mem.meeting_turns(meeting_id)[-1])
        assert pg.position(meeting_id, last.index) == mem.position(meeting_id, last.index) == mem.meeting_size(meeting_id) - 1
        assert pg.position(meeting_id, 10**6) is mem.position(meeting_id, 10**6) is None


@pytest.mark.parametrize("store", ["memory", "postgres"])
def test_a_guild_never_sees_another_guilds_records(
    store: str, pg: PgStore, memory: TurnStore, records: dict[int, list[Record]]
) -> None:
    for guild, others in [(SEVEN, EIGHT), (EIGHT, SEVEN), (None, SEVEN), (None, EIGHT)]:
        archive: Archive = PgArchive(pg, guild) if store == "postgres" else archive_of(memory.view(guild))
        assert not {m.scope for m in archive.meetings.values()} - {None, guild}
        for record in records[others]:
            if record.meeting.id in {r.meeting.id for r in records[SHARED]}:
                continue  # the same episode, shared too (its own id is then another)
            assert record.meeting.id not in archive.meetings
            quote = max((t.text for t in record.turns), key=len)
            assert not archive.find_phrase(quote) and not archive.verbatim(quote, None, 3)
            assert not [h for h in archive.find_closest(quote) if h.score >= 80]
            assert not archive.find_words(quote)
        theirs = {t.speaker for r in records[others] for t in r.turns} - {
            t.speaker for g, own in records.items() if g in (SHARED, guild) for r in own for t in r.turns
        }
        assert theirs and not theirs & {label for s in archive.speakers.speakers for label in s.labels}
        assert archive.totals()[1] == sum(len(r.turns) for g, own in records.items() if g in (SHARED, guild) for r in own)


# ----- counting -----


def test_the_same_tallies(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both

    def rounded(tallies: list) -> list:
        return [(t.name, t.turns, t.words, None if t.seconds is None else round(t.seconds, 1)) for t in tallies]

    assert rounded(pg.tally()) == rounded(mem.tally())
    for meeting_id in mem.meetings:
        assert rounded(pg.tally(meeting_id)) == rounded(mem.tally(meeting_id)), meeting_id


def test_the_same_figures_for_each_speaker(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    people = {s.name: s for s in pg.speakers.speakers}
    for person in mem.speakers.speakers:
        theirs = people[person.name]
        assert pg.speaker_meetings(theirs) == mem.speaker_meetings(person), person.name
        seconds = mem.speaker_seconds(person)
        assert pg.speaker_seconds(theirs) == (None if seconds is None else pytest.approx(seconds, abs=0.5)), person.name
        assert [pg.text(t) for t in pg.first_turns(theirs, 4)] == [mem.text(t) for t in mem.first_turns(person, 4)]


def test_distinctive_words_agree(both: tuple[MemoryArchive, PgArchive]) -> None:
    """Both compare how often the speaker says a word with how often everyone seen does."""
    mem, pg = both
    people = {s.name: s for s in pg.speakers.speakers}
    busy = sorted(mem.speakers.speakers, key=lambda s: -len(s.turn_ids))[:6]
    stop = {"the", "and", "that", "les", "des", "que"}
    asked = 0
    for person in busy:
        expected = mem.distinctive_words(person, stop, 10)
        got = pg.distinctive_words(people[person.name], stop, 10)
        assert got == expected, person.name
        assert not set(got) & stop
        asked += len(expected)
    assert asked


# ----- searching -----

WORDS = ["UIT", "internet", "nous avons 29 associes", "vaccine passport", "the merge", "we need to decide", "asociés", "python"]


def test_the_same_hits_for_every_word(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    for query in WORDS:
        expected = mem.find_words(query, every(mem))
        got = pg.find_words(query, every(pg))
        assert len(got) == len(expected), query
        assert getattr(got, "exact", None) == getattr(expected, "exact", None), query
        assert seen(pg, got[:10]) == seen(mem, expected[:10]), query


def test_quote_says_how_many_hold_the_word_itself(both: tuple[MemoryArchive, PgArchive]) -> None:
    """`!quote associes`: "2 turns say associes · 2 more have a similar word" (guild 7), on both stores."""
    mem, pg = both
    for query in ["associes", "UIT", "internat", "metting"]:
        expected, got = mem.find_words(query, every(mem)), pg.find_words(query, every(pg))
        assert (got.exact, len(got)) == (expected.exact, len(expected)), query  # type: ignore[attr-defined]
        assert seen(pg, got[: got.exact]) == seen(mem, expected[: expected.exact])  # type: ignore[attr-defined]
    if pg.guild_id == SEVEN:
        said = pg.find_words("associes", every(pg))
        assert 0 < said.exact < len(said)  # type: ignore[attr-defined]


def test_deep_pages_of_a_common_word(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    expected, got = mem.find_words("the", every(mem), rank=20), pg.find_words("the", every(pg), rank=20)
    assert len(got) == len(expected) > 400
    for page in [1, 5, 60, 61, -(-len(expected) // 5)]:
        shown = slice((page - 1) * 5, page * 5)
        assert seen(pg, got[shown]) == seen(mem, expected[shown]), page
        assert [h.score for h in got[shown]] == [h.score for h in expected[shown]], page
    placed = pg.placed("the", got[500:505])
    assert all(h.span is not None for h in placed)
    assert [h.span for h in placed] == [h.span for h in mem.placed("the", expected[500:505])]


PHRASES = ["nous avons 29 associes", "i think", "the merge", "de la", "yeah", "mm-hmm", "you know"]


def test_the_same_phrases_in_the_same_order(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    for phrase in PHRASES:
        expected = mem.find_phrase(phrase, every(mem))
        got = pg.find_phrase(phrase, every(pg))
        assert len(got) == len(expected), phrase
        assert seen(pg, got) == seen(mem, expected), phrase
        assert [h.span for h in pg.placed(phrase, got[:12])] == [h.span for h in mem.placed(phrase, expected[:12])], phrase
        assert pg.verbatim(phrase, every(pg), 3) == _verbatim_seen(mem, phrase), phrase
    assert pg.verbatim("no turn says this at all", None, 3) is None


def _verbatim_seen(mem: MemoryArchive, phrase: str) -> object:
    found = mem.verbatim(phrase, every(mem), 3)
    return found if found is None else _SameVerbatim(mem, found)


class _SameVerbatim:
    """A memory `Verbatim` equal to a PostgreSQL one saying the same (the same turns shown, by what they say)."""

    def __init__(self, mem: MemoryArchive, found: object) -> None:
        self.mem, self.found = mem, found

    def __eq__(self, other: object) -> bool:
        mine = self.found
        return (
            other.total == mine.total  # type: ignore[attr-defined]
            and other.said_by == mine.said_by  # type: ignore[attr-defined]
            and [h.span for h in other.shown] == [h.span for h in mine.shown]  # type: ignore[attr-defined]
            and [h.tokens for h in other.shown] == [h.tokens for h in mine.shown]  # type: ignore[attr-defined]
        )


def damaged(mem: MemoryArchive, count: int) -> list[str]:
    source = [(m, [(mem.turn(t).speaker, mem.text(t)) for t in mem.meeting_turns(m)]) for m in mem.meetings]
    return [q.text for q in make_queries(source, count, seed=16)]


def test_the_same_closest_turns(both: tuple[MemoryArchive, PgArchive]) -> None:
    """The closest turn, wherever it fits well (80 or more: what the verdict weighs first)."""
    mem, pg = both
    differ = []
    for query in [*WORDS, *damaged(mem, 30)]:
        expected = [h for h in mem.find_closest(query, 5, every(mem)) if h.score >= 80]
        got = [h for h in pg.find_closest(query, 5, every(pg)) if h.score >= 80]
        if seen(pg, got[:1]) != seen(mem, expected[:1]):
            differ.append(query)
        assert [h.span for h in pg.placed(query, got[:1])] == [h.span for h in got[:1]]
    assert not differ


def test_a_widened_search_after_its_first_pool_finds_what_a_search_of_its_own_does(
    both: tuple[MemoryArchive, PgArchive], pg: PgStore
) -> None:
    """`!whosaid` searches its first pool, then widens when nothing there fits: the widened search
    takes the first one's rows and scores from the view, and must find what it would alone."""
    mem, view = both
    queries = ["the weather in Lisbon was lovely all week", "nous avons mangé des crêpes au marché", *damaged(mem, 6)]
    for query in queries:
        first = view.find_closest(query, 5, every(view), widen=False)
        widened = view.find_closest(query, 5, every(view))
        alone = PgArchive(pg, view.guild_id).find_closest(query, 5, every(view))
        assert [(h.turn_id, h.score) for h in widened] == [(h.turn_id, h.score) for h in alone], query
        assert {h.turn_id for h in first if h.score >= 80} <= {h.turn_id for h in widened}, query


def test_the_same_vocabulary_answers(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    folded = [set(mem.store.folded[t].split()) for t in mem.store.seen_turns()]
    for word in ["internet", "the", "vaccine", "security", "zzzqx"]:
        # memory counts the turns of every record it holds, another guild's too (a view shares the
        # store's vocabulary); PostgreSQL those the guild sees
        assert pg.word_turns(word) == (sum(word in words for words in folded) or None), word
    assert pg.adjacent("de", "la") and mem.adjacent("de", "la")
    assert not pg.adjacent("la", "zzzqx")
    terms = pg.lexicon(["internat"], loose=True)
    assert "internet" in terms.vocab.ids


def test_a_loose_vocabulary_from_the_kept_common_words_is_the_one_asked_for(
    both: tuple[MemoryArchive, PgArchive], pg: PgStore
) -> None:
    """The view keeps its scope's common words once; each loose query takes the ones it needs from
    them, and gets what asking the database for just those gives (`form` may be `from`)."""
    from parser.index.postgres.words import scope_size, scope_words

    mem, view = both
    queries = [["form", "the", "internat"], ["thier", "vaccine"], *(fold(q).split() for q in damaged(mem, 30))]
    with pg.db.reading() as conn:
        size = scope_size(conn, view.scope)
        for words in queries:
            kept = view.lexicon(words, loose=True)
            asked = scope_words(conn, view.scope, words, loose=True, size=size)
            assert list(kept.vocab.words) == list(asked.vocab.words), words
            assert list(kept.vocab.df) == list(asked.vocab.df), words
    assert view._common, "the loose searches took their common words from the view's"


def test_filters_narrow_the_same_way(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    busiest = max(mem.speakers.speakers, key=lambda s: len(s.turn_ids))
    theirs = next(s for s in pg.speakers.speakers if s.name == busiest.name)
    meeting = next(iter(mem.meetings.values()))
    dated = next(m for m in mem.meetings.values() if m.date is not None)
    language = next(m.language for m in mem.meetings.values() if m.language)
    for mine, yours in [
        (Narrowing(speakers=(busiest,)), Narrowing(speakers=(theirs,))),
        (Narrowing(meetings=(meeting.id,)),) * 2,
        (Narrowing(dates=((dated.date, dated.date),)),) * 2,  # type: ignore[arg-type]
        (Narrowing(languages=(language.lower(),)),) * 2,
    ]:
        m_within, p_within = mem.narrow(mine), pg.narrow(yours)
        for query in ["the", "internet", "de la"]:
            expected, got = mem.find_words(query, m_within), pg.find_words(query, p_within)
            assert len(got) == len(expected), (mine, query)
            assert seen(pg, got[:5]) == seen(mem, expected[:5]), (mine, query)
            assert len(pg.find_phrase(query, p_within)) == len(mem.find_phrase(query, m_within))
    for nothing in [Narrowing(meetings=("no-such-meeting",)), Narrowing(languages=("xx",))]:
        with pytest.raises(NothingFits):
            mem.narrow(nothing)
        with pytest.raises(NothingFits):
            pg.narrow(nothing)


@pytest.mark.parametrize("indexed", [100, 1])  # each meeting a range of the key; past 1, a test of each row
def test_meetings_dates_and_speakers_together_narrow_the_same_way(
    both: tuple[MemoryArchive, PgArchive], indexed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from parser.index.postgres import filters

    monkeypatch.setattr(filters, "INDEXED_SPANS", indexed)
    mem, pg = both
    busiest = max(mem.speakers.speakers, key=lambda s: len(s.turn_ids))
    theirs = next(s for s in pg.speakers.speakers if s.name == busiest.name)
    dates = sorted(m.date for m in mem.meetings.values() if m.date is not None)
    everything = ((dates[0], dates[-1]),)
    two = tuple(list(mem.meetings)[:2])
    for mine, yours in [
        (Narrowing(dates=everything),) * 2,  # every dated meeting: many spans
        (Narrowing(meetings=two),) * 2,
        (Narrowing(speakers=(busiest,), dates=everything), Narrowing(speakers=(theirs,), dates=everything)),
        (Narrowing(speakers=(busiest,), meetings=two), Narrowing(speakers=(theirs,), meetings=two)),
    ]:
        try:
            m_within = mem.narrow(mine)
        except NothingFits:
            with pytest.raises(NothingFits):
                pg.narrow(yours)
            continue
        p_within = pg.narrow(yours)
        for query in ["the", "internet", "you know"]:
            expected, got = mem.find_words(query, m_within), pg.find_words(query, p_within)
            assert len(got) == len(expected), (mine, query)
            assert seen(pg, got[:5]) == seen(mem, expected[:5]), (mine, query)
            assert len(pg.find_phrase(query, p_within)) == len(mem.find_phrase(query, m_within))


def test_a_second_phrase_among_the_firsts(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    first_m, first_p = mem.find_phrase("the", every(mem)), pg.find_phrase("the", every(pg))
    expected = mem.find_phrase("i think", mem.only(first_m, every(mem)))
    got = pg.find_phrase("i think", pg.only(first_p, every(pg)))
    assert len(got) == len(expected) > 0
    assert seen(pg, got) == seen(mem, expected)
    assert not pg.find_words("internet", pg.only([], None))
    among_m = mem.only(mem.find_words("the", every(mem), rank=5), every(mem))
    among_p = pg.only(pg.find_words("the", every(pg), rank=5), every(pg))
    expected, got = mem.find_phrase("you know", among_m), pg.find_phrase("you know", among_p)
    assert len(got) == len(expected) > 0
    assert seen(pg, got) == seen(mem, expected)


def test_next_of_speaker(both: tuple[MemoryArchive, PgArchive]) -> None:
    mem, pg = both
    for meeting_id in list(mem.meetings)[:4]:
        for m_id, p_id in list(zip(mem.meeting_turns(meeting_id), pg.meeting_turns(meeting_id), strict=True))[:30]:
            m_next, p_next = mem.next_of_speaker(m_id, 3), pg.next_of_speaker(p_id, 3)
            assert (p_next is None) == (m_next is None)
            if m_next is not None and p_next is not None:
                assert pg.text(p_next) == mem.text(m_next)


def test_every_question_says_the_records_are_away(pg: PgStore) -> None:
    """A server that is away: each method raises `RecordsUnavailable` (the commands' one line),
    whatever the archive had read before."""
    from parser.index.postgres.connect import RecordsUnavailable

    present = PgArchive(pg, SEVEN)
    person = present.speakers.speakers[0]
    away = PgStore("postgresql://postgres@127.0.0.1:9/none", wait=0.3)  # port 9: nobody listens
    archive = PgArchive(away, SEVEN)
    asks = [
        lambda: archive.meetings,
        lambda: archive.speakers,
        archive.totals,
        lambda: archive.turn(1 << 20),
        lambda: archive.next_of_speaker(1 << 20, 3),
        lambda: archive.position("covid_4", 3),
        lambda: archive.meeting_figures("covid_4"),
        archive.tally,
        lambda: archive.speaker_meetings(person),
        lambda: archive.speaker_seconds(person),
        lambda: archive.first_turns(person, 3),
        lambda: archive.distinctive_words(person, set(), 5),
        lambda: archive.narrow(Narrowing(meetings=("covid_4",))),
        lambda: archive.lexicon(["internet"]),
        lambda: archive.word_turns("internet"),
        lambda: archive.adjacent("de", "la"),
        lambda: archive.find_phrase("de la"),
        lambda: archive.verbatim("de la", None, 3),
        lambda: archive.find_words("internet"),
        lambda: archive.find_closest("internet"),
        lambda: archive.placed("internet", [Hit(1 << 20, 50.0)]),
    ]
    try:
        for ask in asks:
            with pytest.raises(RecordsUnavailable):
                ask()
    finally:
        away.close()


def test_scores_agree_with_a_store_of_what_the_guild_sees(pg: PgStore, records: dict[int, list[Record]]) -> None:
    """Memory's view weighs words with its whole store's counts (other guilds' records too), so
    its scores drift from PostgreSQL's, which weighs with what the guild sees. Against a store
    of exactly that, the closest turn and its score are the same for every query, and so are the
    first page's scores of every word search."""
    for guild in VIEWS:
        alone = TurnStore([r for g, own in records.items() if g in (SHARED, guild) for r in own], load_aliases())
        mem, archive = archive_of(alone.view(guild)), PgArchive(pg, guild)
        for query in [*WORDS, *damaged(mem, 30)]:
            expected, got = mem.find_closest(query, 1), archive.find_closest(query, 1)
            assert seen(archive, got) == seen(mem, expected), (guild, query)
            # within half a point: an unknown short word's neighbours two edits away share too few
            # trigrams for PostgreSQL to find them all (`ivons`: `vous`, `viens`), and the word's
            # weight, an average over them, differs a little
            assert [h.score for h in got] == pytest.approx([h.score for h in expected], abs=0.5), (guild, query)
            # what the verdict weighs the evidence with: each known word's IDF, from the archive's lexicon
            words = " ".join(bounded(fold(query).split())).split()
            terms_m = analyse(mem.lexicon(words, loose=True), words, loose=True)
            terms_p = analyse(archive.lexicon(words, loose=True), words, loose=True)
            known = [k for k, t in enumerate(terms_m) if t.exact_id is not None]
            assert known == [k for k, t in enumerate(terms_p) if t.exact_id is not None], (guild, query)
            weighed_m, weighed_p = weights(mem.lexicon(words, True), terms_m), weights(archive.lexicon(words, True), terms_p)
            assert [weighed_p[k] for k in known] == pytest.approx([weighed_m[k] for k in known]), (guild, query)
        for query in WORDS:
            expected_words, got_words = mem.find_words(query), archive.find_words(query)
            assert [h.score for h in got_words[:10]] == [h.score for h in expected_words[:10]], (guild, query)
