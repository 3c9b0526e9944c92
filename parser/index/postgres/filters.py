"""The filters a search takes (`speaker:`, `meeting:`, `date:`, `lang:`) as SQL conditions on turns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Where:
    """Turns said by one of `labels`, in one of `meetings`, on one of `dates`, in one of `languages`
    (each left empty: no condition), and among the turns `ids` (None: no condition; empty: no turn),
    which is how a second quoted phrase is searched among the turns holding the first. Speakers come
    as the printed labels a resolved speaker has.

    `spans`, when given, are the meetings the other three conditions leave, as the id ranges of
    their turns (guild, first id, last id; `PgArchive.narrow` resolves them from the meetings it
    holds): the primary key finds a meeting's turns, where `meeting_id` has no index."""

    labels: tuple[str, ...] = ()
    meetings: tuple[str, ...] = ()
    dates: tuple[tuple[dt.date, dt.date], ...] = ()
    languages: tuple[str, ...] = field(default=())
    ids: tuple[int, ...] | None = None
    spans: tuple[tuple[int, int, int], ...] | None = None

    @property
    def active(self) -> bool:
        conditions = self.labels or self.meetings or self.dates or self.languages
        return bool(conditions) or self.ids is not None or self.spans is not None

    def sql(self, scope: list[int]) -> tuple[str, list[Any]]:
        """` AND …` conditions on `search_turns t`, and their parameters (after the scope's)."""
        clause = ""
        params: list[Any] = []
        if self.ids is not None:
            clause += " AND t.id = ANY(%s::bigint[])"
            params.append(list(self.ids))
        if self.labels:
            clause += " AND t.speaker = ANY(%s::text[])"
            params.append(list(self.labels))
        if self.spans is not None:  # in place of the meetings, dates and languages
            clause += _spans(self.spans, params)
            return clause, params
        if self.meetings:
            clause += " AND t.meeting_id = ANY(%s::text[])"
            params.append(list(self.meetings))
        if self.dates or self.languages:
            inner = ["m.guild_id = ANY(%s::bigint[])"]
            params.append(scope)
            if self.dates:
                inner.append("(" + " OR ".join("m.date BETWEEN %s AND %s" for _ in self.dates) + ")")
                params += [d for pair in self.dates for d in pair]
            if self.languages:
                inner.append("lower(m.language) = ANY(%s::text[])")
                params.append([code.lower() for code in self.languages])
            clause += f" AND t.meeting_id IN (SELECT m.meeting_id FROM search_meetings m WHERE {' AND '.join(inner)})"
        return clause, params


INDEXED_SPANS = 100  # up to this many meetings, each is a range of the primary key the planner can read


def _spans(spans: tuple[tuple[int, int, int], ...], params: list[Any]) -> str:
    """The condition that a turn is in one of `spans` (its parameters added to `params`): ranges
    the primary key serves (OR-ed: one index scan each); past `INDEXED_SPANS`, a test of each row
    the other conditions found. No span: no turn."""
    if not spans:
        return " AND false"
    if len(spans) <= INDEXED_SPANS:
        params += [value for span in spans for value in span]
        return " AND (" + " OR ".join("(t.guild_id = %s AND t.id BETWEEN %s AND %s)" for _ in spans) + ")"
    params += [[s[0] for s in spans], [s[1] for s in spans], [s[2] for s in spans]]
    return (
        " AND EXISTS (SELECT FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS s(guild, lo, hi)"
        " WHERE t.guild_id = s.guild AND t.id BETWEEN s.lo AND s.hi)"
    )
