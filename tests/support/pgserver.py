"""A throwaway PostgreSQL server for tests: initdb + pg_ctl into a temp dir, on a free
loopback port, stopped and removed afterwards.

initdb refuses to run as root, so under root the server runs as the unprivileged `postgres`
user (or `nobody`) via `runuser`. Binaries come from PATH or /usr/lib/postgresql/*/bin.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_as(user: str | None, argv: list[str]) -> subprocess.CompletedProcess[str]:
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


@dataclass
class PgServer:
    datadir: Path
    port: int
    user: str | None
    pg_ctl: str

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        _run_as(self.user, [self.pg_ctl, "-D", str(self.datadir), "-m", "immediate", "stop"])
        shutil.rmtree(self.datadir.parent, ignore_errors=True)


def start() -> PgServer:
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise PostgresUnavailable("initdb/pg_ctl not found on PATH or under /usr/lib/postgresql/*/bin")
    user: str | None = None
    if os.geteuid() == 0:
        user = "postgres" if _user_exists("postgres") else "nobody"
    base = Path(tempfile.mkdtemp(prefix="propdesk-pg-"))
    datadir = base / "data"
    if user:
        shutil.chown(base, user=user)
        os.chmod(base, 0o700)
    r = _run_as(user, [initdb, "-D", str(datadir), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                       "--locale=C.UTF-8", "--no-sync"])
    if r.returncode != 0:
        raise PostgresUnavailable(f"initdb failed: {r.stderr.strip()}")
    port = _free_port()
    opts = f"-p {port} -c listen_addresses=127.0.0.1 -k {base} -c fsync=off -c full_page_writes=off"
    r = _run_as(user, [pg_ctl, "-D", str(datadir), "-o", opts, "-l", str(base / "log"), "-w", "-t", "60", "start"])
    if r.returncode != 0:
        log = (base / "log").read_text(errors="replace") if (base / "log").exists() else ""
        raise PostgresUnavailable(f"pg_ctl start failed: {r.stderr.strip()} {log[-2000:]}")
    server = PgServer(datadir=datadir, port=port, user=user, pg_ctl=pg_ctl)
    _wait_ready(port)
    return server


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _wait_ready(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise PostgresUnavailable(f"PostgreSQL did not accept connections on port {port}")
