"""UI test fixtures: a small world with bills and an open shift, and a main window whose
error dialogs are captured instead of shown."""

from __future__ import annotations

from datetime import date

import pytest

from app import clock
from app.services import users
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from tests.support.builders import World

TODAY = date(2026, 12, 20)
LATE = {"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"}


@pytest.fixture
def world(ctx, monkeypatch):  # type: ignore[no-untyped-def]
    """1-1-101 (张三, 13800001234): PM 200.00 + GARB 10.00 a month for Oct and Nov, late fees
    as of 2026-12-20 (Oct 2.10, Nov 0.30); 1-1-102 (李四): PM 160.00 + GARB 10.00; an open
    shift for admin on T1 with a 200.00 float."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-1-101", "100.00", owner="张三", phone="13800001234")
        w.room("1-1-102", "80.00", owner="李四", phone="13900005678")
        w.fee("PM", "area", "2", name="物业服务费", late_fee=LATE)
        w.fee("GARB", "fixed", "10", name="垃圾费")
        w.fee("ZX", "one_off", None, name="装修垃圾清运费", usages=["residential"])
        for p in ("2026-10", "2026-11"):
            bill_run(s, p, user="admin")
        users.ensure_user(s, "cashier1", "cashier", "张敏", password="1234")
        shifts.open_shift(s, "T1", "admin", 20000)
        ids = {k: r.id for k, r in w.rooms.items()}
    return ids


@pytest.fixture(autouse=True)
def window_settings_in_tmp(tmp_path):  # type: ignore[no-untyped-def]
    """The window remembers its geometry in a per-user .ini: keep tests out of the real one."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    yield


@pytest.fixture(autouse=True)
def english(qapp):  # type: ignore[no-untyped-def]
    """Tests read the English source strings; `propdesk gui` (run in a test) installs the
    Chinese catalogue into the shared QApplication, so reset it for every test."""
    from ui import i18n

    i18n.install(qapp, "en")
    yield


class Errors(list):
    pass


@pytest.fixture
def window(qtbot, ctx, world, tmp_path):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    w.errors = Errors()
    w.ops.show_error = w.errors.append
    w.questions = []  # "receipts will not print" and other yes/no questions: answered yes, recorded
    w.ask_yes_no = lambda title, text: w.questions.append(text) or True
    w.open_file = lambda path: None
    w.report_dir = tmp_path / "reports"  # pytest keeps only the last runs' folders
    w.report_dir.mkdir(exist_ok=True)
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    idle(qtbot, w)
    yield w
    w.ops.wait(5000)


def idle(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    """Wait until no database work is in flight and every result was delivered twice over
    (a delivered search result starts the room's bills query)."""
    for _ in range(3):
        qtbot.waitUntil(lambda: w.ops.pending() == 0, timeout=5000)
        qtbot.wait(5)
