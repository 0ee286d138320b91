"""Readings taken at the counter (app.services.meter_intake): validated, flagged, idempotent."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from app.db.models import Meter, MeterReading, SyncOutbox
from app.services import meter_intake as mi
from app.services.meter_intake import ReadingIn
from tests.support.builders import World

HISTORY = ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


def _world(s) -> World:  # type: ignore[no-untyped-def]
    w = World(s)
    w.room("1-1-101", "100.00", owner="张三")
    w.room("1-1-102", "80.00")
    w.meter("W101", "water", "1-1-101")
    w.meter("W102", "water", "1-1-102", digits=4)
    w.meter("E101", "electricity", "1-1-101")
    for i, p in enumerate(HISTORY):  # W101 uses 10 a month, E101 100
        w.reading("W101", p, str(100 + 10 * i))
        w.reading("E101", p, str(1000 + 100 * i))
    w.reading("W102", "2026-10", "9990")
    return w


def _record(s, items, period="2026-11", source="handheld"):  # type: ignore[no-untyped-def]
    return mi.record_readings(s, user="admin", terminal="T1", period=period, items=items, source=source)


def _revisions(s, no: str, period: str) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    q = (select(MeterReading.revision, MeterReading.reading, MeterReading.status).join(Meter)
         .where(Meter.meter_no == no, MeterReading.period == period).order_by(MeterReading.revision))
    return [(r, format(v, "f"), st) for r, v, st in s.execute(q)]


def test_valid_leak_rollover_unknown_and_resend(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
    with any_ctx.uow() as s:
        res = _record(s, [ReadingIn("W101", Decimal("170")),  # usage 10: valid
                          ReadingIn("E101", Decimal("2500")),  # usage 900 against a median of 100: leak
                          ReadingIn("W102", Decimal("5")),  # 9990 -> 5 on a 4-digit register: rollover
                          ReadingIn("NOPE", Decimal("1")),
                          ReadingIn("W101", Decimal("170"))])  # the same twice in one batch
    assert (res.received, res.accepted, res.unchanged) == (5, 2, 1)
    assert [(f["meter_no"], f["reason"], f["usage"]) for f in res.flagged] == [("E101", "meters.leak", "900")]
    assert "中位数" in res.flagged[0]["reason_text"]
    assert [(r["meter_no"], r["reason"]) for r in res.rejected] == [("NOPE", "meters.unknown_meter")]
    with any_ctx.uow() as s:
        assert _revisions(s, "E101", "2026-11") == [(0, "2500", "flagged")]
        roll = s.scalar(select(MeterReading.rollover).join(Meter).where(Meter.meter_no == "W102",
                                                                       MeterReading.period == "2026-11"))
        assert roll is True
        events = s.scalar(select(func.count()).select_from(SyncOutbox).where(SyncOutbox.event_type == "meter_reading"))
        assert events == 3
        # A resend of the whole batch (a transfer interrupted and started again) changes nothing.
        again = _record(s, [ReadingIn("W101", Decimal("170")), ReadingIn("E101", Decimal("2500")),
                            ReadingIn("W102", Decimal("5"))])
        assert (again.accepted, again.unchanged, again.flagged, again.rejected) == (0, 3, [], [])
    with any_ctx.uow() as s:
        assert _revisions(s, "E101", "2026-11") == [(0, "2500", "flagged")]
        assert s.scalar(select(func.count()).select_from(SyncOutbox)
                        .where(SyncOutbox.event_type == "meter_reading")) == 3


def test_reread_of_flagged_is_a_revision_and_valid_differing_is_refused(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
    with any_ctx.uow() as s:
        _record(s, [ReadingIn("E101", Decimal("2500")), ReadingIn("W101", Decimal("170"))])
    with any_ctx.uow() as s:
        res = _record(s, [ReadingIn("E101", Decimal("1700")), ReadingIn("W101", Decimal("171"))])
    assert res.accepted == 1
    assert [(r["meter_no"], r["reason"]) for r in res.rejected] == [("W101", "meters.reading_differs")]
    with any_ctx.uow() as s:
        assert _revisions(s, "E101", "2026-11") == [(0, "2500", "flagged"), (1, "1700", "valid")]
        assert _revisions(s, "W101", "2026-11") == [(0, "170", "valid")]


def test_bad_period_rejects_every_reading_and_stores_nothing(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
    with any_ctx.uow() as s:
        res = _record(s, [ReadingIn("W101", Decimal("170"))], period="2026-13")
    assert res.accepted == 0 and [r["reason"] for r in res.rejected] == ["meters.bad_period"]
    with any_ctx.uow() as s:
        assert _revisions(s, "W101", "2026-13") == []


def test_lower_without_wrap_zero_for_occupied_and_too_big(any_ctx) -> None:
    with any_ctx.uow() as s:
        _world(s)
    with any_ctx.uow() as s:
        res = _record(s, [ReadingIn("W101", Decimal("100")),  # lower than 160, not near the top: flagged
                          ReadingIn("E101", Decimal("1600")),  # zero usage, 1-1-101 has an owner: flagged
                          ReadingIn("W102", Decimal("10000"))])  # does not fit 4 digits: rejected
    assert sorted((f["meter_no"], f["reason"]) for f in res.flagged) == [
        ("E101", "meters.zero_usage"), ("W101", "meters.lower_than_previous")]
    assert [(r["meter_no"], r["reason"]) for r in res.rejected] == [("W102", "meters.reading_too_big")]


def test_route_lists_meters_with_last_readings(any_ctx) -> None:
    with any_ctx.uow() as s:
        w = _world(s)
        w.meters["W101"].address = "000000000101"
        w.meters["W101"].protocol = "cjt188"
    with any_ctx.uow() as s:
        r = mi.route(s, period="2026-11")
    assert [(x["meter_no"], x["room"], x["owner"], x["last_reading"], x["last_period"]) for x in r] == [
        ("E101", "1-1-101", "张三", "1600", "2026-10"), ("W101", "1-1-101", "张三", "160", "2026-10"),
        ("W102", "1-1-102", "", "9990", "2026-10")]
    assert r[1]["address"] == "000000000101" and r[1]["protocol"] == "cjt188" and r[2]["digits"] == 4
