"""`python -m parser FILE_OR_DIR… --into DATABASE_URL [--guild ID]`: records into PostgreSQL in bulk."""

from __future__ import annotations

import sys
import time

from parser.index.postgres.connect import RecordsUnavailable, connect
from parser.index.postgres.schema import migrate
from parser.index.postgres.writer import import_records
from parser.readers.loader import LoadResult


def import_into(url: str, result: LoadResult, guild_id: int) -> int:
    """Write what was read (the schema made or brought up to date first); one line of figures, errors after."""
    try:
        conn = connect(url)
    except RecordsUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    with conn:
        migrate(conn)
        began = time.perf_counter()
        done = import_records(conn, result.records, guild_id)
        seconds = time.perf_counter() - began
    where = "shared records" if guild_id == 0 else f"guild {guild_id}"
    print(
        f"{done['meetings']} meetings, {done['turns']} turns, {done['bytes'] / 1e6:.1f} MB into {where}"
        f" in {seconds:.1f} s ({done['bytes'] / 1e6 / max(seconds, 1e-9):.1f} MB/s)"
    )
    for failed in result.errors:
        print(f"error: {failed.line()}", file=sys.stderr)
    return 1 if result.errors else 0
