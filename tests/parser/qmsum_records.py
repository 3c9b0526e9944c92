"""Meetings of the real QMSum records, read straight from the shared archive (never unpacked).

One QMSum entry is one turn, as the benchmark takes them: the archive's `{disfmarker}`-style
markers and its many one-word turns ("Yeah .") are what search has to cope with.
"""

from __future__ import annotations

import json
import tarfile
from collections.abc import Iterable

from parser.models import Meeting, Record, Turn
from tests.conftest import CORPUS, need

ARCHIVE = CORPUS / "qmsum" / "QMSum_data_ALL_train_val_test_232meetings.tar.gz"


def qmsum_records(names: Iterable[str]) -> list[Record]:
    """The named meetings (`test/covid_4`, …), one record each, with their turns as printed."""
    records = []
    with tarfile.open(need(ARCHIVE)) as tar:
        for name in names:
            member = tar.extractfile(f"data/ALL/{name}.json")
            assert member is not None, name
            entries = json.loads(member.read())["meeting_transcripts"]
            meeting_id = name.split("/")[-1]
            turns = [Turn(meeting_id=meeting_id, index=i, speaker=e["speaker"], text=e["content"]) for i, e in enumerate(entries)]
            records.append(Record(meeting=Meeting(id=meeting_id, title=meeting_id, language="en", format="json"), turns=turns))
    return records
