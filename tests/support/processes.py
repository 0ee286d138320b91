"""Real processes for the sync tests and benchmarks: the `propdesk` CLI, the central sync
service and a counter's sync loop, each a subprocess of `sys.executable -m app.cli`, driven
only through the public command line (/work/shared/spec/cli.md, "Central server and sync")
and HTTP (docs/sync.md), so the tests hold whatever the internals look like.

    procs = Processes(tmp_path)                   # or the `procs` fixture below
    central = procs.central(pg_url)               # `central serve --listen 127.0.0.1:PORT`, up
    token = cli(pg_url, "terminal", "add", "T1", "--community", name)["token"]
    cli(counter_db, "init", terminal="T1"); cli(counter_db, "sync", "join", "--central", central.url,
                                                 "--token", token, terminal="T1")
    loop = procs.sync_loop(counter_db, "T1")      # `sync run` until SIGTERM / kill -9
    loop.kill9(); central.stop()                  # SIGTERM must exit 0
    procs.cleanup()                               # kills whatever is still running

Every started process logs to a file under the Processes' directory; a failure message
quotes its tail. "Up" for central means `GET /v1/hello` answers at all (401 without a
token): the service is listening and routing.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "admin"  # `init --demo` makes admin/admin; counters are initialised with the same
START_TIMEOUT = 60.0  # a loaded 2-core CI machine can take a while to import and migrate
STOP_TIMEOUT = 30.0


def free_port() -> int:
    """A TCP port free on loopback right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PROPDESK_PASSWORD": ADMIN_PASSWORD, "PROPDESK_LANG": "en", "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", "")})
    for k in ("PROPDESK_DB", "PROPDESK_TERMINAL", "PROPDESK_USER"):  # only what the test says
        env.pop(k, None)
    env.update(extra)
    return env


def propdesk_argv(db: str, *args: str, terminal: str | None = None, user: str | None = None) -> list[str]:
    argv = [sys.executable, "-m", "app.cli", "--db", db]
    if terminal:
        argv += ["--terminal", terminal]
    if user:
        argv += ["--user", user]
    return argv + list(args)


class CliError(AssertionError):
    def __init__(self, argv: Sequence[str], proc: subprocess.CompletedProcess[str]) -> None:
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        super().__init__(f"{' '.join(argv[2:])} → exit {proc.returncode}\n{proc.stderr[-3000:]}")


def run(db: str, *args: str, terminal: str | None = None, user: str | None = None, expect: int | None = 0,
        env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run one propdesk command to its end; CliError unless it exits `expect` (None: any)."""
    argv = propdesk_argv(db, *args, terminal=terminal, user=user)
    proc = subprocess.run(argv, cwd=REPO, env=env or base_env(), capture_output=True, text=True, timeout=timeout)
    if expect is not None and proc.returncode != expect:
        raise CliError(argv, proc)
    return proc


def cli(db: str, *args: str, terminal: str | None = None, user: str | None = None,
        env: dict[str, str] | None = None, timeout: float = 600) -> Any:
    """Run one propdesk command with `--json`, exit 0 required; its JSON result."""
    proc = run(db, *args, "--json", terminal=terminal, user=user, env=env, timeout=timeout)
    return json.loads(proc.stdout)


def commands_available() -> bool:
    """Do `central serve`, `terminal`, `sync` and `exceptions` exist on the command line yet
    (issue 11's pieces merged)? Asked of the parser in this process: cheap, no subprocess."""
    try:
        from app.cli import build_parser

        parser = build_parser()
    except Exception:  # noqa: BLE001 — a half-merged tree: the pieces are not there
        return False
    sub = next((a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"), None)
    names = set(getattr(sub, "choices", {}) or {})
    return {"central", "terminal", "sync", "exceptions"} <= names


@dataclass
class Proc:
    """One long-running subprocess with its log file."""

    name: str
    argv: list[str]
    log: Path
    popen: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def stop(self, timeout: float = STOP_TIMEOUT, expect: int | None = 0) -> int:
        """SIGTERM, wait for the exit; AssertionError unless it exits `expect` (None: any)."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
        try:
            rc = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
            raise AssertionError(f"{self.name} did not stop within {timeout}s of SIGTERM\n{self.log_tail()}") from None
        if expect is not None and rc != expect:
            raise AssertionError(f"{self.name} exited {rc} after SIGTERM (expected {expect})\n{self.log_tail()}")
        return rc

    def kill9(self) -> int:
        """SIGKILL: no cleanup at all in the process (power cut)."""
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
        return self.popen.wait(timeout=STOP_TIMEOUT)

    def wait(self, timeout: float = 600) -> int:
        return self.popen.wait(timeout=timeout)


@dataclass
class Central(Proc):
    port: int = 0
    db: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_up(self, timeout: float = START_TIMEOUT) -> None:
        """Until GET /v1/hello answers (401 without a token means: listening and routing)."""
        import requests

        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise AssertionError(f"{self.name} exited {self.popen.returncode} before answering\n{self.log_tail()}")
            try:
                requests.get(self.url + "/v1/hello", timeout=2)
                return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} not answering after {timeout}s\n{self.log_tail()}")
            time.sleep(0.1)  # polling a starting server; readiness is checked, not assumed


@dataclass
class Processes:
    """Starts processes and remembers them; cleanup() kills whatever still runs."""

    workdir: Path
    started: list[Proc] = field(default_factory=list)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None) -> tuple[Path, subprocess.Popen[bytes]]:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = self.workdir / f"{name}-{len(self.started)}.log"
        with open(log, "wb") as out:
            popen = subprocess.Popen(argv, cwd=REPO, env=env or base_env(), stdout=out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        return log, popen

    def central(self, db: str, *, port: int | None = None, argv: list[str] | None = None,
                env: dict[str, str] | None = None, wait: bool = True) -> Central:
        """`propdesk --db DB central serve --listen 127.0.0.1:PORT` on a free port (or `argv`
        with {port} filled in: a stand-in), waited until it answers."""
        port = port or free_port()
        if argv is None:
            argv = propdesk_argv(db, "central", "serve", "--listen", f"127.0.0.1:{port}")
        else:
            argv = [a.replace("{port}", str(port)) for a in argv]
        log, popen = self._spawn("central", argv, env)
        c = Central(name=f"central :{port}", argv=argv, log=log, popen=popen, port=port, db=db)
        self.started.append(c)
        if wait:
            c.wait_up()
        return c

    def sync_loop(self, db: str, terminal: str, *, env: dict[str, str] | None = None,
                  argv: list[str] | None = None) -> Proc:
        """A counter's `propdesk --db DB --terminal T sync run` (runs until SIGTERM)."""
        argv = argv or propdesk_argv(db, "sync", "run", terminal=terminal)
        log, popen = self._spawn(f"sync-{terminal}", argv, env)
        p = Proc(name=f"sync run {terminal}", argv=argv, log=log, popen=popen)
        self.started.append(p)
        return p

    def cleanup(self) -> None:
        for p in self.started:
            if p.alive():
                p.popen.kill()
            try:
                p.popen.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture
def procs(tmp_path: Path) -> Iterator[Processes]:
    """Processes started by a test, all killed at its end (import this fixture into the test
    module: `from tests.support.processes import procs  # noqa: F401`)."""
    p = Processes(tmp_path / "procs")
    yield p
    p.cleanup()


# -- counters and central as the CLI makes them ------------------------------------------

def sync_once(db: str, terminal: str, *, expect: int | None = 0, env: dict[str, str] | None = None) -> Any:
    """`sync run --once --json`: {"pushed", "pulled", "pending", "rejected"}."""
    proc = run(db, "sync", "run", "--once", "--json", terminal=terminal, expect=expect, env=env)
    return json.loads(proc.stdout) if proc.returncode == 0 else proc


def add_terminal(central_db: str, code: str, communities: Sequence[str]) -> str:
    """`terminal add CODE --community A,B` on central; the token it prints once."""
    out = cli(central_db, "terminal", "add", code, "--community", ",".join(communities))
    assert out["terminal"] == code and out["token"], out
    return str(out["token"])


def join_counter(counter_db: str, terminal: str, central_url: str, token: str) -> Any:
    """A new counter: `init` (admin with the same password as central's) then `sync join`."""
    run(counter_db, "init", terminal=terminal)
    # `--token=…`: a token_urlsafe token may begin with "-", which argparse would take for an option
    return cli(counter_db, "sync", "join", "--central", central_url, f"--token={token}", terminal=terminal)
