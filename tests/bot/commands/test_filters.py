"""Filters in search commands: `speaker:` `meeting:` `date:` `lang:` and `page:`, on real records."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.commands.base import UserError
from bot.commands.filters import parse_date, parse_filters
from bot.core import answer
from config.aliases import load_aliases
from parser.index.store import TurnStore
from parser.models import Record
from tests.facts import MEETING_ID
from tests.parser.qmsum_records import qmsum_records

ICANN = MEETING_ID


@pytest.fixture(scope="module")
def mixed(icann_record: Record) -> TurnStore:
    """The French ICANN meeting (dated 2021-03-22) and an English Commons committee (undated)."""
    return TurnStore([icann_record, *qmsum_records(["test/covid_4"])], load_aliases())


def test_filters_are_taken_out_of_the_words(mixed: TurnStore) -> None:
    text, filters = parse_filters(mixed, 'merci speaker:"sergio salinas" lang:FR date:2021-03 page:2 beaucoup')
    assert text == "merci beaucoup"
    assert [s.name for s in filters.speakers] == ["SERGIO SALINAS PORTO"]
    assert filters.languages == ["fr"] and filters.page == 2
    assert filters.describe() == "SERGIO SALINAS PORTO, 2021-03, in fr"


@pytest.mark.parametrize(
    ("typed", "first", "last"),
    [
        ("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31)),
        ("2021-02", dt.date(2021, 2, 1), dt.date(2021, 2, 28)),
        ("2021-3-22", dt.date(2021, 3, 22), dt.date(2021, 3, 22)),
        ("2021-01..2021-06", dt.date(2021, 1, 1), dt.date(2021, 6, 30)),
        ("2021-04..", dt.date(2021, 4, 1), dt.date.max),
        ("..2020", dt.date.min, dt.date(2020, 12, 31)),
    ],
)
def test_dates_and_ranges(typed: str, first: dt.date, last: dt.date) -> None:
    assert parse_date(typed) == (first, last)


@pytest.mark.parametrize("typed", ["2021-13", "March", "2021-06..2021-01", "21-03"])
def test_a_wrong_date_says_how_to_write_one(typed: str) -> None:
    with pytest.raises(UserError):
        parse_date(typed)


async def test_a_speaker_filter_keeps_that_speakers_turns(mixed: TurnStore) -> None:
    reply = await answer(mixed, "!quote merci speaker:sergio")
    assert reply.error is None, reply.error
    assert reply.total > 5 and {h.resolved_speaker for h in reply.hits} == {"SERGIO SALINAS PORTO"}
    everyone = await answer(mixed, "!quote merci")
    assert everyone.total > reply.total


async def test_meeting_date_and_language_filters(mixed: TurnStore) -> None:
    english = await answer(mixed, "!quote Mr. Chair meeting:covid_4")
    assert english.total > 10 and {h.meeting_id for h in english.hits} == {"covid_4"}
    assert (await answer(mixed, "!quote Mr. Chair lang:en")).total == english.total
    dated = await answer(mixed, "!quote Mr. Chair date:2021-03")
    assert dated.error == "No quote matches “Mr. Chair” (2021-03). Try fewer words, or `!whosaid` for a looser match."
    english_only = await answer(mixed, "!quote cheveux blancs lang:en")
    assert english_only.error == "No quote matches “cheveux blancs” (in en). Try fewer words, or `!whosaid` for a looser match."
    nowhere = await answer(mixed, "!whosaid cheveux blancs lang:en")
    assert nowhere.error == "Nobody said anything like “cheveux blancs” among the turns searched (in en)."
    french = await answer(mixed, "!whosaid cheveux blancs date:2021-01..2021-06 lang:fr")
    assert french.verdict == "verbatim" and french.hits[0].meeting_id == ICANN


async def test_a_filter_that_keeps_nothing_is_said(mixed: TurnStore) -> None:
    reply = await answer(mixed, "!quote merci date:2019")
    assert reply.error == "No turn fits the filters (2019)."
    reply = await answer(mixed, "!quote merci speaker:sergio lang:en")
    assert reply.error == "No turn fits the filters (SERGIO SALINAS PORTO, in en)."
    reply = await answer(mixed, "!quote merci lang:de")
    assert reply.error == "No meeting is in “de”. Languages of the loaded meetings: en, fr."


async def test_an_ambiguous_speaker_is_a_question_not_a_guess(two_marias: TurnStore) -> None:
    reply = await answer(two_marias, "!quote hola speaker:maria")
    assert reply.error is not None and "fits several speakers" in reply.error
    assert "MARIA GARCIA" in reply.error and "MARIA LOPEZ" in reply.error
    assert reply.hits == []


async def test_a_filter_without_words_or_value(mixed: TurnStore) -> None:
    assert (await answer(mixed, "!quote speaker:leon")).error == "`!quote` needs words to look for, e.g. `!quote DAAR`."
    assert (await answer(mixed, "!quote merci speaker:")).error == "`speaker:` needs a value, e.g. `speaker:León`."
    assert (await answer(mixed, "!quote merci page:zero")).error == "“page:zero” is not a page: write `page:2`, for example."
