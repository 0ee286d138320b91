"""Flagged readings wait for a manager: the bill run skips and counts them, accept/reject are
new revisions; counter readings and decisions reach another database through the outbox."""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import BillLine, Meter, MeterReading, SyncOutbox
from app.errors import InputError, PermissionDenied
from app.services import meter_intake, meter_review, users
from app.services.billing.bill_run import bill_run
from app.services.meter_intake import ReadingIn
from app.sync_events import apply_event
from app.sync_rows import dump_rows, upsert_rows
from tests.conftest import _counter, _ready_context
from tests.support.builders import World

HISTORY = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def _world(s) -> World:  # type: ignore[no-untyped-def]
    w = World(s)
    w.room("1-1-101", "100.00", owner="张三")
    w.room("1-1-102", "80.00", owner="李四")
    w.fee("WATER", "usage", "5", meter_kind="water", name="水费")
    w.meter("W101", "water", "1-1-101")
    w.meter("W102", "water", "1-1-102")
    for i, p in enumerate(HISTORY):
        w.reading("W101", p, str(100 + 10 * i))  # 10 m³ a month; 160 in October
        w.reading("W102", p, str(200 + 10 * i))  # 260 in October
    users.ensure_user(s, "clerk", "cashier", password="x")
    return w


def _take(s, items):  # type: ignore[no-untyped-def]
    return meter_intake.record_readings(s, user="admin", terminal="T1", period="2026-11", items=items,
                                        source="handheld")


def test_flagged_is_not_billed_until_accepted(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
        res = _take(s, [ReadingIn("W101", Decimal("170")), ReadingIn("W102", Decimal("400"))])  # W102: 140 m³, leak
    assert [f["meter_no"] for f in res.flagged] == ["W102"]
    with any_ctx.uow() as s:
        r = bill_run(s, "2026-11", user="admin")
        assert r["flagged_readings"] == 1 and r["by_fee_item"]["WATER"]["lines"] == 1
        assert [m["meter_no"] for m in r["missing"] if m["flagged"]] == ["W102"]
        review = meter_review.flagged(s, user="admin")
        assert [(x["meter_no"], x["usage"], x["reason"], x["previous"]) for x in review] == [
            ("W102", "140", "meters.leak", "260")]
        with pytest.raises(PermissionDenied):
            meter_review.decide(s, user="clerk", terminal="T1", meter_no="W102", period="2026-11", accept=True,
                                reason="ok")
        with pytest.raises(InputError) as e:
            meter_review.decide(s, user="admin", terminal="T1", meter_no="W102", period="2026-11", accept=True,
                                reason="  ")
        assert e.value.code == "meters.reason_required"
    with any_ctx.uow() as s:
        d = meter_review.decide(s, user="admin", terminal="T1", meter_no="W102", period="2026-11", accept=True,
                                reason="水管爆裂，业主确认")
        assert d["status"] == "valid"
    with any_ctx.uow() as s:
        r = bill_run(s, "2026-11", user="admin")
        assert r["flagged_readings"] == 0 and r["lines"] == 1  # W102's line now, W101's was billed before
        line = s.scalar(select(BillLine).join(Meter, Meter.room_id == BillLine.room_id).where(Meter.meter_no == "W102"))
        assert line.amount_fen == 140 * 500
        assert meter_review.flagged(s, user="admin") == []
        revs = [(x.revision, x.status, x.source) for x in s.scalars(
            select(MeterReading).join(Meter).where(Meter.meter_no == "W102", MeterReading.period == "2026-11")
            .order_by(MeterReading.revision))]
        assert revs == [(0, "flagged", "handheld"), (1, "valid", "review")]


def test_rejected_then_reread(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
        _take(s, [ReadingIn("W102", Decimal("400"))])
        meter_review.decide(s, user="admin", terminal="T1", meter_no="W102", period="2026-11", accept=False,
                            reason="抄错")
    with any_ctx.uow() as s:
        assert bill_run(s, "2026-11", user="admin")["flagged_readings"] == 0
        res = _take(s, [ReadingIn("W102", Decimal("271"))])  # the re-read: 11 m³
        assert res.accepted == 1


def test_history_follows_a_swap(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
        meter_review.swap(s, user="admin", terminal="T1", meter_no="W101", day=date(2026, 11, 10), old_final="163",
                          new_meter_no="W101B", new_initial="0")
        res = _take(s, [ReadingIn("W101B", Decimal("7"))])  # 3 on the old meter + 7 on the new one
        assert res.accepted == 1 and res.flagged == []
        h = meter_review.history(s, "W101B", months=6)
    assert [x["period"] for x in h] == ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
    assert [x["usage"] for x in h] == ["10", "10", "10", "10", "10", "7"]
    with any_ctx.uow() as s:
        r = bill_run(s, "2026-11", user="admin")
        lines = {m.meter_no: l.amount_fen for l, m in s.execute(
            select(BillLine, Meter).join(Meter, Meter.room_id == BillLine.room_id)
            .where(Meter.meter_no.in_(["W101B"]), BillLine.period == "2026-11"))}
    assert lines == {"W101B": 10 * 500}  # old final − last + current − new initial = 3 + 7
    assert r["flagged_readings"] == 0


# --- counter facts reach another database -------------------------------------------------

SNAPSHOT = ("community", "building", "room", "party", "occupancy", "meter", "meter_reading")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_dbs(request, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 30))
    made = []
    for name in ("counter", "central"):
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path / (name + '.db')}"
        else:
            url = request.getfixturevalue("pg").create_database(f"t{os.getpid()}_{next(_counter)}")
        made.append(_ready_context(url))
    yield made
    for c in made:
        c.close()


def test_readings_and_decisions_arrive_at_a_second_database(two_dbs) -> None:
    counter, central = two_dbs
    with counter.uow() as s:
        _world(s)
    with counter.uow() as s:
        rows = {t: json.loads(json.dumps(dump_rows(s, t))) for t in SNAPSHOT}
    with central.uow() as s:
        for t in SNAPSHOT:
            upsert_rows(s, t, rows[t])
    with counter.uow() as s:
        _take(s, [ReadingIn("W101", Decimal("170")), ReadingIn("W102", Decimal("400"))])
    with counter.uow() as s:
        meter_review.decide(s, user="admin", terminal="T1", meter_no="W102", period="2026-11", accept=True,
                            reason="确认漏水")
    with counter.uow() as s:
        events = [(o.event_type, json.loads(json.dumps(o.payload)))
                  for o in s.scalars(select(SyncOutbox).order_by(SyncOutbox.device_seq))]
    assert [e[0] for e in events] == ["meter_reading"] * 3
    for _ in range(2):  # a replay changes nothing
        with central.uow() as s:
            for event_type, payload in events:
                apply_event(s, event_type, payload, origin_terminal="T1")

    def readings(ctx):  # type: ignore[no-untyped-def]
        with ctx.uow() as s:
            return sorted((r.id, m, r.period, r.revision, format(r.reading, "f"), r.status, r.source, r.corrects_id)
                          for r, m in s.execute(select(MeterReading, Meter.meter_no).join(Meter)
                                                .where(MeterReading.period == "2026-11")))

    assert readings(central) == readings(counter) and len(readings(central)) == 3
    with central.uow() as s:
        assert meter_review.flagged(s, user="admin") == []


def test_who_may_review(any_ctx) -> None:
    """Finance reviews and decides; a meter reader sees the list but may not decide; a cashier
    sees nothing."""
    with any_ctx.uow() as s:
        _world(s)
        users.ensure_user(s, "fin", "finance", password="x")
        users.ensure_user(s, "rd", "reader", password="x")
        _take(s, [ReadingIn("W102", Decimal("400"))])
    with any_ctx.uow() as s:
        assert len(meter_review.flagged(s, user="fin")) == len(meter_review.flagged(s, user="rd")) == 1
        with pytest.raises(PermissionDenied):
            meter_review.flagged(s, user="clerk")
        with pytest.raises(PermissionDenied):
            meter_review.decide(s, user="rd", terminal="T1", meter_no="W102", period="2026-11", accept=True,
                                reason="x")
        assert meter_review.decide(s, user="fin", terminal="T1", meter_no="W102", period="2026-11", accept=False,
                                   reason="x")["status"] == "rejected"
