"""The window's sign-in (ui/dialogs/login.py, ui/session_guard.py, ui/dialogs/password.py,
ui/dialogs/approval.py): lockout after five wrong passwords, the forced change, switch user
without restarting, the lock (by hand and after idle minutes), the approval dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from app.services import users
from tests.ui.conftest import idle
from ui.dialogs.approval import ApprovalDialog
from ui.dialogs.login import LoginDialog
from ui.dialogs.password import ChangePasswordDialog


def _try(qtbot, d: LoginDialog, password: str) -> None:  # type: ignore[no-untyped-def]
    d.password.setText(password)
    d.accept()
    qtbot.waitUntil(lambda: not d.checking)


def test_five_wrong_passwords_lock_the_user_with_a_clear_message(qtbot, ctx, world):
    from ui.ops import Ops

    ops = Ops(ctx)
    d = LoginDialog(None, ops, "cashier1", "T1")
    qtbot.addWidget(d)
    for _ in range(4):
        _try(qtbot, d, "wrong")
        assert "Wrong user name or password" in d.error.text()
    _try(qtbot, d, "wrong")
    assert "now locked" in d.error.text() and "manager" in d.error.text()
    _try(qtbot, d, "1234")  # the right password: still locked
    assert "locked" in d.error.text() and d.value is None
    with ctx.uow() as s:
        users.unlock(s, "admin", "cashier1")
    _try(qtbot, d, "1234")
    assert d.result() == QDialog.DialogCode.Accepted
    ops.wait()


def test_change_password_dialog_checks_and_saves(qtbot, ctx, world):
    from ui.ops import Ops

    with ctx.uow() as s:
        users.set_password(s, "admin", "cashier1", "reset-1")  # a reset: must change
    ops = Ops(ctx)
    d = ChangePasswordDialog(None, ops, "cashier1", forced=True)
    qtbot.addWidget(d)
    d.old.setText("reset-1")
    d.new.setText("mine-1")
    d.again.setText("mine-2")
    d.accept()
    assert "differ" in d.error.text()
    d.again.setText("mine-1")
    d.old.setText("not-it")
    d.accept()
    qtbot.waitUntil(lambda: not d.checking)
    assert "Wrong user name or password" in d.error.text()
    d.old.setText("reset-1")
    d.accept()
    qtbot.waitUntil(lambda: d.result() == QDialog.DialogCode.Accepted)
    ops.wait()
    with ctx.uow() as s:
        assert users.authenticate(s, "cashier1", "mine-1")["must_change_password"] is False


def test_switch_user_without_restarting_and_forced_change(qtbot, window, ctx):
    with ctx.uow() as s:
        users.set_password(s, "admin", "cashier1", "reset-1")
    guard = window.session_guard
    guard.switch_user()
    d = guard.locked
    assert d is not None and not window.centralWidget().isVisible()
    d.reject()  # Esc does not get round the lock
    assert guard.locked is d and d.isVisible()
    d.user.setText("cashier1")
    d.password.setText("reset-1")
    d.accept()
    qtbot.waitUntil(lambda: guard.locked is None)
    assert window.ctx.user == "cashier1" and window.centralWidget().isVisible()
    change = window.findChild(ChangePasswordDialog, "changePasswordDialog")
    assert change is not None and change.isVisible()  # forced: the password was reset
    change.old.setText("reset-1")
    change.new.setText("mine-1")
    change.again.setText("mine-1")
    with qtbot.waitSignal(change.accepted, timeout=10000):  # it deletes itself once finished
        change.accept()
    idle(qtbot, window)
    assert "张敏" in window.bar.user.text()


def test_idle_minutes_lock_the_window_and_the_same_password_unlocks(qtbot, window):
    guard = window.session_guard
    guard.minutes = 10
    guard.last_input -= 9 * 60
    guard.check_idle()
    assert guard.locked is None
    guard.last_input -= 2 * 60
    guard.check_idle()
    d = guard.locked
    assert d is not None and d.user.text() == "admin" and not window.centralWidget().isVisible()
    d.password.setText("wrong")
    d.accept()
    qtbot.waitUntil(lambda: not d.checking)
    assert guard.locked is d
    d.password.setText("admin")
    d.accept()
    qtbot.waitUntil(lambda: guard.locked is None)
    assert window.ctx.user == "admin" and window.centralWidget().isVisible()


def test_approval_dialog_gives_name_and_password(qtbot):
    d = ApprovalDialog(None, "Void receipt T1-20261220-0001")
    qtbot.addWidget(d)
    assert "T1-20261220-0001" in d.findChild(type(d.error), "approvalAction").text()
    d.accept()
    assert "approver's user name" in d.error.text() and d.value is None
    d.approver.setText("m1")
    d.password.setText("secret")
    d.accept()
    assert d.value == ("m1", "secret") and d.password.echoMode() == d.password.EchoMode.Password


def test_a_cashiers_late_void_in_the_window_asks_for_a_supervisor(qtbot, window, ctx, monkeypatch):
    import dataclasses
    from datetime import timedelta

    from sqlalchemy import select

    from app import clock
    from app.db.models import ReceiptVoid
    from app.services.cashier import shifts
    from app.services.cashier.payments import Counter, TenderInput, pay_bills
    from ui.dialogs.small import VoidDialog

    with ctx.uow() as s:
        shifts.open_shift(s, "T1", "cashier1", 0)
        no = pay_bills(s, Counter("T1", "cashier1"), "1-1-101", [TenderInput("cash", 50000)])["receipt_no"]
    window.ctx.settings = dataclasses.replace(window.ctx.settings, user="cashier1")
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=11))
    monkeypatch.setattr(VoidDialog, "ask", classmethod(lambda cls, *a, **k: "收错房号"))
    asked = []
    monkeypatch.setattr(ApprovalDialog, "ask", classmethod(lambda cls, parent, text, ops=None: asked.append(text) or ("admin", "admin")))
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    window.receipts.number.setText(no)
    window.receipts.refresh()
    idle(qtbot, window)
    window.receipts.void()
    idle(qtbot, window)
    assert asked and no in asked[0] and window.errors == []
    with ctx.uow() as s:
        assert s.scalar(select(ReceiptVoid.approved_by)) == "admin"


def test_approval_dialog_with_ops_checks_the_password_and_counts_a_wrong_one(qtbot, ctx, world):
    from ui.ops import Ops

    ops = Ops(ctx)
    d = ApprovalDialog(None, "Void receipt T1-20261220-0001", ops)
    qtbot.addWidget(d)
    d.approver.setText("admin")
    d.password.setText("wrong")
    d.accept()
    qtbot.waitUntil(lambda: not d.checking)
    assert "Wrong user name or password" in d.error.text() and d.value is None
    with ctx.uow() as s:
        from sqlalchemy import select

        from app.db.models import User

        assert s.scalar(select(User.failed_sign_ins).where(User.username == "admin")) == 1
    d.password.setText("admin")
    with qtbot.waitSignal(d.accepted, timeout=10000):
        d.accept()
    assert d.value == ("admin", "admin")
    ops.wait()
