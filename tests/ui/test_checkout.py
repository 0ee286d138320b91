"""The checkout screen end to end: find a household by every kind of key, tick lines,
pay cash and see the change, split tender, errors shown and nothing paid."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.services.receivables.bills import room_bills
from tests.ui.conftest import TODAY, idle


def find(qtbot, w, text: str, enter: bool = True):  # type: ignore[no-untyped-def]
    box = w.checkout.search
    box.clear()
    if text.isascii():
        qtbot.keyClicks(box, text)
    else:  # hanzi arrive as one IME commit, which QTest cannot type
        box.insert(text)
    if enter:
        qtbot.keyClick(box, Qt.Key.Key_Return)
    else:
        box.flush()
    idle(qtbot, w)
    return [h.room_key for h in w.checkout.hits_model.rows]


@pytest.mark.parametrize("query,matched", [
    ("1-1-101", "room"), ("1 1 101", "room"), ("13800001234", "phone"), ("1234", "last4"), ("张三", "name"),
    ("zs", "initials"),
])
def test_find_by_each_kind_of_key(qtbot, window, query, matched):
    assert find(qtbot, window, query)[0] == "1-1-101"
    assert window.checkout.hits_model.rows[0].matched == matched
    assert window.checkout.hit.room_key == "1-1-101"  # Enter takes the top hit
    assert window.checkout.card.values["owner"].text() == "张三"
    assert window.checkout.lines_model.rowCount() == 4


def test_typing_shows_results_without_choosing(qtbot, window):
    assert set(find(qtbot, window, "1-1", enter=False)) == {"1-1-101", "1-1-102"}
    assert window.checkout.hit is None


def test_scanned_bill_qr_and_receipt_qr(qtbot, window, world):
    keys = find(qtbot, window, f"PDR1|{world['1-1-102']}")
    assert keys == ["1-1-102"] and window.checkout.hit.matched == "qr"
    assert "PDR1" in window.checkout.status.text()  # reported as a scan
    pay_cash(qtbot, window, "500")
    receipt = window.last_receipt[0]
    window.checkout.clear()
    assert find(qtbot, window, f"PD1|{receipt}|17000|1795500000|0123456789abcdef") == ["1-1-102"]


def test_scanner_burst_is_told_from_typing(qtbot, window):
    box = window.checkout.search
    qtbot.keyClicks(box, "PDR1|abc")
    assert box._looks_scanned()
    box._key_times = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.4]  # a person typing
    assert not box._looks_scanned()


def pay_cash(qtbot, w, amount: str) -> None:  # type: ignore[no-untyped-def]
    t = w.checkout.tender
    qtbot.keyClick(w.checkout, Qt.Key.Key_F1)
    t.amount.setText(amount)
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)
    idle(qtbot, w)


def test_pay_selected_lines_in_cash_shows_change(qtbot, window, ctx, world):
    find(qtbot, window, "1-1-101")
    model = window.checkout.lines_model
    # Keep only the October lines: PM 200.00 + 2.10 late fee, GARB 10.00.
    for row, v in enumerate(model.rows):
        if v.period != "2026-10":
            model.setData(model.index(row, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert model.checked_total() == 21210
    assert window.checkout.tender.due_label.text() == "¥212.10"
    pay_cash(qtbot, window, "300")
    assert window.errors == [] and window.checkout.tender.error.text() == ""
    assert window.checkout.tender.change_label.text() == "¥87.90"
    assert window.last_receipt == ("T1-20261220-0001", False)
    assert [v.period for v in model.rows] == ["2026-11", "2026-11"]  # reloaded: October is paid
    with ctx.uow() as s:
        assert room_bills(s, world["1-1-101"], as_of=TODAY)["owed_fen"] == 21000


def test_split_tender_card_and_cash(qtbot, window):
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    assert t.due_fen == 42240
    qtbot.keyClick(window.checkout, Qt.Key.Key_F2)
    assert t.method == "pos" and t.reference.isVisibleTo(t)
    t.amount.setText("300")
    t.reference.setText("123456789012")
    t.batch.setText("000001")
    qtbot.keyClick(t.amount, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # keep it, next tender
    assert len(t.tenders) == 1 and t.method == "cash" and t.amount.text() == "122.40"
    t.amount.setText("200")
    assert t.change_label.text() == "¥77.60"  # preview while typing
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert window.errors == [] and t.error.text() == ""
    assert t.change_label.text() == "¥77.60"
    # Received is what the resident handed over: 300.00 on the card + 200.00 in cash.
    assert t.received_label.text() == "¥500.00" and "300.00" in t.received_label.toolTip()
    assert window.checkout.lines_model.rowCount() == 0


def test_bad_tender_is_reported_and_nothing_paid(qtbot, window):
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F2)
    t.reference.setText("12345")
    qtbot.keyClick(t.amount, Qt.Key.Key_Return)
    assert "12-digit" in t.error.text()
    qtbot.keyClick(window.checkout, Qt.Key.Key_F1)
    pay_cash(qtbot, window, "10")  # less than due: the service refuses
    # the service's message, in whichever language the window renders service messages
    assert "less than the amount due" in t.error.text() or "少于应收" in t.error.text()
    assert not hasattr(window, "last_receipt")
    assert window.checkout.lines_model.rowCount() == 4


def test_prepaid_tender_and_scan_toggle(qtbot, window):
    find(qtbot, window, "1-1-101")
    t = window.checkout.tender
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    assert t.method == "wechat"
    qtbot.keyClick(window.checkout, Qt.Key.Key_F3)
    assert t.method == "alipay"
    qtbot.keyClick(window.checkout, Qt.Key.Key_F4)
    assert t.method == "prepaid" and t.amount.text() == ""  # no prepaid balance


def test_escape_clears_and_focuses_search(qtbot, window):
    find(qtbot, window, "1-1-101")
    qtbot.keyClick(window.checkout.tender.amount, Qt.Key.Key_Escape)
    assert window.checkout.hit is None and window.checkout.lines_model.rowCount() == 0
    assert window.checkout.search.text() == "" and window.checkout.search.hasFocus()


def test_space_toggles_a_line_and_detail_panel_explains(qtbot, window):
    find(qtbot, window, "1-1-101")
    lines = window.checkout.lines
    lines.setFocus()
    pm = next(r for r, v in enumerate(window.checkout.lines_model.rows) if v.fee_code == "PM")
    lines.selectRow(pm)
    qtbot.keyClick(lines, Qt.Key.Key_Space)
    assert len(window.checkout.lines_model.checked) == 3
    assert window.checkout.tender.due_fen == 42240 - 20210
    text = window.checkout.detail.toPlainText()
    assert "100 m² × ¥2" in text and "¥200.00 × 0.03%/day × 35 days = ¥2.10" in text


def test_keyboard_only_down_into_results_and_enter(qtbot, window):
    assert len(find(qtbot, window, "1-1", enter=False)) == 2
    qtbot.keyClick(window.checkout.search, Qt.Key.Key_Down)
    hits = window.checkout.hits
    assert hits.hasFocus()
    qtbot.keyClick(hits, Qt.Key.Key_Down)
    qtbot.keyClick(hits, Qt.Key.Key_Return)
    idle(qtbot, window)
    assert window.checkout.hit.room_key == "1-1-102"
    assert window.checkout.tender.amount.hasFocus()  # ready to type the cash handed over
