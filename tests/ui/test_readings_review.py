"""抄表审核 (readings review) screen: the flagged leak with its usage and sparkline, a reject
needs a reason, an accept clears the list; and the serial port picker."""

from __future__ import annotations

import os
from decimal import Decimal

from app.services import meter_intake
from app.services.meter_intake import ReadingIn
from tests.support.builders import World
from tests.ui.conftest import idle

HISTORY = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def _flag_a_leak(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        w = World(s, name="月光小区")
        w.room("9-1-901", "90.00", owner="王五")
        w.meter("W901", "water", "9-1-901")
        for i, p in enumerate(HISTORY):
            w.reading("W901", p, str(100 + 10 + i * 10 + (i % 2)))
        meter_intake.record_readings(s, user="admin", terminal="T1", period="2026-11",
                                     items=[ReadingIn("W901", Decimal("300"))], source="handheld")


def _screen(window):  # type: ignore[no-untyped-def]
    from ui.readings.view import ReadingsReviewView

    screen = next(x for x in window.screens if isinstance(x, ReadingsReviewView))
    window.tabs.setCurrentWidget(screen)
    return screen


def test_flagged_leak_listed_with_history_then_accepted(window, ctx, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _flag_a_leak(ctx)
    screen = _screen(window)
    screen.refresh()
    idle(qtbot, window)
    assert screen.table.rowCount() == 1
    row = [screen.table.item(0, j).text() for j in range(7)]
    assert row[:6] == ["2026-11", "W901", "9-1-901", "300", "170", "130"]
    assert "median" in row[6]
    assert len(screen.spark.values) == 12 and screen.spark.values[-1] == 130.0
    assert screen.spark.values[-2] in (10.0, 11.0, 9.0)
    window.resize(1366, 768)
    idle(qtbot, window)
    shot = os.environ.get("PROPDESK_SHOT_DIR", str(tmp_path))
    assert window.grab().save(os.path.join(shot, "readings_review.png"))

    qtbot.mouseClick(screen.reject_button, qtbot_button())
    idle(qtbot, window)
    assert window.errors and "reason" in window.errors[-1]
    assert screen.table.rowCount() == 1  # nothing decided without a reason

    screen.reason.setText("owner confirmed a burst pipe")
    qtbot.mouseClick(screen.accept_button, qtbot_button())
    idle(qtbot, window)
    assert screen.table.rowCount() == 0 and screen.empty.text().startswith("No flagged readings")


def qtbot_button():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_port_picker_lists_ports_and_takes_a_typed_path(qtbot) -> None:  # type: ignore[no-untyped-def]
    from ui.widgets.port_picker import PortPicker

    ports = [("/dev/ttyUSB0", "CH340 USB-Serial"), ("/dev/ttyS0", "n/a")]
    p = PortPicker(lister=lambda: ports, port="/dev/ttyUSB0")
    qtbot.addWidget(p)
    assert [p.combo.itemText(i) for i in range(p.combo.count())] == ["/dev/ttyUSB0 — CH340 USB-Serial", "/dev/ttyS0"]
    assert p.port() == "/dev/ttyUSB0"
    p.combo.setCurrentIndex(1)
    assert p.port() == "/dev/ttyS0"
    p.combo.setEditText("/dev/pts/7")
    assert p.port() == "/dev/pts/7"
    ports.append(("COM3", "USB Serial Port"))
    p.refresh()  # a typed path survives a refresh
    assert p.port() == "/dev/pts/7" and p.combo.count() == 3
