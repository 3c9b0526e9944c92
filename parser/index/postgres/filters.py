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
    as the printed labels a resolved speaker has."""

    labels: tuple[str, ...] = ()
    meetings: tuple[str, ...] = ()
    dates: tuple[tuple[dt.date, dt.date], ...] = ()
    languages: tuple[str, ...] = field(default=())
    ids: tuple[int, ...] | None = None

    @property
    def active(self) -> bool:
        return bool(self.labels or self.meetings or self.dates or self.languages) or self.ids is not None

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
