"""The demo's meter reading story (issue 13): a few meters a counter can read over RS-485
(addresses and protocols), and one room whose reading for the current month looks like a
leak, taken from the reader's handheld and flagged — what the manager sees in 抄表审核
before the month's bill run.

Called by `init --demo` after the demo company is built (build_demo(..., meter_story=True)):
the demo's own tests compare its twelve months of readings exactly, so the story is an
addition on top, never inside them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.context import AppContext
from app.db.models import Meter, Occupancy
from app.domain.periods import Period
from app.services import meter_intake
from app.services.meter_intake import ReadingIn

ON_THE_LINE = 3  # meters of each protocol given an address


def add_meter_story(ctx: AppContext, today: date, reader: str = "reader1") -> dict:
    period = Period.of(today)
    with ctx.uow() as s:
        meters = list(s.scalars(select(Meter).where(Meter.active.is_(True), Meter.room_id.is_not(None))
                                .order_by(Meter.meter_no)))
        elec = [m for m in meters if m.kind == "electricity"][:ON_THE_LINE]
        water = [m for m in meters if m.kind == "water"]
        for i, m in enumerate(elec, 1):
            m.address, m.protocol = f"{i:012d}", "dlt645"
        for i, m in enumerate(water[:ON_THE_LINE], 1):
            m.address, m.protocol = f"{i:014d}", "cjt188"
        occupied = set(s.scalars(select(Occupancy.room_id).where(
            Occupancy.room_id.in_([m.room_id for m in water[:200]]))))
        leak = next((m for m in water if m.room_id in occupied), None)
        flagged: list[dict] = []
        if leak is not None:
            ctx_ = meter_intake.contexts(s, [leak], period)[leak.id]
            usual = sorted(ctx_.history)[len(ctx_.history) // 2] if ctx_.history else Decimal(10)
            value = ctx_.previous + max(usual, Decimal(1)) * 8  # eight months' water in one: a running toilet
            res = meter_intake.record_readings(s, user="admin", terminal=ctx.terminal, period=str(period),
                                               items=[ReadingIn(leak.meter_no, value, today, reader)],
                                               source="handheld")
            flagged = res.flagged
        s.flush()
    return {"addressed": len(elec) + len(water[:ON_THE_LINE]), "flagged": flagged}
