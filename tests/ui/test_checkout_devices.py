"""Checkout and the counter's devices: the pole display (客显) over a pty, the F3 payment code
(付款码) recognised and handed to the scan service, offline F3."""

from __future__ import annotations

import dataclasses
import sys
import threading

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from app.db.models import Terminal
from app.services import users
from app.services.cashier.payments import pay_bills
from app.services.cashier.tenders import TenderInput
from drivers.display.fake import FakePoleDisplay, Shown
from tests.ui.conftest import idle
from tests.ui.test_checkout import find
from ui.checkout import scan_pay_hook

WECHAT = "134567890123456789"
ALIPAY = "286543210987654321"
posix = pytest.mark.skipif(sys.platform == "win32", reason="pty")


def _display_on(qtbot, window, ctx, port: str) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        users.ensure_terminal(s, "T1")
        s.execute(update(Terminal).where(Terminal.code == "T1").values(
            printer={"transport": "none", "customer_display": True, "display_port": port}))
    window.checkout.load_display_settings()
    idle(qtbot, window)


@posix
def test_checkout_drives_the_pole_display(qtbot, window, ctx):
    with FakePoleDisplay() as fake:
        _display_on(qtbot, window, ctx, fake.port)
        find(qtbot, window, "1-1-101")
        assert fake.wait_for(lambda f: f.shown == Shown("总计", "422.40"))
        t = window.checkout.tender
        qtbot.keyClick(window.checkout, Qt.Key.Key_F1)
        t.amount.selectAll()
        qtbot.keyClicks(t.amount, "500")
        assert fake.wait_for(lambda f: f.shown == Shown("收款", "500.00"))
        qtbot.keyClick(t.amount, Qt.Key.Key_Return)
        idle(qtbot, window)
        assert window.errors == [] and t.change_label.text() == "¥77.60"
        assert fake.wait_for(lambda f: f.shown == Shown("找零", "77.60"))
        idle(qtbot, window)  # the reload after the payment must not replace the change
        qtbot.wait(20)
        assert fake.shown == Shown("找零", "77.60")
        qtbot.keyClick(window.checkout.search, Qt.Key.Key_Escape)
        assert fake.wait_for(lambda f: f.shown.text == "")
        assert not fake.decoder.errors
        window.checkout.display.stop()  # let go of the port before the pty closes


def test_a_missing_display_is_said_in_the_status_bar_and_the_payment_goes_on(qtbot, window, ctx, tmp_path):
    messages: list[str] = []
    window.bar.messageChanged.connect(messages.append)
    _display_on(qtbot, window, ctx, str(tmp_path / "ttyGONE") if sys.platform != "win32" else "COM199")
    find(qtbot, window, "1-1-101")
    qtbot.waitUntil(lambda: any("Customer display" in m for m in messages), timeout=5000)
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F1)
    t.amount.setText("500")
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert window.errors == [] and t.change_label.text() == "¥77.60"
    assert window.checkout.lines_model.rowCount() == 0


def test_f3_recognises_wechat_and_alipay_codes(qtbot, window):
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    assert t.method == "wechat" and t.reference.hasFocus()  # a scanner types the code here
    qtbot.keyClicks(t.reference, ALIPAY)
    assert t.method == "alipay" and t.payment_code() == ALIPAY
    assert t.reference_label.text() == "Payment code · Alipay"
    assert "Alipay" in t.method_buttons["wechat"].text()
    t.reference.selectAll()
    qtbot.keyClicks(t.reference, WECHAT)
    assert t.method == "wechat" and t.reference_label.text() == "Payment code · WeChat Pay"
    t.reference.setText("4200001234567890123456789012")  # a transaction no typed for a payment taken elsewhere
    assert t.payment_code() is None and t.method == "wechat"
    t.reference.setText("1612345678901234567")  # 16…: no gateway's prefix, not a code
    assert t.payment_code() is None


def test_f3_scan_without_the_service_says_so(qtbot, window, monkeypatch):
    monkeypatch.setattr(scan_pay_hook, "service", lambda: None)
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    qtbot.keyClicks(t.reference, WECHAT)
    qtbot.keyClick(t.reference, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert "not installed" in t.error.text() and window.checkout.lines_model.rowCount() == 4
    assert not window.checkout.paying


def test_f3_scan_waits_for_the_password_then_pays(qtbot, window, ctx, monkeypatch, tmp_path):
    """The scan goes to the hook with (amount, code); the service's "paying" shows
    等待用户输入密码… until the gateway answers. The service itself is G2's: a stand-in here
    records the payment as the service does on success (tender wechat + transaction no)."""
    release = threading.Event()
    calls: list[tuple] = []

    def fake_pay(ctx_, counter, room_key, line_ids, tenders, amount_fen, auth_code, on_state):  # type: ignore[no-untyped-def]
        calls.append((room_key, amount_fen, auth_code, [t.method for t in tenders]))
        on_state("paying")
        assert release.wait(10)
        with ctx_.uow() as s:
            return pay_bills(s, counter, room_key, tenders + [TenderInput("wechat", amount_fen, "4" * 28)],
                             line_ids=line_ids)

    monkeypatch.setattr(scan_pay_hook, "available", lambda: True)
    monkeypatch.setattr(scan_pay_hook, "pay_scanned", fake_pay)
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    qtbot.keyClicks(t.reference, WECHAT)
    qtbot.keyClick(t.reference, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "password" in t.error.text(), timeout=5000)
    assert t.error.text() == "Waiting for the resident to enter the password…"
    assert not t.pay_button.isEnabled() and window.checkout.paying
    qtbot.keyClick(t.reference, Qt.Key.Key_Return)  # a second Enter while waiting does nothing
    window.grab().save(str(tmp_path / "f3-waiting.png"))
    release.set()
    qtbot.waitUntil(lambda: not window.checkout.paying, timeout=10000)
    idle(qtbot, window)
    assert len(calls) == 1 and calls[0][0].endswith("/1-1-101") and calls[0][1:] == (42240, WECHAT, [])
    assert window.errors == [] and t.pay_button.isEnabled()
    assert window.last_receipt[0].startswith("T1-")
    assert window.checkout.lines_model.rowCount() == 0


def test_offline_f3_offers_the_other_tenders(qtbot, window, ctx):
    ctx.settings = dataclasses.replace(ctx.settings, offline=True)
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    assert t.method == "cash"  # stays on a tender that works without the network
    assert "network is down" in t.error.text() and "(F1)" in t.error.text() and "(F4)" in t.error.text()


# -- the camera ----------------------------------------------------------------------------
def _code_folder(tmp_path, *codes):  # type: ignore[no-untyped-def]
    from drivers.scanner import images

    folder = tmp_path / "camera"
    for i, (kind, text) in enumerate(codes):
        img = images.qr_image(text) if kind == "qr" else images.code128_image(text)
        images.write(images.on_counter(img, angle=5), folder / f"{i}.png")
    return folder


def test_camera_dialog_reads_a_code_through_pyzbar(qtbot, tmp_path):
    from PIL import Image

    from drivers.scanner import images
    from ui.dialogs.camera import CameraDialog

    folder = _code_folder(tmp_path, ("code128", ALIPAY))
    images.write(Image.new("RGB", (960, 540), (150, 150, 150)), folder / "0-empty.png")  # first: nothing to read
    d = CameraDialog(None, f"fake:{folder}")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.value is not None, timeout=10000)
    assert (d.value.text, d.value.kind, d.value.gateway, d.value.symbology) == (ALIPAY, "payment", "alipay", "CODE128")
    assert d.preview.pixmap() is not None and not d.preview.pixmap().isNull()
    assert d.result() == d.DialogCode.Accepted


def test_camera_dialog_without_a_camera_says_so(qtbot, tmp_path):
    from ui.dialogs.camera import CameraDialog

    d = CameraDialog(None, f"fake:{tmp_path}")  # an empty folder: no pictures
    qtbot.addWidget(d)
    qtbot.waitUntil(lambda: d.status.text() != "", timeout=5000)
    assert "no images" in d.status.text() or "没有图像" in d.status.text()
    d.reject()


def test_camera_codes_go_where_they_belong(qtbot, window, monkeypatch, world):
    from drivers.scanner.camera import Scanned
    from ui.dialogs.camera import CameraDialog

    find(qtbot, window, "1-1-102")
    t = window.checkout.tender
    # A payment code: to the F3 tender, WeChat or Alipay by its prefix; nothing is paid yet.
    monkeypatch.setattr(CameraDialog, "ask", classmethod(lambda cls, parent, source=None: Scanned(
        ALIPAY, "CODE128", "payment", "alipay")))
    window.checkout.camera_action.trigger()
    assert t.method == "alipay" and t.reference.text() == ALIPAY and t.reference.hasFocus()
    assert window.checkout.lines_model.rowCount() > 0
    # Anything else: to the search box, as the keyboard-wedge scanner types it.
    monkeypatch.setattr(CameraDialog, "ask", classmethod(lambda cls, parent, source=None: Scanned(
        "1-1-101", "QRCODE", "document")))
    window.checkout.camera_action.trigger()
    idle(qtbot, window)
    assert window.checkout.search.text() == "1-1-101" and window.checkout.hit.room_key == "1-1-101"
    assert "Scanned" in window.checkout.status.text()


def test_a_declined_scan_records_nothing_and_the_counter_goes_on(qtbot, window, monkeypatch):
    from app.errors import InputError

    def declined(*_a, **_k):  # type: ignore[no-untyped-def]
        raise InputError("device.scan.not_a_code")  # any coded refusal the service raises

    monkeypatch.setattr(scan_pay_hook, "available", lambda: True)
    monkeypatch.setattr(scan_pay_hook, "pay_scanned", declined)
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    qtbot.keyClicks(t.reference, WECHAT)
    qtbot.keyClick(t.reference, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.checkout.paying, timeout=5000)
    assert "not a WeChat or Alipay payment code" in t.error.text() and t.pay_button.isEnabled()
    assert window.checkout.lines_model.rowCount() == 4 and not hasattr(window, "last_receipt")
    qtbot.keyClick(window.checkout, Qt.Key.Key_F1)  # the other tenders are there at once
    assert t.method == "cash"


def test_printer_dialog_keeps_the_display_port(qtbot):
    from ui.dialogs.printer import PrinterDialog

    d = PrinterDialog(None, {"transport": "none", "customer_display": True, "display_port": "COM4",
                             "display_baudrate": 9600})
    qtbot.addWidget(d)
    v = d.build()
    assert (v["customer_display"], v["display_port"], v["display_baudrate"]) == (True, "COM4", 9600)
    d.display_port.setText("the back room")
    with pytest.raises(ValueError) as e:
        d.build()
    assert "COM3" in str(e.value)  # says what to type


def test_a_payment_code_scanned_into_the_search_box_goes_to_f3(qtbot, window):
    box = window.checkout.search
    qtbot.keyClicks(box, WECHAT)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert "find the household first" in window.checkout.status.text() and box.text() == ""
    find(qtbot, window, "1-1-101")
    box.setFocus()  # the cursor went back to the search box; the resident shows the code
    box.selectAll()
    qtbot.keyClicks(box, ALIPAY)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    idle(qtbot, window)
    t = window.checkout.tender
    assert t.method == "alipay" and t.reference.text() == ALIPAY and window.checkout.hit.room_key == "1-1-101"
    assert window.checkout.lines_model.rowCount() == 4  # nothing charged before Enter in the tender
