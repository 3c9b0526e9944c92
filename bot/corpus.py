"""Loading the records the bot answers from, and saying what could not be read."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from config.aliases import AliasError, load_aliases
from parser.loader import LoadResult, load
from parser.store import TurnStore

log = logging.getLogger(__name__)


class CorpusError(Exception):
    """Nothing answerable was loaded; the message says what to do."""


def build_store(paths: Sequence[Path], aliases_path: Path | None = None) -> tuple[TurnStore, LoadResult]:
    """Read every record under `paths` into a turn store; a bad file is reported, not fatal."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing and len(missing) == len(paths):
        raise CorpusError(f"No such file or folder: {', '.join(map(str, missing))}")
    result = load(paths)
    for path, reason in result.skipped:
        log.info("skipped %s: %s", path, reason)
    for error in result.errors:
        log.warning("%s", error.line())
    if not result.records:
        raise CorpusError(f"No meeting record could be read from {', '.join(map(str, paths))}.")
    try:
        aliases = load_aliases(aliases_path)
    except AliasError as err:
        raise CorpusError(str(err)) from None
    store = TurnStore(result.records, aliases)
    log.info("loaded %d meetings, %d turns, %d speakers", len(store.meetings), len(store), len(store.speakers.speakers))
    return store, result
