"""Property: for any small community, a bill run twice equals a bill run once, a dry run
shows exactly what the real run creates, and the books agree afterwards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import app.db.models  # noqa: F401
from app.db.base import metadata
from app.db.engine import make_engine, session_factory, unit_of_work
from app.db.models import BillLine
from app.money import round_yuan_to_fen
from app.services import users
from app.services.billing.bill_run import bill_run
from app.services.ledger_check import full_check
from tests.support.builders import World

TIERS = [{"up_to": "10", "unit_price": "3.1"}, {"up_to": "25", "unit_price": "4.27"}, {"up_to": None, "unit_price": "6.9"}]

room = st.tuples(st.decimals(min_value="10", max_value="300", places=2),
                 st.sampled_from([None, date(2020, 1, 1), date(2026, 10, 9), date(2026, 10, 31), date(2026, 11, 2)]),
                 st.lists(st.decimals(min_value="0", max_value="40", places=1), min_size=2, max_size=2))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rooms=st.lists(room, min_size=1, max_size=8), price=st.decimals(min_value="0.01", max_value="9", places=4),
       public=st.decimals(min_value="0", max_value="500", places=2),
       rounding=st.sampled_from(["fen_half_up", "fen_half_even", "jiao_half_up", "fen_up", "fen_down"]))
def test_twice_equals_once(rooms, price, public, rounding):
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    sessions = session_factory(engine)
    with unit_of_work(sessions) as s:
        users.ensure_user(s, "admin", "admin")
        w = World(s)
        for i, (area, start, usages) in enumerate(rooms):
            key = f"1-{i + 101}"
            w.room(key, str(area), charge_start=start)
            w.meter(f"W{i}", "water", key)
            w.reading(f"W{i}", "2026-09", "100")
            w.reading(f"W{i}", "2026-10", str(100 + usages[0]))
        w.fee("PM", "area", str(price), rounding=rounding)
        w.fee("WATER", "usage", tiers=TIERS, tier_period="year", meter_kind="water", rounding=rounding)
        w.meter("PUB", "electricity", None)
        w.reading("PUB", "2026-09", "0")
        w.reading("PUB", "2026-10", str(public))
        w.fee("PUBE", "apportioned", "0.83", apportion={"meter_no": "PUB", "by": "area", "scope": "community"},
              rounding=rounding)
    with unit_of_work(sessions) as s:
        dry = bill_run(s, "2026-10", dry_run=True, user="admin")
    with unit_of_work(sessions) as s:
        once = bill_run(s, "2026-10", user="admin")
        snapshot = sorted(s.execute(select(BillLine.id, BillLine.amount_fen, BillLine.detail)).all())
    with unit_of_work(sessions) as s:
        twice = bill_run(s, "2026-10", user="admin")
        assert sorted(s.execute(select(BillLine.id, BillLine.amount_fen, BillLine.detail)).all()) == snapshot
        assert full_check(s)["ok"]
    for k in ("lines", "total_fen", "by_fee_item"):
        assert dry[k] == once[k]
    assert twice["lines"] == 0 and twice["skipped_existing"] == once["lines"]
    shares = [a for _, a, d in snapshot if d.get("basis") == "apportioned"]
    if shares:  # the shares always add up to the rounded public total, to the fen
        assert sum(shares) == round_yuan_to_fen(public * Decimal("0.83"), rounding)
    engine.dispose()
