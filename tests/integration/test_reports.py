"""Reports agree with each other and with the ledger (issue 14 item 4), on the demo with
payments at the counter (bills, a top-up, prepaid spent, a void) on SQLite and PostgreSQL;
the Excel file has its native chart and the numbers; the PDF renders."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app import clock
from app.db.models import LedgerAccount, Payment, Posting, Receipt, Room
from app.demo import build_demo
from app.errors import InputError, NotFound, PermissionDenied
from app.services import reports, users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills, prepay
from app.services.cashier.voids import void_receipt
from app.services.ledger_check import full_check
from app.services.receivables.bills import room_bills
from tests.support.counter_world import T

TODAY = date(2026, 3, 10)
EVER = date(2024, 1, 1)


def _ledger(s, prefix: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {code: int(total) for code, total in s.execute(
        select(LedgerAccount.code, func.sum(Posting.amount_fen)).join(Posting, Posting.account_id == LedgerAccount.id)
        .where(LedgerAccount.code.like(f"{prefix}:%")).group_by(LedgerAccount.code))}


def _owing_rooms(s, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for rid, key in s.execute(select(Room.id, Room.room_key).order_by(Room.room_key)):
        b = room_bills(s, rid, as_of=TODAY)
        if b["owed_fen"] > 0:
            out.append((key, b["owed_fen"] + b["late_fee_fen"]))
        if len(out) == n:
            return out
    raise AssertionError("the demo has too few rooms owing")


def _refund_in_full(s, receipt_no: str) -> int:  # type: ignore[no-untyped-def]
    """A cash refund of a bill payment stored as the refunds feature stores one (docs/refunds.md,
    "How a refund is stored"): a payment of kind 'refund' with a negative cash tender, negative
    allocations reopening the lines, and one balanced ledger transaction of kind 'refund'."""
    from app.db.models import Allocation, Payment, Receipt, Refund, Tender, Terminal
    from app.ids import new_id
    from app.services import ledger
    from app.services.cashier.receipt_numbers import next_receipt_no

    orig = s.scalar(select(Payment).join(Receipt, Receipt.payment_id == Payment.id)
                    .where(Receipt.receipt_no == receipt_no))
    allocs = list(s.scalars(select(Allocation).where(Allocation.payment_id == orig.id)))
    principal, late = sum(a.principal_fen for a in allocs), sum(a.late_fee_fen for a in allocs)
    term = s.scalar(select(Terminal).where(Terminal.code == "T1"))
    pid = new_id()
    s.add(Payment(id=pid, kind="refund", room_id=orig.room_id, shift_id=orig.shift_id, terminal_id=term.id,
                  user_id=orig.user_id, total_fen=-orig.total_fen, as_of=TODAY, business_day=TODAY,
                  refund_of_id=orig.id))
    s.flush()
    no, seq = next_receipt_no(s, term.id, "T1", TODAY)
    s.add(Receipt(receipt_no=no, payment_id=pid, terminal_id=term.id, day=TODAY, seq=seq))
    s.add(Tender(payment_id=pid, method="cash", amount_fen=-orig.total_fen))
    for a in allocs:
        s.add(Allocation(payment_id=pid, bill_line_id=a.bill_line_id, principal_fen=-a.principal_fen,
                         late_fee_fen=-a.late_fee_fen))
    from app.db.models import Room

    room = s.get(Room, orig.room_id)
    ledger.post(s, "refund", [("TND:cash:T1", -orig.total_fen), (ledger.room_account("AR", room.id), principal),
                              (ledger.late_fee_account(room.community_id), late)], ref_type="payment", ref_id=pid)
    s.add(Refund(original_payment_id=orig.id, refund_payment_id=pid, room_id=room.id, source="payment",
                 amount_fen=orig.total_fen, reason="重复缴费", requested_by="admin", approved_by="admin"))
    return orig.total_fen


@pytest.fixture
def demo(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    build_demo(any_ctx, rooms=60, seed=5, today=TODAY)
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    c = Counter("T1", "admin")
    with any_ctx.uow() as s:
        shifts.open_shift(s, "T1", "admin", 10000)
        (a, owed_a), (b, owed_b), (d, owed_d) = _owing_rooms(s, 3)
        pay_bills(s, c, a, T(f"wechat={owed_a / 100:.2f}:4200000000000000000000000001"))
        prepay(s, c, b, T("cash=100"))
        # the prepaid balance (100.00 of this top-up) is spent: not new money, only the cash is
        pay_bills(s, c, b, T("prepaid=100", f"cash={(owed_b - 10000) / 100 + 1:.2f}"))
        voided = pay_bills(s, c, d, T(f"pos={owed_d / 100:.2f}:123456789012/000001/000002"))
        void_receipt(s, c, voided["receipt_no"], "选错了收款方式")
    return any_ctx


def test_every_report_agrees_with_the_others_and_with_the_ledger(demo):
    with demo.uow() as s:
        assert full_check(s)["ok"]
        tnd, ar = _ledger(s, "TND"), _ledger(s, "AR")
        col = reports.run(s, "admin", "collections", start=EVER, end=TODAY)
        ten = reports.run(s, "admin", "tenders", start=EVER, end=TODAY)
        arr = reports.run(s, "admin", "arrears")
        rate = reports.run(s, "admin", "rate", start=EVER, end=TODAY)
    money_in = sum(tnd.values())
    assert money_in > 0
    # collections: the same total by day, tender, fee item and cashier = the tender accounts
    for sec in col.sections:
        assert sec.totals["amount_fen"] == money_in, sec.name
        assert sum(r["amount_fen"] for r in sec.rows) == money_in, sec.name
    assert ten.section("reports.sec.by_tender").totals["amount_fen"] == money_in
    # income by tender at each counter = each tender account, one to one
    assert {r["account"]: r["amount_fen"] for r in ten.section("reports.sec.by_counter").rows} == \
        {k: v for k, v in tnd.items() if v}
    by_tender = {r["tender"]: r["amount_fen"] for r in col.section("reports.sec.by_tender").rows}
    assert by_tender == {r["tender"]: r["amount_fen"] for r in ten.section("reports.sec.by_tender").rows}
    # arrears = the receivable balance; its buckets add up; the rate report's outstanding agrees
    aging = arr.section("reports.sec.aging")
    assert aging.totals["total_fen"] == sum(ar.values()) > 0
    buckets = [k for k in aging.totals if k.endswith("_fen") and k != "total_fen"]
    assert sum(aging.totals[k] for k in buckets) == aging.totals["total_fen"]
    assert all(sum(r[k] for k in buckets) == r["total_fen"] for r in aging.rows)
    for sec in rate.sections:
        t = sec.totals
        assert t["outstanding_fen"] == aging.totals["total_fen"], sec.name
        assert t["billed_fen"] - t["collected_fen"] - t["waived_fen"] == t["outstanding_fen"]


def test_refunds_are_negatives_and_the_reports_still_agree_with_the_ledger(demo):
    with demo.uow() as s:
        before = reports.run(s, "admin", "collections", start=TODAY, end=TODAY)
        paid = s.scalar(select(Receipt.receipt_no).join(Payment, Payment.id == Receipt.payment_id)
                        .where(Payment.business_day == TODAY, Payment.kind == "bills")
                        .order_by(Receipt.receipt_no))
        amount = _refund_in_full(s, paid)
    with demo.uow() as s:
        tnd, ar = _ledger(s, "TND"), _ledger(s, "AR")
        col = reports.run(s, "admin", "collections", start=EVER, end=TODAY)
        today = reports.run(s, "admin", "collections", start=TODAY, end=TODAY)
        arr = reports.run(s, "admin", "arrears")
        rate = reports.run(s, "admin", "rate", start=EVER, end=TODAY)
    for sec in col.sections:
        assert sec.totals["amount_fen"] == sum(tnd.values()), sec.name
    assert today.section("reports.sec.by_tender").totals["amount_fen"] == \
        before.section("reports.sec.by_tender").totals["amount_fen"] - amount
    assert {r["code"]: r["amount_fen"] for r in today.section("reports.sec.by_fee").rows}.get("refund", 0) == 0
    assert arr.section("reports.sec.aging").totals["total_fen"] == sum(ar.values())
    assert rate.sections[0].totals["outstanding_fen"] == sum(ar.values())


def test_todays_collections_leave_out_the_void_and_show_prepaid_spent_as_not_money(demo):
    with demo.uow() as s:
        col = reports.run(s, "admin", "collections", start=TODAY, end=TODAY)
    by_tender = {r["tender"]: r["amount_fen"] for r in col.section("reports.sec.by_tender").rows}
    assert "pos" not in by_tender  # the voided card payment
    assert "prepaid" not in by_tender and set(by_tender) == {"wechat", "cash"}
    fee = {r["code"]: r["amount_fen"] for r in col.section("reports.sec.by_fee").rows}
    assert fee["prepaid"] == -10000 and fee["prepay"] == 10000
    assert col.section("reports.sec.by_day").rows == [
        {"day": TODAY.isoformat(), "payments": 3, "wechat_fen": by_tender["wechat"], "cash_fen": by_tender["cash"],
         "amount_fen": by_tender["wechat"] + by_tender["cash"]}]
    assert col.section("reports.sec.by_cashier").rows[0]["cashier"] == "管理员"


def test_reports_need_the_permission_and_refuse_bad_input(demo):
    with demo.uow() as s:
        users.ensure_user(s, "c9", "cashier", "收银员九", password="1234")
    with demo.uow() as s:
        with pytest.raises(PermissionDenied):
            reports.run(s, "c9", "arrears")
        with pytest.raises(InputError) as e:
            reports.run(s, "admin", "collections", start=TODAY, end=date(2026, 1, 1))
        assert "晚于" in e.value.text("zh") and "after" in e.value.text("en")
        with pytest.raises(InputError):
            reports.run(s, "admin", "nope")
        with pytest.raises(NotFound) as e:
            reports.run(s, "admin", "rate", community="没有这个小区")
        assert "没有这个小区" in e.value.text("zh")


def test_a_community_filter_splits_the_whole(demo):
    from app.db.models import Community

    with demo.uow() as s:
        names = list(s.scalars(select(Community.name)))
        whole = reports.run(s, "admin", "rate", start=EVER, end=TODAY).sections[0].totals["billed_fen"]
        parts = [reports.run(s, "admin", "rate", start=EVER, end=TODAY, community=n).sections[0].totals["billed_fen"]
                 for n in names]
    assert sum(parts) == whole


def test_excel_has_a_native_chart_and_the_numbers_and_the_pdf_renders(demo, tmp_path):
    from app.printing.report_pdf import write_pdf
    from app.printing.report_xlsx import write_xlsx

    with demo.uow() as s:
        arr = reports.run(s, "admin", "arrears")
    xlsx = write_xlsx(arr, tmp_path / "arrears.xlsx")
    wb = load_workbook(xlsx)
    ws = wb[wb.sheetnames[0]]
    assert ws.title == "按楼栋账龄"
    assert len(ws._charts) == 1 and ws._charts[0].tagname == "barChart" and ws._charts[0].grouping == "stacked"
    header = [c.value for c in ws[4]]
    assert header[:3] == ["小区", "楼栋", "欠费户数"] and header[-1] == "合计"
    total_row = 4 + len(arr.sections[0].rows) + 1
    assert ws.cell(row=total_row, column=1).value == "合计"
    assert Decimal(str(ws.cell(row=total_row, column=len(header)).value)) * 100 == arr.sections[0].totals["total_fen"]
    assert ws.cell(row=5, column=len(header)).number_format == "#,##0.00"
    pdf = write_pdf(arr, tmp_path / "arrears.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                       check=True)
        assert (tmp_path / "p-1.png").stat().st_size > 1000


def test_two_cashiers_of_one_name_are_told_apart(demo):
    with demo.uow() as s:
        users.ensure_user(s, "admin2", "manager", "管理员", password="x")
        users.ensure_terminal(s, "T2")
        shifts.open_shift(s, "T2", "admin2", 0)
        (key, owed), = _owing_rooms(s, 1)
        pay_bills(s, Counter("T2", "admin2"), key, T(f"cash={owed / 100:.2f}"))
    with demo.uow() as s:
        rows = reports.run(s, "admin", "collections", start=TODAY, end=TODAY).section("reports.sec.by_cashier").rows
    assert [r["cashier"] for r in rows] == ["管理员 (admin)", "管理员 (admin2)"]
