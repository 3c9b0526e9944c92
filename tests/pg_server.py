"""A PostgreSQL server of a test's own (initdb + pg_ctl in a temp folder, on a free loopback port).

The fault tests stop and start the server under a running bot; the machine's shared server is
used by other people's tests at the same time, so they never touch it: they make their own here.
It needs the server's programs (`initdb`, `pg_ctl`, and the pg_trgm and btree_gin extensions the
system install ships); as root it runs them as the `postgres` user, since PostgreSQL refuses root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if versions:  # Debian's own layout first: /usr/bin holds wrappers, not the programs
        return Path(versions[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).resolve().parent if found else None


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateServer:
    """One server in a temp folder: `url` for a database `verbatim` on it; `stop()` and `start()` as often as needed."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir, self.folder = bindir, folder
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/verbatim"
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as, *args], capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
            "--locale=C",
        )  # fmt: skip
        self.start()
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE verbatim")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@contextlib.contextmanager
def private_server() -> Iterator[PrivateServer]:
    """A fresh server, up, with an empty database `verbatim`; stopped and removed afterwards whatever happened."""
    bindir = _bindir()
    as_root_without_postgres = os.geteuid() == 0 and not _has_user("postgres")
    if bindir is None or not (bindir / "initdb").exists() or as_root_without_postgres:
        if os.environ.get("CI"):
            pytest.fail("Under CI the PostgreSQL server programs (initdb, pg_ctl) must be installed.", pytrace=False)
        pytest.skip("needs the PostgreSQL server programs (initdb, pg_ctl; as root, a postgres user): apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="verbatim-pg-"))  # not pytest's tmp_path: the postgres user must reach it
    server = PrivateServer(bindir, folder)
    try:
        server.init()
        yield server
    finally:
        if server.running():
            with contextlib.suppress(Exception):
                server.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
