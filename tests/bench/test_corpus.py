"""The search benchmark's queries and its notion of a right answer, on real QMSum meetings."""

from __future__ import annotations

from bench.bench_search import _right
from bench.corpus import Query, make_queries, records
from parser.index.store import TurnStore
from parser.models import Meeting, Record, Turn
from parser.text import fold
from tests.parser.qmsum_records import qmsum_records


def _source() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(r.meeting.id, [(t.speaker, t.text) for t in r.turns]) for r in qmsum_records(["test/covid_4", "test/covid_9"])]


def test_each_query_keeps_the_words_meant_before_its_typo() -> None:
    source = _source()
    queries = make_queries(source, 300)
    flat = [content for _, turns in source for _, content in turns]
    assert {q.damage for q in queries} >= {"typo", "typo, 1 missing", "1 missing, lower"}
    for q in queries:
        original, meant, typed = ([fold(w) for w in words.split()] for words in (q.original, q.meant, q.text))
        assert fold(q.original) in fold(flat[q.turn_id])
        missing = sum(int(part.split()[0]) for part in q.damage.split(", ") if part.endswith("missing"))
        assert len(meant) == len(original) - missing
        it = iter(original)
        assert all(word in it for word in meant), q  # the meant words are the quote with words left out
        # The typo changes one word (none, when that word was then dropped); nothing else differs.
        assert len(typed) == len(meant), q
        assert sum(a != b for a, b in zip(typed, meant, strict=True)) == ("typo" in q.damage and typed != meant), q


def test_a_turn_holding_the_words_meant_is_right_but_not_strictly() -> None:
    texts = [
        "Uh the priority ensure for the were know be uh understand me",
        "that's the forms for the ensure for the were remote .",
        "ensure the were for them all",
    ]
    turns = [Turn(meeting_id="m", index=i, speaker="A", text=t) for i, t in enumerate(texts)]
    store = TurnStore([Record(meeting=Meeting(id="m", title="m"), turns=turns)])
    query = Query("ensure for teh were", 0, "priority ensure for the were", "typo, 1 missing", "ensure for the were")
    assert [_right(store, i, query) for i in range(3)] == [True, True, False]
    assert [_right(store, i, query, strict=True) for i in range(3)] == [True, False, False]


def test_records_are_the_corpus_as_the_parser_gives_it() -> None:
    source = _source()
    made = list(records(source))
    assert [r.meeting.id for r in made] == [name for name, _ in source]
    assert [t.text for t in made[0].turns] == [content for _, content in source[0][1]]


def test_remembered_quotes_keep_most_words_in_order_with_runs_left_out() -> None:
    from bench.corpus import hold_out, make_remembered

    source = _source()
    queries = make_remembered(source, 200)
    flat = [content for _, turns in source for _, content in turns]
    assert len(queries) == 200
    assert any("sentence end" in q.damage for q in queries) and any("typo" in q.damage for q in queries)
    for q in queries:
        window, meant = q.original.split(), q.meant.split()
        assert 12 <= len(window) <= 22
        assert fold(q.original) in fold(flat[q.turn_id])
        assert 0.25 * len(window) - 1 <= len(window) - len(meant) <= 0.45 * len(window) + 1
        it = iter(window)
        assert all(word in it for word in meant), q  # in order, nothing added
        kept = iter(meant)
        runs, gap, want = [], 0, next(kept, None)
        for word in window:
            if word == want:
                runs.append(gap)
                gap, want = 0, next(kept, None)
            else:
                gap += 1
        assert max(runs) <= 4, q
    loaded, out = hold_out(source, 1)
    assert len(loaded) == 1 and len(out) == 1
