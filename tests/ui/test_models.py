"""The table models pass pytest-qt's qtmodeltester (Qt's QAbstractItemModelTester), and
the read services behind the receipts screen and dialogs return what the screens show."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from app.services import fee_items_query, lookup, receipts_query, terminal_settings
from app.services.receivables.bills import room_bills
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import TenderInput
from app.services.cashier.voids import void_receipt
from tests.ui.conftest import TODAY
from ui.models.bill_lines import BillLinesModel
from ui.models.hits import HitsModel, masked_phone
from ui.models.receipts import ReceiptsModel

C = Counter("T1", "admin")


def test_hits_model(qtmodeltester, ctx, world):
    m = HitsModel()
    with ctx.uow() as s:
        m.set_rows(lookup.search(s, "1-1"))
    qtmodeltester.check(m)
    assert m.rowCount() == 2 and m.data(m.index(0, 3)) == "138****1234"
    assert masked_phone("010-66668888") == "010-66668888"


def test_bill_lines_model_checks_and_groups(qtmodeltester, ctx, world):
    m = BillLinesModel()
    with ctx.uow() as s:
        m.set_lines(room_bills(s, world["1-1-101"], as_of=TODAY)["lines"])
    qtmodeltester.check(m)
    assert [m.data(m.index(r, 0)) for r in range(4)] == ["2026-10", "2026-10", "2026-11", "2026-11"]
    assert m.checked_total() == 42240
    assert m.data(m.index(0, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert m.setData(m.index(1, 0), Qt.CheckState.Unchecked, Qt.ItemDataRole.CheckStateRole)
    assert m.checked_total() == 42240 - 20210 and len(m.checked_ids()) == 3
    assert not m.setData(m.index(1, 2), "x")
    shades = {m.data(m.index(r, 1), Qt.ItemDataRole.BackgroundRole).color().name() for r in range(4)}
    assert len(shades) == 2  # one shade per period
    assert "0.03%" in m.data(m.index(1, BillLinesModel.COL_HOW))
    qtmodeltester.check(m)


def test_receipts_model_and_query(qtmodeltester, ctx, world):
    with ctx.uow() as s:
        a = pay_bills(s, C, "1-1-101", [TenderInput("pos", 30000, "123456789012"), TenderInput("cash", 20000)])
        b = pay_bills(s, C, "1-1-102", [TenderInput("cash", 40000)])
        void_receipt(s, C, b["receipt_no"], "收错房号")
    with ctx.uow() as s:
        rows = receipts_query.search_receipts(s)
        assert [r["receipt_no"] for r in rows] == [b["receipt_no"], a["receipt_no"]]
        assert rows[0]["status"] == "void" and rows[0]["void_reason"] == "收错房号"
        assert rows[1]["status"] == "issued" and rows[1]["cashier"] == "admin"
        assert {t["method"]: t["amount_fen"] for t in rows[1]["tenders"]} == {"pos": 30000, "cash": 12240}
        assert [r["room_key"] for r in receipts_query.search_receipts(s, room="1 1 101")] == ["1-1-101"]
        assert len(receipts_query.search_receipts(s, room="1-1")) == 2
        assert len(receipts_query.search_receipts(s, number="T1-20261220")) == 2
        assert receipts_query.search_receipts(s, date_from=date(2026, 12, 21)) == []
        assert len(receipts_query.search_receipts(s, date_from=TODAY, date_to=TODAY)) == 2
        detail = receipts_query.receipt_detail(s, a["receipt_no"])
        assert [x["period"] for x in detail["allocations"]] == ["2026-10", "2026-10", "2026-11", "2026-11"]
        assert receipts_query.receipt_detail(s, "T9-nope") is None
    m = ReceiptsModel()
    m.set_rows(rows)
    qtmodeltester.check(m)
    assert m.data(m.index(0, ReceiptsModel.COL_STATUS)) in ("Void", "作废")
    assert m.data(m.index(0, 5), Qt.ItemDataRole.FontRole).strikeOut()


def test_fee_items_and_terminal_settings(ctx, world):
    with ctx.uow() as s:
        assert fee_items_query.one_off_items(s, "1-1-101") == [{"code": "ZX", "name": "装修垃圾清运费"}]
        assert terminal_settings.get_printer(s, "T1") is None
        saved = terminal_settings.save_printer(s, "T1", {"transport": "serial", "target": "COM3"}, "admin")
        assert saved["width_mm"] == 80 and saved["cash_drawer"] is True
    with ctx.uow() as s:
        assert terminal_settings.get_printer(s, "T1")["target"] == "COM3"
        st = terminal_settings.counter_status(s, "T1", "admin")
        assert st["shift"]["float_fen"] == 20000 and st["role"] == "admin" and st["printer"]["transport"] == "serial"
        assert len(terminal_settings.terminal_key(s, "T1")) == 64
