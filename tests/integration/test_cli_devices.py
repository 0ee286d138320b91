"""`propdesk drawer open` (ESC p through the configured printer transport) and `propdesk
display show` (the pole display's bytes over a pty)."""

from __future__ import annotations

import json
import sys

import pytest
from sqlalchemy import update

import drivers.cli_devices  # noqa: F401  (registers drawer/display, as the entry point does when installed)
from app.cli import main
from app.context import AppContext
from app.db.models import Terminal
from app.printing.escpos_decode import commands, decode
from app.services import users
from drivers.display.fake import FakePoleDisplay, Shown
from drivers.printer.fake_server import FakePrinterServer


@pytest.fixture(autouse=True)
def only_these_plugins(monkeypatch):  # type: ignore[no-untyped-def]
    """The drawer/display commands are registered by the import above; other plugins' entry
    points (installed from another checkout) are not this test's business."""
    import app.cli

    monkeypatch.setattr(app.cli, "_load_plugin_commands", lambda: None)


def _store(url: str, printer: dict | None) -> None:
    ctx = AppContext.open(url)
    with ctx.uow() as s:
        users.ensure_terminal(s, "T1")
        s.execute(update(Terminal).where(Terminal.code == "T1").values(printer=printer))
    ctx.close()


@pytest.fixture
def db(sqlite_url):  # type: ignore[no-untyped-def]
    assert main(["--db", sqlite_url, "init"]) == 0
    return sqlite_url


def test_drawer_kick_over_the_network_printer(db, capsys) -> None:
    with FakePrinterServer() as fake:
        _store(db, {**fake.settings, "cash_drawer": True})
        capsys.readouterr()
        assert main(["--db", db, "drawer", "open", "--json"]) == 0
        job = fake.wait_for_jobs(1)[0]
    kicks = commands(decode(job), "ESC p")
    assert len(kicks) == 1 and job.startswith(b"\x1bp\x00")  # pin 2 (m=0), as on cash receipts
    assert json.loads(capsys.readouterr().out)["opened"] is True


def test_drawer_kick_through_the_file_printer_on_pin_5(db, tmp_path, capsys) -> None:
    out = tmp_path / "printer.bin"
    _store(db, {"transport": "file", "target": str(out), "cash_drawer": True, "drawer_pin": 5})
    assert main(["--db", db, "drawer", "open"]) == 0
    assert out.read_bytes()[:3] == b"\x1bp\x01"  # m=1: connector pin 5
    assert "钱箱已弹开" in capsys.readouterr().out


def test_drawer_without_printer_or_drawer_is_refused(db, tmp_path, capsys) -> None:
    _store(db, None)
    assert main(["--db", db, "drawer", "open"]) == 2
    assert "未设置收据打印机" in capsys.readouterr().err
    out = tmp_path / "printer.bin"
    _store(db, {"transport": "file", "target": str(out), "cash_drawer": False})
    assert main(["--db", db, "drawer", "open"]) == 2
    assert "未接钱箱" in capsys.readouterr().err and not out.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="pty")
def test_display_show_over_a_pty(db, capsys) -> None:
    with FakePoleDisplay() as fake:
        _store(db, {"transport": "none", "customer_display": True, "display_port": fake.port,
                    "display_baudrate": 9600, "display_parity": "N"})
        capsys.readouterr()
        assert main(["--db", db, "display", "show", "--total", "120.50", "--received", "200",
                     "--change", "79.50", "--json"]) == 0
        assert fake.wait_for(lambda f: f.shown == Shown("找零", "79.50"))
        assert [s for s in fake.history if s.text] == [Shown("总计", "120.50"), Shown("收款", "200.00"),
                                                        Shown("找零", "79.50")]
        doc = json.loads(capsys.readouterr().out)
        assert doc == {"port": fake.port, "baudrate": 9600, "parity": "N", "total_fen": 12050, "received_fen": 20000,
                       "change_fen": 7950}
        assert main(["--db", db, "display", "clear", "--port", fake.port]) == 0
        assert fake.wait_for(lambda f: f.shown == Shown("", ""))


def test_display_errors(db, tmp_path, capsys) -> None:
    assert main(["--db", db, "display", "show", "--total", "abc"]) == 2
    assert main(["--db", db, "display", "show", "--received", "1"]) == 2
    assert main(["--db", db, "display", "show", "--total", "1", "--baud", "1234"]) == 2
    capsys.readouterr()
    assert main(["--db", db, "display", "show", "--total", "1", "--port", str(tmp_path / "nope")]) == 1
    assert "找不到客显串口" in capsys.readouterr().err
