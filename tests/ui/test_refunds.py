"""The refund windows: 退款… (F6) on the receipts screen with the refund dialog and, for a
cashier, the approval dialog (password masked); a wrong password is said and nothing is
refunded; the deposit return dialog from the Counter menu; a screenshot at 1366×768."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from sqlalchemy import func, select

from app.db.models import Refund
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, collect_deposit, pay_bills
from app.services.cashier.tenders import parse_tender
from app.services.refunds import Request, deposit_history
from tests.ui.conftest import idle
from ui.refunds.dialogs import ApprovalDialog, DepositRefundDialog, RefundDialog


def _pay(ctx, key: str, user: str = "admin") -> str:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return pay_bills(s, Counter("T1", user), key, [parse_tender("cash=500")])["receipt_no"]


def _refunds(ctx) -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(Refund))


def _finish(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    idle(qtbot, window)
    flow = window.receipts.refund_flow
    flow.wait()
    qtbot.waitUntil(lambda: not flow.runner.thread.is_alive(), timeout=5000)
    idle(qtbot, window)


def test_manager_refunds_ticked_lines_from_the_receipts_screen(qtbot, window, ctx, monkeypatch):
    no = _pay(ctx, "1-1-101")
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    seen = {}

    def ask(cls, parent, info):  # type: ignore[no-untyped-def]
        seen.update(info)
        d = RefundDialog(parent, info)
        for i in range(d.lines.count()):  # the GARB lines
            if "垃圾费" in d.lines.item(i).text():
                d.lines.item(i).setCheckState(Qt.CheckState.Checked)
        d.route.setCurrentIndex(d.route.findData("cash"))
        d.reason.setCurrentText("垃圾费不该收")
        d.accept()
        return d.value

    monkeypatch.setattr(RefundDialog, "ask", classmethod(ask))
    monkeypatch.setattr(ApprovalDialog, "ask", classmethod(lambda *a, **k: (_ for _ in ()).throw(AssertionError)))
    qtbot.keyClick(window.receipts.table, Qt.Key.Key_F6)
    _finish(qtbot, window)
    assert window.errors == []
    assert seen["receipt_no"] == no and seen["can_approve"] is True and seen["left_fen"] == 42240
    assert "Refunded 20.00" in window.receipts.notice.text()
    assert _refunds(ctx) == 1
    assert window.receipts.model.rows[0]["kind"] == "refund"  # the 退款单 is listed


def test_cashier_needs_the_managers_password(qtbot, window, ctx, monkeypatch):
    with ctx.uow() as s:
        shifts.open_shift(s, "T1", "cashier1", 0)
    window.receipts.counter = lambda: Counter("T1", "cashier1")  # the cashier at the counter
    no = _pay(ctx, "1-1-101", "cashier1")
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    req = Request(no, "多收", "cash", amount_fen=1000)
    monkeypatch.setattr(RefundDialog, "ask", classmethod(lambda cls, parent, info: req))
    monkeypatch.setattr(ApprovalDialog, "ask", classmethod(lambda cls, parent, what: ("admin", "wrong")))
    window.receipts.refund()
    _finish(qtbot, window)
    assert window.errors and "password" in window.errors[-1].lower()
    assert _refunds(ctx) == 0
    monkeypatch.setattr(ApprovalDialog, "ask", classmethod(lambda cls, parent, what: ("admin", "admin")))
    window.receipts.refund()
    _finish(qtbot, window)
    assert _refunds(ctx) == 1


def test_approval_dialog_masks_the_password_and_needs_both(qtbot):
    d = ApprovalDialog(None, "Refund ¥10.00")
    qtbot.addWidget(d)
    assert d.password.echoMode() == QLineEdit.EchoMode.Password
    d.approver.setText("admin")
    d.accept()
    assert d.value is None and d.error.text()
    d.password.setText("admin")
    d.accept()
    assert d.value == ("admin", "admin")


def test_deposit_return_from_the_counter_menu(qtbot, window, ctx, monkeypatch):
    with ctx.uow() as s:
        collect_deposit(s, Counter("T1", "admin"), "1-1-101", "装修押金", [parse_tender("cash=2000")])
    window.checkout.search.setText("1-1-101")
    window.checkout.find("1-1-101", take_first=True)
    idle(qtbot, window)

    def ask(cls, parent, label, deposits):  # type: ignore[no-untyped-def]
        d = DepositRefundDialog(parent, label, deposits)
        d.deduct.setText("300")
        d.accept()
        assert d.value is None and d.error.text()  # a deduction needs a note
        d.note.setText("损坏电梯保护板")
        d.accept()
        return d.value

    monkeypatch.setattr(DepositRefundDialog, "ask", classmethod(ask))
    action = next(a for a in window.findChildren(type(window.menuBar().actions()[0]))
                  if a.text() == "Return deposit…")
    action.trigger()
    idle(qtbot, window)
    assert window.errors == []
    with ctx.uow() as s:
        [d] = deposit_history(s)
    assert d["state"] == "returned" and d["returned"]["paid_out_fen"] == 170000


def test_refund_dialog_screenshot(qtbot, window, ctx, tmp_path):
    no = _pay(ctx, "1-1-101")
    with ctx.uow() as s:
        from app.services.refunds import refundable

        info = refundable(s, no, "cashier1")
    window.resize(1366, 768)
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    d = RefundDialog(window, info)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    out = os.environ.get("PROPDESK_SHOTS") or str(tmp_path)
    assert window.grab().save(os.path.join(out, "receipts-1366x768.png"))
    assert d.grab().save(os.path.join(out, "refund-dialog.png"))


def test_deposit_return_for_a_room_without_deposits_says_so(qtbot, window, monkeypatch):
    window.checkout.search.setText("1-1-102")
    window.checkout.find("1-1-102", take_first=True)
    idle(qtbot, window)
    monkeypatch.setattr(DepositRefundDialog, "ask", classmethod(lambda *a, **k: (_ for _ in ()).throw(AssertionError)))
    next(a for a in window.findChildren(type(window.menuBar().actions()[0])) if a.text() == "Return deposit…").trigger()
    idle(qtbot, window)
    assert window.errors == ["This room holds no deposit to return."]
