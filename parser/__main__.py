"""`python -m parser FILE_OR_DIR… [--json]`: what the parser made of the records."""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import TextIO

from parser.models import Record
from parser.readers.decode import valid_unicode
from parser.readers.limits import limits_of
from parser.readers.loader import LoadResult, load


def _write(text: str, stream: TextIO) -> None:
    """A line out as valid UTF-8 whatever it holds (a file name's undecodable bytes come in as lone surrogates)."""
    stream.write(valid_unicode(text)[0] + "\n")


def _record_json(record: Record) -> dict[str, object]:
    data = record.meeting.model_dump(mode="json")
    data["turns"] = [t.model_dump(mode="json", exclude={"meeting_id"}) for t in record.turns]
    return data


def _summary(record: Record, show_turns: bool) -> str:
    meeting = record.meeting
    speakers = Counter(t.speaker for t in record.turns)
    lines = [
        f"{meeting.id}  [{meeting.format}] {meeting.title}",
        f"  date {meeting.date or '?'} · language {meeting.language or '?'} · "
        f"{len(record.turns)} turns · {len(speakers)} speakers · {meeting.source}",
        "  " + ", ".join(f"{name} ({n})" for name, n in speakers.most_common()),
    ]
    if show_turns:
        for turn in record.turns:
            where = f"p.{turn.page}" if turn.page is not None else (f"{turn.start:.1f}s" if turn.start is not None else "")
            text = " ".join(turn.text.split())
            lines.append(f"  [{turn.index}] {where} {turn.speaker}: {text[:100]}{'…' if len(text) > 100 else ''}")
    return "\n".join(lines)


def report(result: LoadResult, as_json: bool, show_turns: bool) -> None:
    """Everything that was read, then one line per file that could not be."""
    if as_json:
        report = {
            "meetings": [_record_json(r) for r in result.records],
            "errors": [{"file": e.path, "problem": e.problem, "where": e.where} for e in result.errors],
            "skipped": [{"file": path, "reason": reason} for path, reason in result.skipped],
            "notes": [{"file": path, "note": note} for path, note in result.notes],
        }
        _write(json.dumps(report, ensure_ascii=False), sys.stdout)
    else:
        for record in result.records:
            _write(_summary(record, show_turns), sys.stdout)
        for path, reason in result.skipped:
            _write(f"skipped {path}: {reason}", sys.stdout)
        for path, note in result.notes:
            _write(f"note: {path}: {note}", sys.stdout)
    for error in result.errors:
        _write(f"error: {error.line()}", sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parser", description="Show what the parser reads from meeting records.")
    parser.add_argument("paths", nargs="+", type=Path, metavar="FILE_OR_DIR")
    parser.add_argument("--json", action="store_true", help="meetings with their turns, errors and skipped files as JSON")
    parser.add_argument("--turns", action="store_true", help="list every turn (text cut at 100 characters)")
    parser.add_argument("--into", metavar="DATABASE_URL", help="store the records in this PostgreSQL database (COPY)")
    parser.add_argument("--guild", type=int, default=0, help="with --into: the server they belong to (0: shared, the default)")
    args = parser.parse_args(argv)
    from config.settings import Settings, settings_or_exit  # the limits are settings, as for the bot

    settings = settings_or_exit(Settings)
    result = load(args.paths, limits_of(settings))
    if args.into:
        from parser.index.postgres.importer import import_into

        return import_into(args.into, result, args.guild)
    try:
        report(result, args.json, args.turns)
    except BrokenPipeError:  # `| head`: the reader has seen enough
        sys.stderr.close()
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
