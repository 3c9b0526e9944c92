"""`python -m bot.prepare SPEC`: build a corpus's snapshot in a process of its own, for a reload.

A reload that reads and indexes every record in the serving process shares its GIL with every
command for the whole build (45 s at a million turns) and adds the build's memory to the store
already serving. Built here instead, the serving process only reads the finished snapshot. If
this fails or the cache cannot be written, the reload builds in the serving process as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.corpus import CorpusError, build_store
from parser.readers.limits import Limits

log = logging.getLogger(__name__)


def spec(corpus: Sequence[Path], aliases: Path | None, limits: Limits, cache_dir: Path) -> str:
    """What the child builds, exactly as the parent will look for it (same paths, aliases, limits, cache)."""
    return json.dumps(
        {
            "corpus": [str(p) for p in corpus],
            "aliases": str(aliases) if aliases else None,
            "limits": dataclasses.asdict(limits),
            "cache": str(cache_dir),
        }
    )


async def snapshot_in_child(job: str, running: set[asyncio.subprocess.Process]) -> bool:
    """Run the child for `job`; True when it saved a snapshot. `running` holds it, so a shutdown can end it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.prepare", job, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    running.add(process)
    try:
        _, err = await process.communicate()
    finally:
        running.discard(process)
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
    if process.returncode != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
        log.info("building the snapshot in a child process failed (%s); building here", tail[0])
    return process.returncode == 0


def main(argv: list[str]) -> int:
    job = json.loads(argv[0])
    logging.basicConfig(level=logging.ERROR)  # the parent reports the load when it reads the snapshot
    try:
        build_store(
            [Path(p) for p in job["corpus"]],
            Path(job["aliases"]) if job["aliases"] else None,
            cache_dir=Path(job["cache"]),
            limits=Limits(**job["limits"]),
        )
    except CorpusError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
