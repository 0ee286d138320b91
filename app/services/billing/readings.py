"""Usage per meter for a period, from the readings in force (highest revision)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Meter, MeterReading
from app.domain.meter_usage import ReadingError, usage_between
from app.domain.periods import Period


@dataclass(frozen=True)
class MeterRow:
    id: str
    meter_no: str
    community_id: str
    room_id: str | None
    kind: str
    multiplier: Decimal
    digits: int
    initial: Decimal
    active: bool


@dataclass(frozen=True)
class MeterUsage:
    meter: MeterRow
    previous: Decimal
    previous_period: str | None  # None: from the meter's initial reading
    current: Decimal
    usage: Decimal
    rollover: bool

    def detail(self) -> dict:
        return {"meter_no": self.meter.meter_no, "previous": format(self.previous, "f"),
                "previous_period": self.previous_period, "current": format(self.current, "f"),
                "multiplier": format(self.meter.multiplier, "f"), "usage": format(self.usage, "f"),
                **({"rollover": True} if self.rollover else {})}


@dataclass
class PeriodUsage:
    """Every meter's usage in a period, or why there is none."""

    usages: dict[str, MeterUsage]  # meter id -> usage
    missing: set[str]  # meter ids with no reading in force for the period
    problems: dict[str, str]  # meter id -> why its usage could not be computed (flagged, bad)


def load_meters(s: Session, community_ids: list[str]) -> list[MeterRow]:
    rows = s.execute(select(Meter.id, Meter.meter_no, Meter.community_id, Meter.room_id, Meter.kind, Meter.multiplier,
                            Meter.digits, Meter.initial, Meter.active).where(Meter.community_id.in_(community_ids)))
    return [MeterRow(*r) for r in rows]


def _in_force(rows) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """meter id -> (period, reading, rollover, status) of the highest revision."""
    best: dict[str, tuple] = {}
    for meter_id, period, revision, reading, rollover, status in rows:
        b = best.get(meter_id)
        if b is None or (period, revision) > (b[0], b[1]):
            best[meter_id] = (period, revision, reading, rollover, status)
    return {m: (p, rd, ro, st) for m, (p, _rev, rd, ro, st) in best.items()}


_COLS = (MeterReading.meter_id, MeterReading.period, MeterReading.revision, MeterReading.reading,
         MeterReading.rollover, MeterReading.status)


def period_usage(s: Session, period: Period, meters: list[MeterRow]) -> PeriodUsage:
    by_id = {m.id: m for m in meters}
    current = _in_force(s.execute(select(*_COLS).where(MeterReading.period == str(period))))
    current = {k: v for k, v in current.items() if k in by_id}
    previous = _in_force(s.execute(select(*_COLS).where(MeterReading.period == str(period.prev()))))
    # Meters whose last reading is older than the previous month (a skipped month): look back.
    lacking = [m for m in current if m not in previous]
    for i in range(0, len(lacking), 900):
        chunk = lacking[i:i + 900]
        previous.update(_in_force(s.execute(select(*_COLS).where(MeterReading.meter_id.in_(chunk),
                                                                  MeterReading.period < str(period.prev())))))
    out = PeriodUsage({}, set(), {})
    for m in meters:
        cur = current.get(m.id)
        if cur is None:
            if m.active:
                out.missing.add(m.id)
            continue
        _p, reading, rollover, status = cur
        if status != "valid":
            out.problems[m.id] = f"reading of {period} is {status} (needs review before billing)"
            continue
        prev = previous.get(m.id)
        prev_value, prev_period = (prev[1], prev[0]) if prev else (m.initial, None)
        try:
            usage = usage_between(prev_value, reading, m.multiplier, m.digits, bool(rollover))
        except ReadingError as e:
            out.problems[m.id] = str(e)
            continue
        out.usages[m.id] = MeterUsage(m, prev_value, prev_period, reading, usage, bool(rollover) and reading < prev_value)
    return out
