"""The main window's status bar, the payment hook, `propdesk gui --screenshot`, and the
start-up benchmark on a tiny database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.cli import main
from tests.ui.conftest import idle

ROOT = Path(__file__).resolve().parents[2]


def test_status_bar_shows_user_counter_shift_printer_sync(qtbot, window):
    bar = window.bar
    assert "管理员" in bar.user.text() and "T1" in bar.terminal.text()
    assert "200.00" in bar.shift.text()  # the open shift's float
    assert bar.printer.text() and bar.sync.text()
    assert window.checkout.search.hasFocus()


def test_after_payment_is_the_one_hook(qtbot, window):
    window.after_payment("T1-20261220-0009")
    assert window.last_receipt == ("T1-20261220-0009", False)
    assert "T1-20261220-0009" in window.bar.currentMessage()
    window.after_payment("T1-20261220-0009", reprint=True)
    assert window.last_receipt == ("T1-20261220-0009", True)


def test_unexpected_error_is_reported_not_raised(qtbot, window):
    window.ops.run(lambda s: 1 / 0)
    idle(qtbot, window)
    assert window.errors and "ZeroDivisionError" in window.errors[0]


def test_gui_screenshot_renders_a_png(sqlite_url, tmp_path, qapp):
    shot = tmp_path / "main.png"
    assert main(["--db", sqlite_url, "init"]) == 0
    assert main(["--db", sqlite_url, "gui", "--screenshot", str(shot)]) == 0
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_start_up_benchmark_smoke(sqlite_url):
    assert main(["--db", sqlite_url, "init"]) == 0
    out = subprocess.run([sys.executable, str(ROOT / "tests/bench/bench_gui_start.py"), "--db", sqlite_url],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["cold_start_s"] > 0 and result["heartbeats"] > 100
    # the typed queries reached the screen (else the search figures measure nothing)
    assert result["queries"] and result["search_ms"]["count"] >= 1
    assert result["p99_block_ms"] <= result["max_block_ms"]
