"""Work spread over a few connections to one database, a thread each: a bulk import's parallel COPY streams.

The server works on each connection's rows in its own process, and the client's thread waits on
the network with the GIL released: two streams keep two cores busy where one left the server's
process idle while this one folded text, and this one idle while the server indexed it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

Job = Callable[[Any], None]


def _open_like(conn: Any) -> Any:
    """A new connection to the database `conn` is connected to, as the same user."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    password = conn.info.password
    return psycopg.connect(make_conninfo(conn.info.dsn, **({"password": password} if password else {})))


class Streams:
    """Jobs (`job(conn)`) run on `count` connections of their own; with one, on `conn`, in the caller's thread.

    `submit` waits while every stream is busy and one job already waits, so what is held in
    memory stays a few jobs'; the first job to fail stops the others and is raised again by
    `submit` or at the end of the `with` block.
    """

    def __init__(self, conn: Any, count: int) -> None:
        self.conn = conn
        self.count = count
        self.jobs: queue.Queue[Job | None] = queue.Queue(maxsize=count)
        self.error: BaseException | None = None
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> Streams:
        if self.count > 1:
            connections = [_open_like(self.conn) for _ in range(self.count)]
            self.threads = [threading.Thread(target=self._work, args=(c,), daemon=True) for c in connections]
            for thread in self.threads:
                thread.start()
        return self

    def _work(self, conn: Any) -> None:
        with conn:
            while (job := self.jobs.get()) is not None:
                if self.error is None:
                    try:
                        job(conn)
                    except BaseException as error:  # raised again in the caller's thread
                        self.error = error

    def submit(self, job: Job) -> None:
        if self.error is not None:
            raise self.error
        if not self.threads:
            job(self.conn)
        else:
            self.jobs.put(job)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()
        if self.error is not None and error is None:
            raise self.error
