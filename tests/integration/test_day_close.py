"""Day close end to end on SQLite and PostgreSQL: real-layout statements of the counter
world's day matched to its tenders, every discrepancy kind, the lock (payments and voids
refused), bad files changing nothing, and a payment synced into a closed day listed at the
next close."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from app import clock
from app.db.models import (DayClose, ExceptionCase, GatewayOrder, Payment, Statement, StatementLine, Tender,
                           Terminal, User)
from app.demo.statement_files import StmtLine, alipay_detail, pos_settlement, wechat_all
from app.errors import Conflict, InputError, PermissionDenied
from app.services import users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills, prepay
from app.services.cashier.voids import void_receipt
from app.services.closing import day_close
from app.services.closing.statements import parse_bytes
from tests.support import counter_world
from tests.support.counter_world import T

DAY = date(2026, 12, 20)
C = Counter("T1", "admin")
WX = ["42000000012026122000000000%02d" % i for i in range(100)]
ALI = "2026122022001400000000000001"
AT = datetime(2026, 12, 20, 10, 0, 0)


@pytest.fixture
def world(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: DAY)
    with any_ctx.uow() as s:
        counter_world.build(s)
        p1 = pay_bills(s, C, "1-1-101", T(f"wechat=422.40:{WX[1]}"))
        p2 = prepay(s, C, "1-1-102", T(f"alipay=100:{ALI}"))
        p3 = prepay(s, C, "1-1-102", T("pos=50:123456789012"))
        prepay(s, C, "1-1-102", T("cash=20"))
        p5 = prepay(s, C, "1-1-102", T(f"wechat=30:{WX[2]}"))  # the statement says 31.00
        prepay(s, C, "1-1-102", T("pos=10:123456789099"))  # missing from the POS file
        p7 = prepay(s, C, "1-1-102", T(f"wechat=12:{WX[3]}"))
        void_receipt(s, C, p7["receipt_no"], "收错")  # voided here, settled at WeChat
        t1 = s.scalar(select(Terminal).where(Terminal.code == "T1"))
        admin = s.scalar(select(User).where(User.username == "admin"))
        shift = s.scalar(select(Payment.shift_id).where(Payment.id == p1["payment_id"]))
        # refunds as the refunds helper stores them: kind 'refund', negative tenders
        for orig, method, amount, ref in ((p1, "wechat", -1000, "50300000012026122000000000001"),
                                          (p2, "alipay", -3000, "ours-unknown-to-alipay")):
            pid = f"refund-{method}"
            s.add(Payment(id=pid, kind="refund", room_id=s.get(Payment, orig["payment_id"]).room_id, shift_id=shift,
                          terminal_id=t1.id, user_id=admin.id, total_fen=amount, as_of=DAY, business_day=DAY,
                          refund_of_id=orig["payment_id"], created_at=clock.now()))
            s.flush()
            s.add(Tender(payment_id=pid, method=method, amount_fen=amount, reference=ref))
        s.add(GatewayOrder(provider="wechat", out_trade_no="T1UNKNOWN0001", amount_fen=999, status="unknown",
                           terminal_id=t1.id, created_at=datetime(2026, 12, 20, 3, tzinfo=timezone.utc)))
        s.add(ExceptionCase(kind="late_event", ref_type="payment", ref_id="late-1",
                            detail={"reason": "day_closed", "terminal": "T1", "day": "2026-12-19",
                                    "receipt_no": "T1-20261219-0042", "amount_fen": 500}))
        s.add(ExceptionCase(kind="late_event", ref_type="payment", ref_id="late-2",  # its day is open: not listed
                            detail={"reason": "shift_closed", "terminal": "T1", "day": "2026-12-20",
                                    "receipt_no": "T1-20261220-0099", "amount_fen": 700}))
    return {"p1": p1, "p2": p2, "p3": p3, "p5": p5, "p7": p7}


def _files(tmp_path, *, wx_mch: str = "1900000109") -> dict[str, str]:
    wx = [StmtLine("pay", WX[1], 42240, AT), StmtLine("pay", WX[2], 3100, AT), StmtLine("pay", WX[3], 1200, AT),
          StmtLine("pay", WX[99], 500, AT),  # nobody here took it
          StmtLine("refund", WX[1], -1000, AT, refund_no="50300000012026122000000000001"),
          StmtLine("pay", "4200000001202612200000000777", 999, AT, out_trade_no="T1UNKNOWN0001")]
    ali = [StmtLine("pay", ALI, 10000, AT), StmtLine("refund", ALI, -3000, AT, refund_no="re_20261220_0001")]
    pos = [StmtLine("pay", "123456789012", 5000, AT)]
    out = {}
    for name, data in (("wechat", wechat_all(wx, mch_id=wx_mch)), ("alipay", alipay_detail(ali, DAY)),
                       ("pos", pos_settlement(pos))):
        p = tmp_path / f"{name}_20261220.csv"
        p.write_bytes(data)
        out[name] = str(p)
    return out


def _close_shift(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        shifts.close_shift(s, "T1", "admin", {})


def _count(ctx, model) -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_open_shift_blocks_the_close_and_names_it(any_ctx, world, tmp_path):
    with pytest.raises(InputError) as e, any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, _files(tmp_path))
    assert e.value.code == "closing.shifts_open" and e.value.params["count"] == 1
    assert "交班" in e.value.text("zh") and "Close them" in e.value.text("en")
    assert _count(any_ctx, DayClose) == 0 and _count(any_ctx, Statement) == 0


def test_close_matches_reports_each_discrepancy_and_locks(any_ctx, world, tmp_path):
    _close_shift(any_ctx)
    with any_ctx.uow() as s:
        r = day_close.close_day(s, "T1", "admin", DAY, _files(tmp_path))
    assert r["locked"] is True and r["date"] == "2026-12-20"
    # totals of the day, the voided receipt left out, the refunds in
    assert r["totals"] == {"alipay": 10000 - 3000, "cash": 2000, "pos": 5000 + 1000, "wechat": 42240 + 3000 - 1000}
    assert r["by_cashier"][0]["user"] == "admin" and r["by_cashier"][0]["amount_fen"] == sum(r["totals"].values())
    fees = {f["code"]: f["amount_fen"] for f in r["by_fee_item"]}
    assert fees["PM"] + fees["GARB"] == 42240 and fees["_prepay"] == 10000 + 5000 + 2000 + 3000 + 1000
    assert fees["_refund"] == -4000
    # matched: WX1 pay, WX1 refund (by refund id), alipay pay, alipay refund (by trade no), POS 1
    assert r["matched"] == 5
    reasons = sorted((d["source"], d["reason"], d["ref"]) for d in r["unmatched"])
    assert reasons == sorted([
        ("wechat", "amount_differs", WX[2]), ("wechat", "voided_but_settled", WX[3]),
        ("wechat", "not_in_books", WX[99]), ("wechat", "unconfirmed", "T1UNKNOWN0001"),
        ("pos", "not_in_statement", "123456789099"), ("sync", "late", "T1-20261219-0042")])
    differs = next(d for d in r["unmatched"] if d["reason"] == "amount_differs")
    assert differs["amount_fen"] == 3100 and differs["ours"] == 3000
    assert "31.00" in differs["message"] and "30.00" in differs["message_en"]
    with any_ctx.uow() as s:
        dc = s.scalars(select(DayClose)).one()
        assert dc.totals == r["totals"] and dc.detail["matched"] == 5
        cases = s.scalars(select(ExceptionCase).where(ExceptionCase.kind == "reconcile")).all()
        assert len(cases) == 5 and all(c.ref_id == dc.id for c in cases)  # the late one is its own case already
        assert s.scalar(select(func.count()).select_from(Statement)) == 3
        assert s.scalar(select(func.count()).select_from(StatementLine)) == 6 + 2 + 1
        assert s.scalar(select(Statement.account).where(Statement.source == "wechat")) == "1900000109"
    # locked: a second close is refused; a new payment into the day is refused
    with pytest.raises(Conflict) as e, any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, {})
    assert e.value.code == "closing.day_already_closed"
    with any_ctx.uow() as s:
        shifts.open_shift(s, "T1", "admin", 0)
    with pytest.raises(InputError) as e, any_ctx.uow() as s:
        prepay(s, C, "1-1-102", T("cash=5"))
    assert e.value.code == "closing.day_locked" and "该日已日结" in e.value.text("zh")


def test_void_into_a_closed_day_is_refused(any_ctx, world, tmp_path, monkeypatch):
    _close_shift(any_ctx)
    with any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, {})
    monkeypatch.setattr(clock, "today", lambda: DAY + timedelta(days=1))
    with any_ctx.uow() as s:
        shifts.open_shift(s, "T1", "admin", 0)
        r = prepay(s, C, "1-1-102", T("cash=5"))
        # a back-dated fact: the payment filed under the closed day
        s.execute(update(Payment).where(Payment.id == r["payment_id"]).values(business_day=DAY))
    with pytest.raises(InputError) as e, any_ctx.uow() as s:
        void_receipt(s, C, r["receipt_no"], "收错")
    assert e.value.code == "closing.day_locked"


def test_preview_writes_nothing(any_ctx, world, tmp_path):
    _close_shift(any_ctx)
    with any_ctx.uow() as s:
        r = day_close.preview(s, "T1", "admin", DAY, _files(tmp_path))
    assert r["locked"] is False and r["matched"] == 5
    assert _count(any_ctx, DayClose) == 0 and _count(any_ctx, Statement) == 0
    assert _count(any_ctx, ExceptionCase) == 2  # the late ones the fixture made


@pytest.mark.parametrize("case", ["other_merchant", "wrong_day", "truncated", "not_statement"])
def test_bad_statement_file_changes_nothing(any_ctx, world, tmp_path, case):
    _close_shift(any_ctx)
    files = _files(tmp_path)
    if case == "other_merchant":
        with any_ctx.uow() as s:
            t1 = s.scalar(select(Terminal).where(Terminal.code == "T1"))
            t1.gateways = {"wechat": {"mch_id": "1900000888", "appid": "wx2421b1c4370ec43b"}}
    elif case == "wrong_day":
        (tmp_path / "ali.csv").write_bytes(alipay_detail([StmtLine("pay", ALI, 10000, AT - timedelta(days=1))],
                                                         DAY - timedelta(days=1)))
        files["alipay"] = str(tmp_path / "ali.csv")
    elif case == "truncated":
        data = open(files["wechat"], "rb").read()
        open(files["wechat"], "wb").write(data[:data.index("总交易单数".encode())])
    else:
        files["pos"] = files["wechat"]  # the WeChat file chosen as the POS statement
    with pytest.raises(InputError) as e, any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, files)
    assert e.value.code == f"closing.file.{case}", e.value.code
    assert e.value.params["file"] in e.value.text("zh")
    assert _count(any_ctx, DayClose) == 0 and _count(any_ctx, Statement) == 0
    assert _count(any_ctx, ExceptionCase) == 2


def test_needs_day_close_permission(any_ctx, world):
    _close_shift(any_ctx)
    with any_ctx.uow() as s:
        users.ensure_user(s, "c9", "cashier", "收银九", password="x")
    with pytest.raises(PermissionDenied), any_ctx.uow() as s:
        day_close.close_day(s, "T1", "c9", DAY, {})


def test_same_merchant_file_shared_by_two_counters(any_ctx, world, tmp_path):
    """WeChat's statement is merchant-wide: a second counter closing the same day with the same
    file reuses the stored copy, and lines of the first counter's tenders are not strangers."""
    _close_shift(any_ctx)
    files = _files(tmp_path)
    with any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, {"wechat": files["wechat"]})
        users.ensure_terminal(s, "T2")
    with any_ctx.uow() as s:
        r = day_close.close_day(s, "T2", "admin", DAY, {"wechat": files["wechat"]})
    assert r["totals"] == {} and r["matched"] == 2  # WX1 and its refund, both T1's
    assert sorted(d["reason"] for d in r["unmatched"]) == ["amount_differs", "not_in_books", "unconfirmed",
                                                           "voided_but_settled"]
    assert _count(any_ctx, Statement) == 1


def test_statement_lines_parse_the_same_as_stored(tmp_path):
    data = pos_settlement([StmtLine("pay", "123456789012", 5000, AT)])
    assert parse_bytes("pos", data, "p.csv").parsed.lines[0].amount_fen == 5000


def test_alipay_file_of_another_account_than_before_is_refused(any_ctx, world, tmp_path, monkeypatch):
    _close_shift(any_ctx)
    files = _files(tmp_path)
    with any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, {"alipay": files["alipay"]})
    nxt = DAY + timedelta(days=1)
    monkeypatch.setattr(clock, "today", lambda: nxt)
    other = tmp_path / "other.csv"
    other.write_bytes(alipay_detail([StmtLine("pay", ALI[:-1] + "9", 100, AT + timedelta(days=1))], nxt,
                                    account="20889999999999990156"))
    with pytest.raises(InputError) as e, any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", nxt, {"alipay": str(other)})
    assert e.value.code == "closing.file.other_merchant" and e.value.params["expected"] == "20880211096256330156"
    assert _count(any_ctx, DayClose) == 1


def test_refunds_into_a_closed_day_are_refused_before_any_money_moves(any_ctx, world, tmp_path):
    """A refund is today's money: once today is closed, neither a payment refund nor a
    deposit return goes through (tomorrow's day takes them), and nothing is written."""
    from app.db.models import Refund
    from app.services.refunds.deposits import refund_deposit
    from app.services.refunds.payments import refund_payment
    from app.services.refunds.plan import Request
    from app.services.cashier.payments import collect_deposit

    with any_ctx.uow() as s:
        dep = collect_deposit(s, C, "1-1-101", "装修押金", T("cash=100"))
    _close_shift(any_ctx)
    with any_ctx.uow() as s:
        day_close.close_day(s, "T1", "admin", DAY, {})
    with any_ctx.uow() as s:
        shifts.open_shift(s, "T1", "admin", 0)
    paid = world["p1"]["receipt_no"]  # bills paid by WeChat, given back in cash: no gateway involved
    with pytest.raises(InputError) as e:
        refund_payment(any_ctx.uow, C, Request(receipt_no=paid, reason="退错", route="cash", approver="admin"))
    assert e.value.code == "closing.day_locked"
    with any_ctx.uow() as s:
        deposit_id = s.scalar(select(Payment.id).where(Payment.id == dep["payment_id"]))
        from app.db.models import Deposit

        deposit_id = s.scalar(select(Deposit.id).where(Deposit.payment_id == deposit_id))
    with pytest.raises(InputError) as e, any_ctx.uow() as s:
        refund_deposit(s, C, deposit_id, approver="admin")
    assert e.value.code == "closing.day_locked"
    assert _count(any_ctx, Refund) == 0
