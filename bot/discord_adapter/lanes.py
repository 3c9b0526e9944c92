"""Worker lanes: quick commands never queue behind heavy ones, and no worker holds the process at exit.

A lane is a few daemon threads with their own queue. The quick lane answers searches; the heavy
lane runs `!stats` and the like; reloads get a thread of their own. Daemon threads are not joined
when the process exits, so a SIGTERM ends it at once whatever is running: a reload is abandoned
before it swaps its records in, so the old ones were never replaced.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[concurrent.futures.Future[Any], Callable[..., Any], tuple[Any, ...]]


class Lane:
    """`workers` daemon threads running what is given to them, in order."""

    def __init__(self, name: str, workers: int) -> None:
        self.name = name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True) for n in range(max(1, workers))]
        for thread in self._threads:
            thread.start()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, function, args = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = function(*args)
            except BaseException as err:  # handed to whoever awaits it
                future.set_exception(err)
            else:
                future.set_result(result)

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` on one of the lane's threads, awaited without blocking the loop."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((future, function, args))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        """Let the threads end once the jobs queued before this are done (none is waited for)."""
        for _ in self._threads:
            self._jobs.put(None)


async def in_own_thread(function: Callable[..., T], *args: Any, name: str = "worker") -> T:
    """`function(*args)` on a new daemon thread: for long work (a reload) that must never delay an exit."""
    lane = Lane(name, 1)
    try:
        return await lane.run(function, *args)
    finally:
        lane.close()
