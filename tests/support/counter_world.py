"""The small counter world the checkout and postings tests share: 阳光花园 1-1-101 (张三,
100 m²) and 1-1-102 (80 m²), PM 2.00/m² a month with a late fee, GARB 10.00, a one-off ZX
item, October and November billed, admin's shift open on T1 with a 200.00 float; today is
2026-12-20 (the caller patches the clock)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.tenders import parse_tender
from tests.support.builders import World

LATE = {"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"}


def T(*specs: str):  # type: ignore[no-untyped-def]
    """Tenders as the command line writes them: T("pos=300:123456789012", "cash=50")."""
    return [parse_tender(x) for x in specs]


def build(s: Session) -> World:
    w = World(s)
    w.room("1-1-101", "100.00", owner="张三", phone="13800001234")
    w.room("1-1-102", "80.00")
    w.fee("PM", "area", "2", name="物业服务费", late_fee=LATE)  # 200.00 / month for 101
    w.fee("GARB", "fixed", "10", name="垃圾费")
    w.fee("ZX", "one_off", None, name="装修垃圾清运费", usages=["residential"])
    for p in ("2026-10", "2026-11"):
        bill_run(s, p, user="admin")
    shifts.open_shift(s, "T1", "admin", 20000)
    return w
