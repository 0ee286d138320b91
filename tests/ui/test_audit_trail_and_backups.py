"""The audit trail per receipt (Ctrl+T on the receipts screen) and per room (the household
card's button), and the automatic backup: chosen in Settings, taken at start and at shift
close, once a day."""

from __future__ import annotations

from pathlib import Path

from app.services import backup
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import TenderInput
from app.services.cashier.voids import void_receipt
from tests.ui.conftest import idle


def _pay(ctx, room: str, cash_fen: int) -> str:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return pay_bills(s, Counter("T1", "admin"), room, [TenderInput("cash", cash_fen)])["receipt_no"]


def test_receipt_trail_lists_the_payment_and_the_void(qtbot, window, ctx):
    no = _pay(ctx, "1-1-102", 50000)
    with ctx.uow() as s:
        void_receipt(s, Counter("T1", "admin"), no, "输错")
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    view = window.receipts
    view.number.setText(no)
    view.refresh()
    idle(qtbot, window)
    qtbot.keyClick(view.table, "T", modifier=__import__("PySide6.QtCore", fromlist=["Qt"]).Qt.KeyboardModifier.ControlModifier)
    idle(qtbot, window)
    dialog = view.trail_dialog
    rows = dialog.rows()
    assert [r[3] for r in rows] == ["pay.bills", "void"]
    assert all(r[1] == "T1" and r[2] == "admin" for r in rows) and "输错" in rows[1][4]
    assert no in dialog.windowTitle()
    dialog.close()


def test_room_trail_from_the_household_card(qtbot, window, ctx):
    _pay(ctx, "1-1-101", 50000)
    window.checkout.find("1-1-101", take_first=True)
    idle(qtbot, window)
    card = window.checkout.card
    assert card.trail_button.isEnabled()
    card.trail_button.click()
    idle(qtbot, window)
    rows = window.trail_dialog.rows()
    assert [r[3] for r in rows] == ["pay.bills"] and "1-1-101" in window.trail_dialog.windowTitle()
    window.trail_dialog.close()


def test_automatic_backup_folder_from_settings(qtbot, window, ctx, tmp_path, monkeypatch):
    folder = tmp_path / "backups"
    from PySide6.QtWidgets import QFileDialog

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    entry = next(a for m in window.menuBar().actions() for a in m.menu().actions()
                 if a.text() == "Automatic backup folder…")
    entry.trigger()
    idle(qtbot, window)
    assert window.errors == []
    made = sorted(p.name for p in folder.iterdir())
    assert made == ["propdesk-2026-12-20.db"] and window.backups.last["ok"]
    assert backup.get_folder(ctx.settings.db_url) == str(folder)
    window.backups.run()  # the shift close of the same day: already done
    idle(qtbot, window)
    assert window.backups.last["skipped"] and sorted(p.name for p in folder.iterdir()) == made
    assert Path(window.backups.last["file"]).stat().st_size > 0


def test_a_failing_automatic_backup_is_told_in_the_status_bar(qtbot, window, ctx, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    backup.set_folder(ctx.settings.db_url, str(blocker))
    window.backups.run()
    idle(qtbot, window)
    assert window.backups.last["ok"] is False and window.errors == []  # no dialog in the cashier's way
    assert "backup" in window.bar.currentMessage().lower()
