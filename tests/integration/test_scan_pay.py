"""The scanned payment-code flow (app.services.scan_pay) against the in-process fake gateway,
on SQLite and PostgreSQL: every outcome, never charged twice, nothing recorded unless paid."""

from __future__ import annotations

import os
import stat
from datetime import date

import pytest
from sqlalchemy import func, select

from app import clock
from app.db.models import GatewayOrder, Payment, PrintJob, Tender, Terminal
from app.errors import AppError, InputError
from app.services import gateway_settings, scan_pay
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import ScanRequest, parse_tender, parse_tenders
from app.services.ledger_check import full_check
from app.services.scan_pay import Purpose
from tests.support.builders import World
from tests.support.fake_gateway import ALIPAY_CODE, WECHAT_CODE, FakeFactory

C = Counter("T1", "admin")
DUE = 2 * (20000 + 1000)  # two months of PM 200.00 + GARB 10.00 for 1-1-101


@pytest.fixture
def world(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 10))
    with any_ctx.uow() as s:
        w = World(s)
        w.room("1-1-101", "100.00", owner="张三")
        w.fee("PM", "area", "2", name="物业服务费")
        w.fee("GARB", "fixed", "10", name="垃圾费")
        w.fee("ZX", "one_off", None, name="装修垃圾清运费", usages=["residential"])
        for p in ("2026-10", "2026-11"):
            bill_run(s, p, user="admin")
        shifts.open_shift(s, "T1", "admin", 0)
        s.scalar(select(Terminal).where(Terminal.code == "T1")).printer = {"transport": "file", "target": "/dev/null"}
    return w


class Sleeps:
    def __init__(self) -> None:
        self.total = 0.0

    def __call__(self, s: float) -> None:
        self.total += s


def scan(amount_fen: int = DUE, code: str = WECHAT_CODE) -> ScanRequest:
    return ScanRequest("wechat" if code == WECHAT_CODE else "alipay", amount_fen, code)


def count(ctx, model) -> int:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(model))


def order(ctx) -> GatewayOrder:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        o = s.scalars(select(GatewayOrder)).one()
        s.expunge(o)
        return o


def pay(ctx, f, req=None, tenders=(), purpose=None, **kw):  # type: ignore[no-untyped-def]
    return scan_pay.pay_with_scan(ctx.uow, C, purpose or Purpose("bills", "1-1-101"), list(tenders),
                                  req or scan(), f, sleep=kw.pop("sleep", Sleeps()), **kw)


def test_success_records_the_payment_with_the_transaction_no_and_queues_the_receipt(any_ctx, world):
    f = FakeFactory("success")
    r = pay(any_ctx, f)
    g = f.gateways["wechat"]
    t = r["tenders"][0]
    assert t["method"] == "wechat" and t["amount_fen"] == DUE and len(t["ref"]) == 28
    assert t["out_trade_no"] == r["out_trade_no"] and g.count("pay") == 1 and g.charged_fen() == DUE
    o = order(any_ctx)
    assert o.status == "paid" and o.transaction_id == t["ref"] and o.raw["receipt_no"] == r["receipt_no"]
    assert o.out_trade_no.isalnum() and len(o.out_trade_no) <= 32 and o.out_trade_no.startswith("T1")
    with any_ctx.uow() as s:
        assert s.scalar(select(Tender.gateway_order_id).where(Tender.method == "wechat")) == o.id
        assert s.scalar(select(func.count()).select_from(PrintJob)) == 1
        assert full_check(s)["ok"]


def test_alipay_code_goes_to_alipay_and_split_with_cash(any_ctx, world):
    f = FakeFactory("success")
    r = pay(any_ctx, f, scan(20000, ALIPAY_CODE), [parse_tender("cash=300")])
    assert {t["method"]: t["amount_fen"] for t in r["tenders"]} == {"alipay": 20000, "cash": DUE - 20000}
    assert r["change_fen"] == 30000 - (DUE - 20000)
    assert f.gateways["alipay"].count("pay") == 1 and f.gateways["wechat"].calls == []


def test_user_paying_polls_until_paid(any_ctx, world):
    f = FakeFactory("paying_then_success", paying_queries=3)
    states, sleeps = [], Sleeps()
    r = pay(any_ctx, f, on_state=states.append, sleep=sleeps)
    g = f.gateways["wechat"]
    assert states == ["paying"] and g.count("query") == 3 and sleeps.total == 6.0
    assert g.count("pay") == 1 and g.count("reverse") == 0 and r["total_fen"] == DUE
    assert order(any_ctx).status == "paid"


def test_declined_changes_nothing_exit_2(any_ctx, world):
    f = FakeFactory("declined")
    with pytest.raises(InputError) as e:
        pay(any_ctx, f, tenders=[parse_tender("cash=100")], req=scan(DUE - 10000))
    assert e.value.code == "scan.declined" and e.value.exit_status == 2
    assert "每个二维码" in e.value.text("zh")
    assert order(any_ctx).status == "failed"
    assert count(any_ctx, Payment) == 0 and count(any_ctx, PrintJob) == 0


def test_paying_forever_times_out_then_reverses(any_ctx, world):
    f = FakeFactory("paying_forever")
    sleeps = Sleeps()
    with pytest.raises(InputError) as e:
        pay(any_ctx, f, sleep=sleeps)
    g = f.gateways["wechat"]
    assert e.value.code == "scan.timed_out" and sleeps.total == 60.0 and g.count("query") == 30
    assert g.count("reverse") == 1 and g.charged_fen() == 0
    assert order(any_ctx).status == "reversed" and count(any_ctx, Payment) == 0


def test_pay_timeout_setting_is_used(any_ctx, world, tmp_path, monkeypatch):
    monkeypatch.setenv("PROPDESK_SECRETS_DIR", str(tmp_path))
    with any_ctx.uow() as s:
        gateway_settings.save(s, "T1", "admin", "wechat", {"appid": "wx1", "mch_id": "1900", "key": "k" * 32,
                                                           "pay_timeout": 10})
    f, sleeps = FakeFactory("paying_forever"), Sleeps()
    with pytest.raises(InputError):
        pay(any_ctx, f, sleep=sleeps)
    assert sleeps.total == 10.0 and f.settings_seen[-1]["key"] == "k" * 32


def test_system_error_but_paid_is_queried_not_paid_again(any_ctx, world):
    f = FakeFactory("error_but_paid")
    r = pay(any_ctx, f)
    g = f.gateways["wechat"]
    assert g.count("pay") == 1 and g.count("query") == 1 and g.charged_fen() == DUE
    assert order(any_ctx).status == "paid" and r["tenders"][0]["ref"] == order(any_ctx).transaction_id


def test_unknown_after_query_and_failed_reversal_keeps_the_order_and_records_nothing(any_ctx, world):
    f = FakeFactory("lost_forever")
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.unconfirmed" and e.value.exit_status == 1
    assert "kept" in e.value.text("en") and "gateway resolve" in e.value.text("en")
    o = order(any_ctx)
    assert o.status == "unknown" and count(any_ctx, Payment) == 0
    with any_ctx.uow() as s:
        made = clock.local(o.created_at).date()
        assert [x["out_trade_no"] for x in scan_pay.unconfirmed_orders(s, made)] == [o.out_trade_no]
        assert scan_pay.unconfirmed_orders(s, date(2020, 1, 1)) == []
        assert [x["out_trade_no"] for x in scan_pay.orders(s, unconfirmed=True)] == [o.out_trade_no]
    # later the platform answers again: resolve records the payment as it was meant, once
    f.script("success")
    r = scan_pay.resolve(any_ctx.uow, C, o.out_trade_no, f, sleep=Sleeps())
    g = f.gateways["wechat"]
    assert r["state"] == "paid" and r["receipt"]["total_fen"] == DUE and g.count("pay") == 1
    assert g.charged_fen() == DUE and count(any_ctx, Payment) == 1
    again = scan_pay.resolve(any_ctx.uow, C, o.out_trade_no, f, sleep=Sleeps())
    assert again["resolved"] is False and count(any_ctx, Payment) == 1


def test_paying_forever_and_reverse_failing_keeps_the_order_unconfirmed(any_ctx, world):
    f = FakeFactory("reverse_fails")  # paying forever, the reversal fails
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.unconfirmed" and count(any_ctx, Payment) == 0


def test_bad_code_is_input_error_and_no_call(any_ctx, world):
    with pytest.raises(InputError) as e:
        parse_tenders(["scan=100:123456", "cash=1"])
    assert e.value.code == "scan.not_payment_code" and e.value.exit_status == 2
    with pytest.raises(InputError):
        parse_tenders([f"scan=1:{WECHAT_CODE}", f"scan=1:{ALIPAY_CODE}"])
    tenders, req = parse_tenders([f"scan=100.5:{ALIPAY_CODE}", "cash=1"])
    assert req == ScanRequest("alipay", 10050, ALIPAY_CODE) and tenders[0].method == "cash"


def test_everything_else_is_checked_before_the_gateway_is_called(any_ctx, world):
    f = FakeFactory("success")
    with pytest.raises(InputError) as e:  # scan + cash short of what is due
        pay(any_ctx, f, scan(10000), [parse_tender("cash=1")])
    assert e.value.code == "tender.short"
    with pytest.raises(InputError):  # scan above what is due
        pay(any_ctx, f, scan(DUE + 1))
    assert f.gateways["wechat"].calls == [] and count(any_ctx, GatewayOrder) == 0 and count(any_ctx, Payment) == 0


def test_line_paid_elsewhere_meanwhile_gives_the_money_back(any_ctx, world):
    """The gateway took the money but recording fails (another counter paid the lines while
    the customer entered the password): the payment is reversed at once and the cashier told."""
    f = FakeFactory("paying_then_success", paying_queries=2)
    g = f.gateways["wechat"]
    real_query = g.query

    def query_while_other_counter_pays(no):  # type: ignore[no-untyped-def]
        if g.count("query") == 0:
            with any_ctx.uow() as s:
                pay_bills(s, C, "1-1-101", [parse_tender(f"cash={DUE // 100}")])
        return real_query(no)

    g.query = query_while_other_counter_pays  # type: ignore[method-assign]
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.recorded_failed_refunded" and "given back" in e.value.text("en")
    assert g.charged_fen() == 0 and order(any_ctx).status == "refunded"
    assert count(any_ctx, Payment) == 1  # only the other counter's cash payment
    with any_ctx.uow() as s:
        assert full_check(s)["ok"]


def test_give_back_failing_keeps_the_order_for_a_manager(any_ctx, world):
    f = FakeFactory("success")
    g = f.gateways["wechat"]
    g.reverse = lambda no: scan_pay.GatewayResult("unknown")  # type: ignore[method-assign]
    g.refund = lambda *a: scan_pay.GatewayResult("failed")  # type: ignore[method-assign]
    real_pay = g.pay

    def pay_while_other_counter_pays(*a):  # type: ignore[no-untyped-def]
        with any_ctx.uow() as s:
            pay_bills(s, C, "1-1-101", [parse_tender(f"cash={DUE // 100}")])
        return real_pay(*a)

    g.pay = pay_while_other_counter_pays  # type: ignore[method-assign]
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.recorded_failed_kept"
    o = order(any_ctx)
    assert o.status == "unrecorded" and g.charged_fen() == DUE
    with any_ctx.uow() as s:
        assert [x["out_trade_no"] for x in scan_pay.orders(s, unconfirmed=True)] == [o.out_trade_no]
    # later the platform works again: resolve gives the money back, and only that
    del g.reverse, g.refund  # the fake's own methods again
    r = scan_pay.resolve(any_ctx.uow, C, o.out_trade_no, f, sleep=Sleeps())
    assert r["state"] == "refunded" and g.charged_fen() == 0 and count(any_ctx, Payment) == 1


class Crash(BaseException):
    """Stands in for kill -9: nothing after it runs, no except clause catches it."""


def test_crash_while_waiting_then_restart_recovery_charges_once(any_ctx, world):
    f = FakeFactory("paying_then_success", paying_queries=1)
    g = f.gateways["wechat"]

    def crash(_s: float) -> None:
        raise Crash

    with pytest.raises(Crash):
        pay(any_ctx, f, sleep=crash)
    assert order(any_ctx).status == "paying" and count(any_ctx, Payment) == 0
    # the customer finished entering the password while the app was down
    g.orders[order(any_ctx).out_trade_no].paid = True
    out = scan_pay.recover(any_ctx.uow, C, f, sleep=Sleeps())  # the app starts again
    assert [o["state"] for o in out] == ["paid"]
    assert g.count("pay") == 1 and g.charged_fen() == DUE and count(any_ctx, Payment) == 1
    assert scan_pay.recover(any_ctx.uow, C, f, sleep=Sleeps()) == []


def test_crash_after_phase_one_not_paid_is_closed(any_ctx, world):
    f = FakeFactory("paying_forever")

    def crash(_s: float) -> None:
        raise Crash

    with pytest.raises(Crash):
        pay(any_ctx, f, sleep=crash)
    out = scan_pay.recover(any_ctx.uow, C, f, sleep=Sleeps())
    assert [o["state"] for o in out] == ["reversed"] and f.gateways["wechat"].charged_fen() == 0
    assert count(any_ctx, Payment) == 0


@pytest.mark.parametrize("purpose,req,tenders,check", [
    (Purpose("prepay", "1-1-101"), scan(5000), [], lambda r: r["kind"] == "prepay" and r["prepaid_fen"] == 5000),
    (Purpose("deposit", "1-1-101", purpose="装修押金"), scan(100000), [parse_tender("cash=100")],
     lambda r: r["deposits_fen"] == 110000),
    (Purpose("one_off", "1-1-101", fee="ZX", amount_fen=15000, note="清运"), scan(15000), [],
     lambda r: r["kind"] == "one_off"),
])
def test_prepay_deposit_charge_take_a_scan(any_ctx, world, purpose, req, tenders, check):  # type: ignore[no-untyped-def]
    r = pay(any_ctx, FakeFactory("success"), req, tenders, purpose)
    assert check(r) and any(t["method"] == "wechat" and t["out_trade_no"] for t in r["tenders"])


def test_settings_secrets_stay_out_of_the_database(any_ctx, world, tmp_path, monkeypatch):
    monkeypatch.setenv("PROPDESK_SECRETS_DIR", str(tmp_path))
    with any_ctx.uow() as s:
        r = gateway_settings.save(s, "T1", "admin", "wechat", {"appid": "wx42", "mch_id": "1900000109",
                                                               "key": "SECRETKEY" * 4, "sign_type": "HMAC-SHA256"})
        assert r == {"gateway": "wechat", "mch_id": "1900000109", "base_url": "https://api.mch.weixin.qq.com"}
        row = s.scalar(select(Terminal).where(Terminal.code == "T1")).gateways
        shown = gateway_settings.show(s, "T1")
    assert "SECRETKEY" not in repr(row) and "SECRETKEY" not in repr(shown)
    assert shown["wechat"]["key"] == "******" and shown["alipay"] is None
    secrets = tmp_path / "gateway-secrets.json"
    assert "SECRETKEY" in secrets.read_text() and stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    with any_ctx.uow() as s:
        assert gateway_settings.driver_settings(s, "T1", "wechat")["key"] == "SECRETKEY" * 4
    with any_ctx.uow() as s, pytest.raises(InputError) as e:
        gateway_settings.save(s, "T1", "admin", "alipay", {"app_id": "", "base_url": "ftp://x", "pay_timeout": 1})
    assert e.value.code == "gateway.bad_settings" and len(e.value.problems) >= 4


def test_database_failure_after_success_keeps_the_order_for_recovery(any_ctx, world, monkeypatch):
    f = FakeFactory("success")
    real = scan_pay._record_business
    calls = {"n": 0}

    def broken(*a, **kw):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:  # the first call is the check run; the second is the recording
            raise RuntimeError("database is locked")
        return real(*a, **kw)

    monkeypatch.setattr(scan_pay, "_record_business", broken)
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.paid_not_recorded" and "do not charge again" in e.value.text("en")
    assert order(any_ctx).status == "unknown" and count(any_ctx, Payment) == 0
    assert f.gateways["wechat"].charged_fen() == DUE  # not given back: it is the resident's valid payment
    out = scan_pay.recover(any_ctx.uow, C, f, sleep=Sleeps())
    assert [o["state"] for o in out] == ["paid"] and count(any_ctx, Payment) == 1
    assert f.gateways["wechat"].count("pay") == 1


def test_odd_transaction_no_is_not_given_back_but_kept(any_ctx, world):
    f = FakeFactory("success")
    g = f.gateways["wechat"]
    g._txn = lambda: "WX-NOT-28-DIGITS"  # type: ignore[method-assign]
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.paid_not_recorded" and "WX-NOT-28-DIGITS" in e.value.text("en")
    assert g.count("reverse") == 0 and g.count("refund") == 0 and order(any_ctx).status == "unknown"


def test_success_for_another_amount_is_not_recorded(any_ctx, world):
    f = FakeFactory("success")
    g = f.gateways["wechat"]
    real = g.pay
    g.pay = lambda no, code, fen, subject: real(no, code, fen - 1, subject)  # type: ignore[method-assign]
    with pytest.raises(AppError) as e:
        pay(any_ctx, f)
    assert e.value.code == "scan.paid_not_recorded" and count(any_ctx, Payment) == 0


def test_recovery_leaves_a_live_payment_alone(any_ctx, world):
    f = FakeFactory("paying_forever")

    def crash(_s: float) -> None:
        raise Crash

    with pytest.raises(Crash):
        pay(any_ctx, f, sleep=crash)
    assert scan_pay.recover(any_ctx.uow, C, f, sleep=Sleeps(), min_age_s=120) == []
    assert f.gateways["wechat"].count("reverse") == 0 and order(any_ctx).status == "paying"
