"""Usage per meter for a period, from the readings in force (highest revision)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import column, select, table
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

    def detail_json(self) -> str:
        """detail() as JSON, written directly (a bill run writes 200,000 of these)."""
        roll = ',"rollover":true' if self.rollover else ""
        return (f'{{"meter_no":{json.dumps(self.meter.meter_no, ensure_ascii=False)},'
                f'"previous":"{self.previous:f}","previous_period":{json.dumps(self.previous_period)},'
                f'"current":"{self.current:f}","multiplier":"{self.meter.multiplier:f}","usage":"{self.usage:f}"{roll}}}')

    def detail(self) -> dict:
        return {"meter_no": self.meter.meter_no, "previous": format(self.previous, "f"),
                "previous_period": self.previous_period, "current": format(self.current, "f"),
                "multiplier": format(self.meter.multiplier, "f"), "usage": format(self.usage, "f"),
                **({"rollover": True} if self.rollover else {})}


class PeriodUsage:
    """Meters' usage in a period, computed on demand (a re-run that bills nothing new
    computes nothing), or why there is none."""

    def __init__(self, period: Period, meters: dict[str, MeterRow], current: dict[str, tuple],
                 previous: dict[str, tuple]) -> None:
        self.period, self.meters, self.current, self.previous = period, meters, current, previous
        self._memo: dict[str, MeterUsage | str | None] = {}

    def get(self, meter_id: str) -> MeterUsage | str | None:
        """The usage; or a string saying why it cannot be computed; or None when an inactive
        meter simply has no reading (it does not count)."""
        if meter_id not in self._memo:
            self._memo[meter_id] = self._compute(self.meters[meter_id])
        return self._memo[meter_id]

    def _compute(self, m: MeterRow) -> MeterUsage | str | None:
        cur = self.current.get(m.id)
        if cur is None:
            return f"no reading for {self.period}" if m.active else None
        _p, reading, rollover, status = cur
        reading = Decimal(reading)
        if status != "valid":
            return f"reading of {self.period} is {status} (needs review before billing)"
        prev = self.previous.get(m.id)
        prev_value, prev_period = (Decimal(prev[1]), prev[0]) if prev else (m.initial, None)
        if m.multiplier == 1 and m.digits in _SPAN and 0 <= prev_value <= reading < _SPAN[m.digits]:
            usage = reading - prev_value  # the common case of usage_between, without its checks' cost
        else:
            try:
                usage = usage_between(prev_value, reading, m.multiplier, m.digits, bool(rollover))
            except ReadingError as e:
                return str(e)
        return MeterUsage(m, prev_value, prev_period, reading, usage, bool(rollover) and reading < prev_value)


_SPAN = {d: Decimal(10) ** d for d in range(1, 40)}
_M = Meter.__table__.c


def load_meters(s: Session, community_ids: list[str]) -> list[MeterRow]:
    rows = s.connection().execute(select(_M.id, _M.meter_no, _M.community_id, _M.room_id, _M.kind, _M.multiplier,
                                         _M.digits, _M.initial, _M.active).where(_M.community_id.in_(community_ids)))
    return [MeterRow(*r) for r in rows]


def _in_force(rows) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """meter id -> (period, reading, rollover, status) of the highest revision."""
    best: dict[str, tuple] = {}
    for meter_id, period, revision, reading, rollover, status in rows:
        b = best.get(meter_id)
        if b is None or (period, revision) > (b[0], b[1]):
            best[meter_id] = (period, revision, reading, rollover, status)
    return {m: (p, rd, ro, st) for m, (p, _rev, rd, ro, st) in best.items()}


# Untyped columns: 400,000 readings come back as plain values; only the ones used become
# Decimals (in _compute).
_RAW = table("meter_reading", column("meter_id"), column("period"), column("revision"), column("reading"),
             column("rollover"), column("status"))
_COLS = (_RAW.c.meter_id, _RAW.c.period, _RAW.c.revision, _RAW.c.reading, _RAW.c.rollover, _RAW.c.status)


def period_usage(s: Session, period: Period, meters: list[MeterRow]) -> PeriodUsage:
    by_id = {m.id: m for m in meters}
    conn = s.connection()
    current = {k: v for k, v in _in_force(conn.execute(select(*_COLS).where(_RAW.c.period == str(period)))).items()
               if k in by_id}
    previous = _in_force(conn.execute(select(*_COLS).where(_RAW.c.period == str(period.prev()))))
    # Meters whose last reading is older than the previous month (a skipped month): look back.
    lacking = [m for m in current if m not in previous]
    for i in range(0, len(lacking), 900):
        chunk = lacking[i:i + 900]
        previous.update(_in_force(conn.execute(select(*_COLS).where(_RAW.c.meter_id.in_(chunk),
                                                                    _RAW.c.period < str(period.prev())))))
    return PeriodUsage(period, by_id, current, previous)
