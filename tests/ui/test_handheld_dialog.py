"""The 抄表机 dialog: download a route and upload readings over a real pty pair with the
simulated handheld on the other end; progress, summary and the readings to review."""

from __future__ import annotations

import pytest

from app.services import users
from drivers.handheld import simulator as S
from tests.support.builders import World
from tests.support.handheld_line import handheld_line
from ui.dialogs.handheld import HandheldDialog

HISTORY = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@pytest.fixture
def meters(ctx, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROPDESK_HANDHELD_DIR", str(tmp_path / "resume"))
    with ctx.uow() as s:
        w = World(s)
        for n in range(1, 31):
            w.room(f"2-1-{100 + n}", "90.00", owner=f"业主{n}")
            w.meter(f"W{n:03d}", "water", f"2-1-{100 + n}", digits=6)
            for i, p in enumerate(HISTORY):
                w.reading(f"W{n:03d}", p, str(100 + 10 * i))
        users.ensure_user(s, "cashier1", "cashier", password="1234")
    return ctx


def _run(qtbot, dlg: HandheldDialog, button) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dlg.finished_transfer, timeout=30000):
        qtbot.mouseClick(button, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)


def test_download_then_upload_shows_progress_summary_and_the_leak(qtbot, meters, tmp_path):
    hh = S.Handheld(leaks={"W012"})
    with handheld_line(hh) as line:
        dlg = HandheldDialog(None, meters, ports=lambda: [("/dev/ttyS0", "n/a"), (line.name, "dock")])
        qtbot.addWidget(dlg)
        assert dlg.port.combo.findData(line.name) >= 0
        dlg.port.set_port(line.name)
        assert dlg.port.port() == line.name
        dlg.period.setText("2026-11")
        _run(qtbot, dlg, dlg.download_button)
        assert len(hh.route) == 30 and "30" in dlg.status.text()
        _run(qtbot, dlg, dlg.upload_button)
    r = dlg.last_result
    assert r is not None and (r["received"], r["accepted"], r["flagged"], r["rejected"]) == (30, 29, 1, 0)
    assert dlg.progress.value() == 30 and dlg.progress.maximum() == 30
    assert "29" in dlg.summary.text() and dlg.problems.count() == 1 and "W012" in dlg.problems.item(0).text()
    assert dlg.upload_button.isEnabled()
    if __import__("os").environ.get("PROPDESK_SHOT"):
        dlg.resize(640, 520)
        dlg.grab().save(__import__("os").environ["PROPDESK_SHOT"])


def test_a_missing_port_is_shown_in_the_dialog_and_it_stays_usable(qtbot, meters):
    dlg = HandheldDialog(None, meters, ports=lambda: [])
    qtbot.addWidget(dlg)
    dlg.port.set_port("/dev/ttyNO-DOCK")
    dlg.period.setText("2026-11")
    _run(qtbot, dlg, dlg.upload_button)
    text = dlg.status.text()
    assert "/dev/ttyNO-DOCK" in text and ("抄表机" in text or "handheld" in text)
    assert dlg.upload_button.isEnabled() and dlg.download_button.isEnabled()


def test_a_user_without_the_right_is_refused_before_the_line_is_touched(qtbot, meters):
    from app.context import AppContext

    cashier = AppContext.open(meters.settings.db_url, "T1", "cashier1")
    with handheld_line() as line:
        dlg = HandheldDialog(None, cashier, ports=lambda: [(line.name, "")])
        qtbot.addWidget(dlg)
        dlg.port.set_port(line.name)
        _run(qtbot, dlg, dlg.download_button)
        assert line.handheld.sessions == 0
    cashier.close()
    assert "cashier1" in dlg.status.text()


def test_the_main_window_has_a_handheld_menu_entry(window):  # type: ignore[no-untyped-def]
    texts = [a.text() for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()]
    assert any("抄表机" in t or "Handheld" in t for t in texts)
