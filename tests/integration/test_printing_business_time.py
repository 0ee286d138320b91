"""A counter PC on UTC in a Shanghai business: the receipt taken at 23:22 UTC on 1 December
is numbered and printed on 2 December, 07:22 (on SQLite and PostgreSQL)."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from app import clock
from app.printing.escpos_decode import decode, text_of
from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import parse_tender
from app.services.receipts import receipt_doc
from tests.support.builders import World

AT = datetime(2026, 12, 1, 23, 22, 5, tzinfo=timezone.utc)


@pytest.fixture
def pc_on_utc_at_2322(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    before = clock.zone()
    clock.set_zone("Asia/Shanghai")
    monkeypatch.setattr(clock, "now", lambda: AT)
    yield
    monkeypatch.undo()
    time.tzset()
    clock._zone = before


def test_receipt_number_and_printed_time_are_business_time(any_ctx, pc_on_utc_at_2322):
    with any_ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="王芳", phone="13800001111")
        w.fee("PM", "area", "2", name="物业服务费")
        bill_run(s, "2026-11", user="admin")
        shifts.open_shift(s, "T1", "admin", 0)
    with any_ctx.uow() as s:
        r = pay_bills(s, Counter("T1", "admin"), "1-101", [parse_tender("cash=300")])
    assert r["receipt_no"] == "T1-20261202-0001"
    with any_ctx.uow() as s:
        doc = receipt_doc(s, r["receipt_no"])
    text = text_of(decode(render_escpos(doc, 58, PrinterProfile())))
    assert "2026-12-02 07:22" in text and "23:22" not in text
