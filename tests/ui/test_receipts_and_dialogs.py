"""Receipts history (search, reprint, void), the counter dialogs through the window with
`ask` monkeypatched, and each dialog's own form logic without exec()."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import TenderInput
from tests.ui.conftest import idle
from ui.dialogs.login import LoginDialog
from ui.dialogs.money_in import DepositDialog, OneOffDialog, PrepayDialog
from ui.dialogs.printer import PrinterDialog
from ui.dialogs.shifts import ShiftCloseDialog, ShiftOpenDialog
from ui.dialogs.small import ScanDialog, VoidDialog
from ui.receipts import view as receipts_view


def _pay(ctx, room: str, cash_fen: int) -> str:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return pay_bills(s, Counter("T1", "admin"), room, [TenderInput("cash", cash_fen)])["receipt_no"]


def _select(qtbot, w, room_key: str) -> None:  # type: ignore[no-untyped-def]
    w.checkout.find(room_key, take_first=True)
    idle(qtbot, w)


def test_receipts_search_reprint_and_void(qtbot, window, ctx, monkeypatch):
    no1, no2 = _pay(ctx, "1-1-101", 50000), _pay(ctx, "1-1-102", 40000)
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    view = window.receipts
    assert [r["receipt_no"] for r in view.model.rows] == [no2, no1]
    view.room.setText("1-1-101")
    view.refresh()
    idle(qtbot, window)
    assert [r["receipt_no"] for r in view.model.rows] == [no1]
    view.reprint()
    assert window.last_receipt == (no1, True)
    monkeypatch.setattr(VoidDialog, "ask", classmethod(lambda cls, parent, no, summary="", reminder="": "收错房号"))
    view.void()
    idle(qtbot, window)
    assert window.errors == []
    row = view.model.rows[0]
    assert row["status"] == "void" and row["void_reason"] == "收错房号"
    view.void()  # already void: said, not attempted
    assert "already void" in view.info.text()
    view.reprint()  # a void receipt is not reprinted as if it were valid
    assert window.last_receipt == (no1, True) and "cannot be reprinted" in view.info.text()


def test_void_without_reason_is_not_sent(qtbot, window, ctx, monkeypatch):
    _pay(ctx, "1-1-101", 50000)
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    monkeypatch.setattr(VoidDialog, "ask", classmethod(lambda cls, *a, **k: None))
    window.receipts.void()
    idle(qtbot, window)
    assert window.receipts.model.rows[0]["status"] == "issued"


def test_verify_receipt_qr(qtbot, window, ctx, monkeypatch):
    no = _pay(ctx, "1-1-101", 50000)
    mod = receipts_view.receipt_qr_module()
    assert mod is not None  # app.printing.receipt_qr is part of the product: no "not available" path to test
    from app.db.models import Receipt, Payment
    from app.services.terminal_settings import terminal_key
    from sqlalchemy import select

    with ctx.uow() as s:
        r, p = s.execute(select(Receipt, Payment).join(Payment, Payment.id == Receipt.payment_id)
                         .where(Receipt.receipt_no == no)).one()
        payload = mod.sign(no, p.total_fen, r.issued_at, terminal_key(s, "T1"))
    window.tabs.setCurrentIndex(1)
    monkeypatch.setattr(ScanDialog, "ask", classmethod(lambda cls, *a, **k: payload))
    window.receipts.verify()
    idle(qtbot, window)
    assert window.receipts.last_verification["genuine"] and no in window.receipts.info.text()
    forged = payload[:-1] + ("0" if payload[-1] != "0" else "1")
    monkeypatch.setattr(ScanDialog, "ask", classmethod(lambda cls, *a, **k: forged))
    window.receipts.verify()
    idle(qtbot, window)
    assert not window.receipts.last_verification["genuine"]


def test_shift_close_through_the_window(qtbot, window, ctx, monkeypatch):
    _pay(ctx, "1-1-101", 50000)  # 422.40 kept in cash
    seen = {}

    def fake_ask(cls, parent, expected):  # type: ignore[no-untyped-def]
        seen["expected"] = expected
        return {10000: 6, 2000: 1, 100: 2, 10: 4}  # 622.40 counted
    monkeypatch.setattr(ShiftCloseDialog, "ask", classmethod(fake_ask))
    window.do_close_shift()
    idle(qtbot, window)
    assert seen["expected"] == {"cash": 20000 + 42240}
    assert window.last_shift_close["variance_fen"] == 0 and window.last_shift_close["counted_fen"] == 62240
    assert "F11" in window.bar.shift.text()  # no open shift any more
    monkeypatch.setattr(ShiftOpenDialog, "ask", classmethod(lambda cls, parent: 30000))
    window.do_open_shift()
    idle(qtbot, window)
    assert "300.00" in window.bar.shift.text()


def test_prepay_deposit_and_one_off_through_the_window(qtbot, window, monkeypatch):
    window.do_prepay()  # no household yet
    assert "F6" in window.bar.currentMessage()  # find a household first (F6), in either language
    _select(qtbot, window, "1-1-102")
    monkeypatch.setattr(PrepayDialog, "ask", classmethod(lambda cls, p, label: [TenderInput("cash", 50000)]))
    window.do_prepay()
    idle(qtbot, window)
    assert window.checkout.card.values["prepaid"].text() == "¥500.00"
    monkeypatch.setattr(DepositDialog, "ask",
                        classmethod(lambda cls, p, label: ("装修押金", [TenderInput("cash", 200000)])))
    window.do_deposit()
    idle(qtbot, window)
    assert window.checkout.card.values["deposits"].text() == "¥2,000.00"
    offered = {}

    def one_off(cls, p, label, items):  # type: ignore[no-untyped-def]
        offered["items"] = items
        return "ZX", 15000, "装修垃圾清运 3车", [TenderInput("cash", 20000)]
    monkeypatch.setattr(OneOffDialog, "ask", classmethod(one_off))
    window.do_one_off()
    idle(qtbot, window)
    assert offered["items"] == [{"code": "ZX", "name": "装修垃圾清运费"}]
    assert window.checkout.tender.change_label.text() == "¥50.00"
    assert window.errors == []


def test_shift_close_dialog_form(qtbot):
    d = ShiftCloseDialog(None, {"cash": 62240, "pos": 30000})
    qtbot.addWidget(d)
    d.counts[10000].setValue(6)
    d.counts[2000].setValue(1)
    assert "-¥2.40" in d.variance_label.text() and d.variance_label.property("alert")
    d.counts[100].setValue(2)
    d.counts[10].setValue(4)
    assert "¥622.40" == d.counted_label.text() and "✓" in d.variance_label.text()
    d.accept()
    assert d.result() == QDialog.DialogCode.Accepted and d.value == {10000: 6, 2000: 1, 100: 2, 10: 4}


def test_money_dialog_forms(qtbot):
    p = PrepayDialog(None, "1-1-101")
    qtbot.addWidget(p)
    p.tender.amount.setText("12.345")
    p.accept()
    assert "2 decimals" in p.error.text() and p.value is None
    p.tender.set_method("pos")
    p.tender.amount.setText("100")
    p.tender.reference.setText("123456789012")
    p.accept()
    assert p.value == [TenderInput("pos", 10000, "123456789012")]
    d = DepositDialog(None, "1-1-101")
    qtbot.addWidget(d)
    d.purpose.setEditText("")
    d.tender.amount.setText("100")
    d.accept()
    assert d.value is None and d.error.text()
    d.purpose.setEditText("门禁卡押金")
    d.accept()
    assert d.value == ("门禁卡押金", [TenderInput("cash", 10000)])
    o = OneOffDialog(None, "1-1-101", [{"code": "ZX", "name": "装修垃圾清运费"}])
    qtbot.addWidget(o)
    o.amount.setText("150")
    o.tender.amount.setText("150")
    o.accept()
    assert o.value is None and o.error.text()  # a note is required
    o.note.setText("3车")
    o.accept()
    assert o.value == ("ZX", 15000, "3车", [TenderInput("cash", 15000)])


def test_small_dialogs_and_printer(qtbot):
    v = VoidDialog(None, "T1-20261220-0001")
    qtbot.addWidget(v)
    v.accept()
    assert v.value is None and v.error.text()
    v.reason.setEditText("重复收费")
    v.accept()
    assert v.value == "重复收费"
    o = ShiftOpenDialog(None)
    qtbot.addWidget(o)
    o.float_amount.setText("abc")
    o.accept()
    assert o.value is None
    o.float_amount.setText("150.5")
    o.accept()
    assert o.value == 15050
    pages = []
    pr = PrinterDialog(None, None, pages.append)
    qtbot.addWidget(pr)
    pr.transport.setCurrentIndex(pr.transport.findData("network"))
    pr.accept()
    assert pr.value is None and "target" in pr.error.text()
    pr.target.setText("192.168.1.50:9100")
    pr.width.setCurrentIndex(pr.width.findData(58))
    pr.test_page()
    assert pages and pages[0]["width_mm"] == 58
    pr.accept()
    assert pr.value["transport"] == "network" and pr.value["target"] == "192.168.1.50:9100"


def test_printer_settings_saved_through_the_window(qtbot, window, monkeypatch):
    settings = {"transport": "file", "target": "/tmp/r.bin", "width_mm": 58}
    monkeypatch.setattr(PrinterDialog, "ask", classmethod(lambda cls, p, cur, hook, read_only=False: {**settings}))
    window.do_printer()
    idle(qtbot, window)
    assert "58 mm" in window.bar.printer.text() and "File (demo)" in window.bar.printer.text()


def test_login_dialog(qtbot, ctx, world):
    from ui.ops import Ops

    ops = Ops(ctx)
    d = LoginDialog(None, ops, "cashier1", "T1")
    qtbot.addWidget(d)
    d.password.setText("wrong")
    d.accept()
    qtbot.waitUntil(lambda: not d.checking)
    assert d.value is None and d.error.text()
    d.password.setText("1234")
    d.accept()
    qtbot.waitUntil(lambda: d.result() == QDialog.DialogCode.Accepted)
    assert d.value == {"username": "cashier1", "display_name": "张敏", "role": "cashier",
                       "must_change_password": False}
    ops.wait()


def test_cashier_sees_printer_settings_read_only(qtbot, ctx, world, monkeypatch):
    """A cashier is shown the settings read-only, not refused after editing them."""
    import dataclasses

    from ui.main_window import MainWindow

    ctx.settings = dataclasses.replace(ctx.settings, user="cashier1")
    w = MainWindow(ctx)
    errors: list[str] = []
    w.ops.show_error = errors.append
    qtbot.addWidget(w)
    asked = []
    monkeypatch.setattr(PrinterDialog, "ask", classmethod(
        lambda cls, p, cur, hook, read_only=False: asked.append(read_only) or {"transport": "usb"}))
    w.do_printer()
    idle(qtbot, w)
    assert asked == [True] and errors == []  # opened read-only; nothing saved, nothing refused
    d = PrinterDialog(None, None, read_only=True)
    qtbot.addWidget(d)
    assert not d.transport.isEnabled() and d.target.isReadOnly()
    d.accept()
    assert d.value is None and d.result() == QDialog.DialogCode.Rejected
    w.ops.wait()
