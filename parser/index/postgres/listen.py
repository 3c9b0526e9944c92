"""Hearing, within a second, that another process added or removed a record (LISTEN/NOTIFY).

Writers notify on `CHANNEL` when their transaction commits; a `Listener` holds one connection
that listens and calls back with each change. When the connection drops (the server restarted)
it reconnects by itself and reports a `"resync"` change first: notifications sent while it was
away are lost, so whoever listens must assume anything may have changed.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from parser.index.postgres.connect import CONNECT_TIMEOUT
from parser.index.postgres.schema import CHANNEL

log = logging.getLogger(__name__)
RETRY = 1.0  # seconds between attempts to reach the server again


@dataclass(frozen=True)
class Change:
    """A record added or removed (`action` add, remove, import) in a guild, or `resync` after a lost connection.

    `pid` is the server process of the connection that made the change: a writer that notes its
    own connection's `info.backend_pid` can tell its own changes from other processes' ones.
    """

    action: str
    guild: int | None = None
    meetings: list[str] = field(default_factory=list)
    pid: int | None = None


class Listener:
    """A thread that calls `on_change` for every change any process makes to the records."""

    def __init__(self, url: str, on_change: Callable[[Change], Any]) -> None:
        self.url = url
        self.on_change = on_change
        self._stop = threading.Event()
        self.listening = threading.Event()  # set while a connection listens (tests wait on it)
        self._thread = threading.Thread(target=self._run, name="verbatim-listener", daemon=True)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        import psycopg

        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:
                        self._call(Change("resync"))
                    first = False
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            data = json.loads(note.payload)
                            self._call(Change(data["action"], data.get("guild"), data.get("meetings", []), note.pid))
            except psycopg.OperationalError as error:
                if self.listening.is_set():
                    log.warning("lost the records' database, listening again when it is back: %s", error)
                self.listening.clear()
                self._stop.wait(RETRY)

    def _call(self, change: Change) -> None:
        try:
            self.on_change(change)
        except Exception:  # the caller's bug must not stop the listening
            log.exception("handling a change of the records failed: %s", change)
