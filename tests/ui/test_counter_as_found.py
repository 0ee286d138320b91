"""Issue 10, "the counter (GUI), as found": each defect a cashier met at a 1366×768 counter,
with the behaviour that replaced it."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QDialog, QWidget

from app import clock
from app.errors import InputError
from app.services import print_queue, users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import TenderInput
from tests.ui.conftest import idle
from ui import i18n
from ui.dialogs.shifts import ShiftCloseDialog, ShiftOpenDialog
from ui.dialogs.small import VoidDialog
from ui.models.receipts import ReceiptsModel


def _find(qtbot, w, text: str) -> None:  # type: ignore[no-untyped-def]
    w.checkout.search.setText(text)
    qtbot.keyClick(w.checkout.search, Qt.Key.Key_Return)
    idle(qtbot, w)


def _type_amount(qtbot, w, amount: str) -> None:  # type: ignore[no-untyped-def]
    t = w.checkout.tender
    t.amount.selectAll()
    qtbot.keyClicks(t.amount, amount)


# -- 1. messages: Chinese, in the window's terms; English only with --lang en ------------------
def test_service_errors_are_shown_in_the_ui_language(qtbot, qapp, window):
    def refuse(s):  # type: ignore[no-untyped-def]
        raise InputError("users.wrong_password")

    try:
        i18n.install(qapp, "zh_CN")
        window.ops.run(refuse)
        idle(qtbot, window)
        assert window.errors[-1] == "用户名或密码不对：请重新输入。"
        window.ops.run(lambda s: 1 / 0)  # unexpected: said in Chinese with what to do, no traceback
        idle(qtbot, window)
        assert "操作失败" in window.errors[-1] and "请重试" in window.errors[-1]
        assert "Traceback" not in window.errors[-1]
    finally:
        i18n.install(qapp, "en")
    window.ops.run(refuse)
    idle(qtbot, window)
    assert window.errors[-1] == "Wrong user name or password: type them again."


def test_a_stale_error_line_goes_when_its_cause_is_fixed(qtbot, ctx, window, monkeypatch):
    with ctx.uow() as s:
        shifts.close_shift(s, "T1", "admin", {100: 200})
    window.refresh_status()
    idle(qtbot, window)
    _find(qtbot, window, "1-1-101")
    _type_amount(qtbot, window, "500")
    qtbot.keyClick(window.checkout.tender.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    idle(qtbot, window)
    # no open shift: refused, said under the fields in the window's terms (F11), no command line
    assert "F11" in window.checkout.tender.error.text() and "propdesk" not in window.checkout.tender.error.text()
    monkeypatch.setattr(ShiftOpenDialog, "ask", classmethod(lambda cls, parent: 20000))
    window.do_open_shift()  # F11
    idle(qtbot, window)
    assert window.checkout.tender.error.text() == ""


def test_login_refusal_is_a_coded_error(ctx, world):
    with ctx.uow() as s:
        with pytest.raises(InputError) as wrong:
            users.authenticate(s, "cashier1", "nope")
        with pytest.raises(InputError) as unknown:
            users.authenticate(s, "nobody", "1234")
        assert wrong.value.code == unknown.value.code == "users.wrong_password"  # no hint which was wrong
        assert users.authenticate(s, "cashier1", "1234")["role"] == "cashier"


# -- 2. the window fits the counter's screen --------------------------------------------------
def test_window_fits_1280_by_720_and_tenders_do_not_resize_it(qtbot, window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    window.resize(1280, 720)
    _find(qtbot, window, "1-1-101")
    size, lines_height = window.size(), window.checkout.lines.height()
    assert size == QSize(1280, 720)
    hits = window.checkout.hits  # the 匹配 column is not cut off
    shown = [c for c in range(hits.model().columnCount()) if not hits.isColumnHidden(c)]
    right_edge = hits.horizontalHeader().sectionViewportPosition(shown[-1]) + hits.columnWidth(shown[-1])
    assert right_edge <= hits.viewport().width()
    for key in (Qt.Key.Key_F2, Qt.Key.Key_F3, Qt.Key.Key_F4, Qt.Key.Key_F1):
        qtbot.keyClick(window.checkout, key)
        qtbot.wait(1)
        assert window.size() == size and window.checkout.lines.height() == lines_height, key
    window.checkout.tender.error.setText("an error line long enough to wrap onto a second line in the "
                                         "tender panel, as the service's refusals often are")
    window.checkout.status.setText("a status line")
    qtbot.wait(1)
    assert window.checkout.lines.height() == lines_height  # error lines do not make the layout jump


def test_the_window_remembers_its_geometry(qtbot, ctx, world):
    from ui.main_window import MainWindow, window_settings

    first = MainWindow(ctx)
    qtbot.addWidget(first)
    assert not first.restore_geometry()  # nothing saved yet: the app opens it maximized
    size = first.minimumSizeHint() + QSize(10, 10)  # offscreen screens are small: just above the minimum
    first.resize(size)
    first.show()
    geometry = first.saveGeometry()
    first.close()
    assert window_settings().value("geometry") == geometry
    second = MainWindow(ctx)
    qtbot.addWidget(second)
    # (the offscreen screen is 800 px wide, so a restored width is clamped to it; the height is not)
    assert second.restore_geometry() and second.size().height() == size.height()
    second.ops.wait()


# -- 3. after paying: ready for the next resident ----------------------------------------------
def test_after_paying_the_search_box_is_empty_and_focused(qtbot, window):
    _find(qtbot, window, "1-1-101")
    _type_amount(qtbot, window, "1000")
    qtbot.keyClick(window.checkout.tender.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    t = window.checkout.tender
    assert window.errors == [] and t.change_label.text() == "¥577.60"
    assert t.received_label.text() == "¥1,000.00"  # what was handed over, not the amount due
    assert window.checkout.search.text() == "" and window.checkout.search.hasFocus()
    assert window.checkout.hits_model.rowCount() == 0


# -- 5. the whole arrears is not taken as exact cash by two Enters ------------------------------
def test_untyped_amount_needs_a_second_enter(qtbot, window):
    _find(qtbot, window, "1-1-101")  # the first Enter: takes the top hit, focus in the amount
    t = window.checkout.tender
    assert t.amount.hasFocus() and t.amount.text() == "422.40"
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)  # the second Enter: asks, pays nothing
    idle(qtbot, window)
    assert not hasattr(window, "last_receipt") and "Press Enter again" in t.error.text()
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)  # deliberate: exact cash
    idle(qtbot, window)
    assert window.last_receipt[0] and t.change_label.text() == "¥0.00"


def test_typing_the_amount_pays_at_the_first_enter(qtbot, window):
    _find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    assert t.amount.text() == "422.40"
    _type_amount(qtbot, window, "422.40")  # typed by the cashier, even though it equals what is due
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert window.last_receipt[0]


# -- 4. no printer, failed prints: impossible to miss -------------------------------------------
def test_no_printer_warning_before_the_first_payment_of_the_shift(qtbot, window):
    assert window.bar.printer.property("alert") is True
    _find(qtbot, window, "1-1-101")
    _type_amount(qtbot, window, "1000")
    qtbot.keyClick(window.checkout.tender.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert len(window.questions) == 1 and "No receipt printer" in window.questions[0]
    _find(qtbot, window, "1-1-102")
    _type_amount(qtbot, window, "1000")
    qtbot.keyClick(window.checkout.tender.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert len(window.questions) == 1  # once per shift


def test_declining_the_warning_pays_nothing(qtbot, window):
    window.ask_yes_no = lambda title, text: False
    _find(qtbot, window, "1-1-101")
    _type_amount(qtbot, window, "1000")
    qtbot.keyClick(window.checkout.tender.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert not hasattr(window, "last_receipt") and window.checkout.lines_model.rowCount() == 4


def test_failed_print_jobs_show_in_the_status_bar_with_retry(qtbot, ctx, window, monkeypatch):
    from sqlalchemy import select

    from app.db.models import Receipt, Terminal

    with ctx.uow() as s:
        no = pay_bills(s, Counter("T1", "admin"), "1-1-101", [TenderInput("cash", 50000)])["receipt_no"]
        rid = s.scalar(select(Receipt.id).where(Receipt.receipt_no == no))
        tid = s.scalar(select(Terminal.id).where(Terminal.code == "T1"))
        job = print_queue.enqueue(s, tid, rid)
        s.flush()
        print_queue.finish(s, job, "打印机缺纸 / printer out of paper")
    window.refresh_print_jobs()
    idle(qtbot, window)
    button = window.bar.retry_button
    assert button.isVisibleTo(window) and "1 receipts not printed" in button.text()
    assert "out of paper" in button.toolTip()
    kicked = []
    monkeypatch.setattr(window.printing, "kick", lambda: kicked.append(1))
    button.click()
    idle(qtbot, window)
    with ctx.uow() as s:
        assert [j["status"] for j in print_queue.jobs(s, "T1")] == ["queued"]
    assert kicked and not button.isVisibleTo(window)


# -- 7. shift close: 分 rows, a confirmed difference, a printed report ----------------------------
def test_drawer_rows_follow_the_denominations_tuple(qtbot, monkeypatch):
    monkeypatch.setattr(shifts, "DENOMINATIONS", (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1))
    d = ShiftCloseDialog(None, {"cash": 20003})
    qtbot.addWidget(d)
    assert list(d.counts) == [10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 2, 1]
    d.counts[10000].setValue(2)
    d.counts[2].setValue(1)
    d.counts[1].setValue(1)
    assert d.counted_fen() == 20003 and "¥0.00" in d.variance_label.text()
    d.accept()
    assert d.value == {10000: 2, 2: 1, 1: 1}


def test_closing_with_a_difference_needs_a_confirmation(qtbot, monkeypatch):
    d = ShiftCloseDialog(None, {"cash": 20000})
    qtbot.addWidget(d)
    d.counts[10000].setValue(1)
    answers = [False, True]
    monkeypatch.setattr(d, "confirm_difference", lambda variance: answers.pop(0))
    d.accept()
    assert d.value is None and d.error.text() and d.result() != QDialog.DialogCode.Accepted
    d.accept()
    assert d.value == {10000: 1}


def test_the_shift_report_is_printed_after_closing(qtbot, window, monkeypatch):
    monkeypatch.setattr(ShiftCloseDialog, "ask", classmethod(lambda cls, parent, expected: {10000: 2}))
    opened = []
    window.open_file = opened.append
    window.do_close_shift()
    idle(qtbot, window)
    assert window.errors == []
    assert opened and opened[0].read_bytes()[:5] == b"%PDF-"


def test_denomination_names():
    from ui.dialogs.shifts import denomination_text

    assert [denomination_text(f) for f in (10000, 50, 10, 5, 2, 1)] == ["100 yuan", "5 jiao", "1 jiao", "5 fen",
                                                                        "2 fen", "1 fen"]


# -- 8. receipts: keys in the number box, Ctrl+P on the row shown, void receipts ----------------
def _receipts(qtbot, ctx, window, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    nos = []
    with ctx.uow() as s:
        for room in ("1-1-101", "1-1-102")[:n]:
            nos.append(pay_bills(s, Counter("T1", "admin"), room, [TenderInput("cash", 50000)])["receipt_no"])
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    return nos


def test_arrow_keys_in_the_number_box_move_the_selection(qtbot, ctx, window):
    no1, no2 = _receipts(qtbot, ctx, window, 2)
    view = window.receipts
    view.number.setFocus()
    assert view.current()["receipt_no"] == no2
    qtbot.keyClick(view.number, Qt.Key.Key_Down)
    assert view.current()["receipt_no"] == no1 and no1 in view.info.text()
    qtbot.keyClick(view.number, Qt.Key.Key_Up)
    assert view.current()["receipt_no"] == no2
    qtbot.keyClick(view.number, Qt.Key.Key_Down)
    qtbot.keyClick(view.number, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)  # the row shown
    assert window.last_receipt == (no1, True)


def test_voiding_a_card_payment_reminds_to_reverse_it_on_the_terminal(qtbot, ctx, window, monkeypatch):
    with ctx.uow() as s:
        no = pay_bills(s, Counter("T1", "admin"), "1-1-101",
                       [TenderInput("pos", 42240, "123456789012")])["receipt_no"]
    window.tabs.setCurrentIndex(1)
    idle(qtbot, window)
    told = []
    monkeypatch.setattr(VoidDialog, "ask", classmethod(
        lambda cls, parent, receipt_no, summary="", reminder="": told.append(reminder) or "住户取消"))
    window.receipts.void()
    idle(qtbot, window)
    assert told and "POS terminal" in told[0] and "422.40" in told[0]
    assert "POS terminal" in window.receipts.notice.text() and no in window.receipts.notice.text()
    window.receipts.reprint()  # now void: refused, not printed as if valid
    assert "cannot be reprinted" in window.receipts.info.text() and not hasattr(window, "last_receipt")


def test_a_cash_void_has_no_reminder():
    from ui.receipts.view import reversal_reminder

    assert reversal_reminder([{"method": "cash", "amount_fen": 100}]) == ""
    assert "merchant app" in reversal_reminder([{"method": "wechat", "amount_fen": 100}])


# -- 12. times in the business zone, not the PC's -------------------------------------------------
@pytest.fixture
def pc_in_utc(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PROPDESK_TZ", raising=False)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    clock.set_zone(None)
    yield
    monkeypatch.undo()
    time.tzset()


def test_receipts_list_in_business_time_on_a_utc_pc(qtbot, ctx, window, pc_in_utc, monkeypatch):
    at = datetime(2026, 12, 1, 23, 22, tzinfo=timezone.utc)
    monkeypatch.setattr(clock, "now", lambda: at)
    with ctx.uow() as s:
        no = pay_bills(s, Counter("T1", "admin"), "1-1-101", [TenderInput("cash", 50000)])["receipt_no"]
    window.tabs.setCurrentIndex(1)
    view = window.receipts
    view.number.setText(no)
    view.refresh()
    idle(qtbot, window)
    index = view.model.index(0, 1)
    assert view.model.data(index) == "2026-12-02 07:22"
    assert ReceiptsModel.COLUMNS == 9


def test_status_bar_shift_time_in_business_time(qtbot, window, pc_in_utc):
    window.bar.show_status({"display_name": "x", "terminal": "T1",
                            "shift": {"opened_at": "2026-12-01T23:22:00", "float_fen": 0}, "printer": None})
    assert "07:22" in window.bar.shift.text()


def test_gui_language_from_either_lang_option():
    from argparse import Namespace

    from ui.cli_gui import ui_language

    assert ui_language(Namespace(ui_lang=None, lang=None)) == "zh_CN"
    assert ui_language(Namespace(ui_lang=None, lang="en")) == "en"  # propdesk --lang en gui
    assert ui_language(Namespace(ui_lang="en", lang=None)) == "en"  # propdesk gui --lang en
    assert ui_language(Namespace(ui_lang="zh_CN", lang="en")) == "zh_CN"


# -- the walkthrough in Chinese shows no English word ---------------------------------------------
ALLOWED_LATIN = {"Ctrl", "Shift", "Enter", "Del", "Esc", "PropDesk", "POS", "USB", "Tab", "PgUp", "PgDn"}


def _visible_texts(w) -> list[str]:  # type: ignore[no-untyped-def]
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QTableView, QTabWidget

    texts = [a.text() for m in w.menuBar().actions() for a in [m, *m.menu().actions()]]
    for widget in w.findChildren(QWidget):
        if not widget.isVisibleTo(w):
            continue
        if isinstance(widget, QLabel):
            texts.append(re.sub(r"<[^>]+>", "", widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit) and not widget.text():
            texts.append(widget.placeholderText())
        elif isinstance(widget, QTableView):
            m = widget.model()
            texts += [str(m.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(m.columnCount())]
            texts += [str(m.data(m.index(r, c)) or "") for r in range(min(3, m.rowCount())) for c in range(m.columnCount())]
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
    return texts


def _english_words(texts: list[str]) -> list[str]:
    import re

    return [t for t in texts for word in re.findall(r"[A-Za-z]{2,}", t) if word not in ALLOWED_LATIN]


def test_walkthrough_in_chinese_shows_no_english(qtbot, qapp, ctx, world):
    from ui.main_window import MainWindow

    i18n.install(qapp, "zh_CN")
    try:
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.ask_yes_no = lambda title, text: True
        w.errors = []
        w.ops.show_error = w.errors.append
        w.resize(1366, 768)
        w.show()
        idle(qtbot, w)
        seen = _visible_texts(w)
        _find(qtbot, w, "1-1-101")
        qtbot.keyClick(w.checkout.tender.amount, Qt.Key.Key_Return)  # the "exact cash?" question
        seen += _visible_texts(w)
        qtbot.keyClick(w.checkout, Qt.Key.Key_F2)
        seen += _visible_texts(w)
        qtbot.keyClick(w.checkout, Qt.Key.Key_F1)
        _type_amount(qtbot, w, "1000")
        qtbot.keyClick(w.checkout.tender.amount, Qt.Key.Key_Return)
        idle(qtbot, w)
        seen += _visible_texts(w) + [w.bar.currentMessage()]
        w.tabs.setCurrentIndex(1)
        idle(qtbot, w)
        seen += _visible_texts(w)
        assert w.errors == []
        assert not _english_words(seen), _english_words(seen)
        w.ops.wait()
    finally:
        i18n.install(qapp, "en")


def test_shift_keys_say_what_to_do_when_there_is_nothing_to_do(qtbot, ctx, window, monkeypatch):
    monkeypatch.setattr(ShiftOpenDialog, "ask", classmethod(lambda cls, parent: pytest.fail("asked")))
    window.do_open_shift()  # F11 with a shift open
    assert "F12" in window.errors[-1]
    with ctx.uow() as s:
        shifts.close_shift(s, "T1", "admin", {100: 200})
    window.refresh_status()
    idle(qtbot, window)
    window.do_close_shift()  # F12 with none open
    idle(qtbot, window)
    assert "F11" in window.errors[-1] and "propdesk" not in window.errors[-1]


# -- issue 9 item 4: a payment waiting behind a bill run or an import waits visibly ------------
def test_a_long_wait_for_the_database_is_said_in_the_status_bar(qtbot, window):
    bar = window.bar
    bar.slow.setInterval(0)  # the moment "working" turns into "waiting" (1.2 s at the counter)
    window.ops.bus.busy.emit(True)
    qtbot.waitUntil(lambda: "bill run" in bar.busy.text())
    assert bar.busy.property("warning") is True
    window.ops.bus.busy.emit(False)
    assert bar.busy.text() == "" and not bar.slow.isActive()
