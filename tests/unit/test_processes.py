"""tests/support/processes.py on stand-ins: a tiny server that answers /v1/hello with 401 and
stops on SIGTERM plays central, so starting, waiting until up, SIGTERM with exit 0, kill -9
and the cleanup are proven before the real `central serve` exists."""

from __future__ import annotations

import signal
import sys

import pytest
import requests

from tests.support.processes import Processes, free_port, procs  # noqa: F401

STANDIN = r"""
import signal, sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
code = int(sys.argv[2])
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(401 if self.path == "/v1/hello" else 404)
        self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
srv = HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=srv.shutdown).start())
print("serving", flush=True)
srv.serve_forever()
sys.exit(code)
"""


def standin(exit_code: int = 0) -> list[str]:
    return [sys.executable, "-c", STANDIN, "{port}", str(exit_code)]


def test_free_port_is_bindable() -> None:
    import socket

    port = free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_central_started_waited_and_stopped_with_sigterm(procs: Processes) -> None:  # noqa: F811
    c = procs.central("unused", argv=standin(0))
    assert requests.get(c.url + "/v1/hello", timeout=5).status_code == 401
    assert c.stop() == 0 and not c.alive()


def test_stop_fails_when_sigterm_exit_is_not_zero(procs: Processes) -> None:  # noqa: F811
    c = procs.central("unused", argv=standin(3))
    with pytest.raises(AssertionError, match="exited 3"):
        c.stop()


def test_kill9_and_cleanup(procs: Processes) -> None:  # noqa: F811
    c = procs.central("unused", argv=standin(0))
    assert c.kill9() == -signal.SIGKILL
    loop = procs.sync_loop("unused", "T1", argv=[sys.executable, "-c", "import time; time.sleep(600)"])
    assert loop.alive()
    procs.cleanup()
    assert not loop.alive()


def test_wait_up_reports_a_server_that_died(procs: Processes) -> None:  # noqa: F811
    with pytest.raises(AssertionError, match="(?s)exited 4 before answering.*boom"):
        procs.central("unused", argv=[sys.executable, "-c", "import sys; print('boom'); sys.exit(4)"])

