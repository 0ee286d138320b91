"""Usage per meter for a period, from the readings in force (highest revision).

A bill run reads 400,000 readings for 100,000 rooms, so readings come back untyped (as the
canonical text DecimalText stores) and only the ones used become Decimals; that text is
also what the line's detail shows, so it is never reformatted.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from app.db.engine import fetch_raw
from app.domain.meter_usage import ReadingError, usage_between
from app.domain.periods import Period


class MeterRow(NamedTuple):  # a NamedTuple: 200,000 of these are made per run
    id: str
    meter_no: str
    community_id: str
    room_id: str | None
    kind: str
    multiplier: Decimal
    digits: int
    initial: Decimal
    active: bool
    multiplier_text: str = ""  # format(multiplier, "f"), made once per distinct value


def _json_str(text: str) -> str:
    """json.dumps(text, ensure_ascii=False), without the encoder for the usual meter number
    (printable, no quote or backslash: nothing to escape)."""
    if '"' not in text and "\\" not in text and text.isprintable():
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


class MeterUsage:
    """A meter's usage in the period and the readings it comes from. A plain class with
    slots: a bill run makes 200,000 of these."""

    __slots__ = ("meter", "previous", "previous_period", "current", "usage", "rollover")

    def __init__(self, meter: MeterRow, previous: str, previous_period: str | None, current: str, usage: Decimal,
                 rollover: bool) -> None:
        self.meter = meter
        self.previous = previous  # register value as stored (canonical decimal text)
        self.previous_period = previous_period  # None: from the meter's initial reading
        self.current = current
        self.usage = usage
        self.rollover = rollover

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MeterUsage) and all(getattr(self, a) == getattr(other, a) for a in self.__slots__)

    def __repr__(self) -> str:
        return f"MeterUsage({', '.join(f'{a}={getattr(self, a)!r}' for a in self.__slots__)})"

    def detail_json(self) -> str:
        """detail() as JSON, written directly (a bill run writes 200,000 of these)."""
        roll = ',"rollover":true' if self.rollover else ""
        prev_p = "null" if self.previous_period is None else f'"{self.previous_period}"'
        m = self.meter
        mult = m.multiplier_text or format(m.multiplier, "f")
        return (f'{{"meter_no":{_json_str(m.meter_no)},"previous":"{self.previous}",'
                f'"previous_period":{prev_p},"current":"{self.current}",'
                f'"multiplier":"{mult}","usage":"{self.usage:f}"{roll}}}')

    def detail(self) -> dict:
        return json.loads(self.detail_json())


class PeriodUsage:
    """Meters' usage in a period, computed on demand (a re-run that bills nothing new
    computes nothing), or why there is none."""

    def __init__(self, period: Period, meters: dict[str, MeterRow], current: dict[str, tuple],
                 previous: dict[str, tuple]) -> None:
        self.period, self.meters, self.current, self.previous = period, meters, current, previous
        self._memo: dict[str, MeterUsage | str | None] = {}

    def is_flagged(self, meter_id: str) -> bool:
        """The meter's reading of the period waits for review (issue 13): not billed, reported."""
        cur = self.current.get(meter_id)
        return cur is not None and cur[3] == "flagged"

    def get(self, meter_id: str) -> MeterUsage | str | None:
        """The usage; or a string saying why it cannot be computed; or None when an inactive
        meter simply has no reading (it does not count)."""
        hit = self._memo.get(meter_id, self)
        if hit is self:
            hit = self._memo[meter_id] = self._compute(self.meters[meter_id])
        return hit  # type: ignore[return-value]

    def _compute(self, m: MeterRow) -> MeterUsage | str | None:
        cur = self.current.get(m.id)
        if cur is None:
            return f"no reading for {self.period}" if m.active else None
        _p, text, rollover, status = cur
        if status != "valid":
            return f"reading of {self.period} is {status} (needs review before billing)"
        reading = Decimal(text)
        prev = self.previous.get(m.id)
        if prev:
            prev_text, prev_period = prev[1], prev[0]
            prev_value = Decimal(prev_text)
        else:
            prev_value, prev_period = m.initial, None
            prev_text = format(prev_value, "f")
        span = _SPAN.get(m.digits)
        if m.multiplier == 1 and span is not None and 0 <= prev_value <= reading < span:
            usage = reading - prev_value  # the common case of usage_between, without its checks' cost
        else:
            try:
                usage = usage_between(prev_value, reading, m.multiplier, m.digits, bool(rollover))
            except ReadingError as e:
                return str(e)
        return MeterUsage(m, prev_text, prev_period, text, usage, bool(rollover) and reading < prev_value)


_SPAN = {d: Decimal(10) ** d for d in range(1, 40)}
_METER = table("meter", column("id"), column("meter_no"), column("community_id"), column("room_id"), column("kind"),
               column("multiplier"), column("digits"), column("initial"), column("active"))


def load_meters(s: Session, community_ids: list[str]) -> list[MeterRow]:
    c = _METER.c
    rows = fetch_raw(s.connection(), select(c.id, c.meter_no, c.community_id, c.room_id, c.kind, c.multiplier,
                                            c.digits, c.initial, c.active).where(c.community_id.in_(community_ids)))
    one, zero = Decimal(1), Decimal(0)
    dec: dict[str, Decimal] = {"1": one, "0": zero}  # most meters share these texts
    text: dict[str, str] = {}
    out = []
    for id_, no, comm, room, kind, mult, digits, initial, active in rows:
        m = dec.get(mult) or dec.setdefault(mult, Decimal(mult))
        i = dec.get(initial) or dec.setdefault(initial, Decimal(initial))
        mt = text.get(mult) or text.setdefault(mult, format(m, "f"))
        out.append(MeterRow(id_, no, comm, room, kind, m, int(digits), i, bool(active), mt))
    return out


_RAW = table("meter_reading", column("meter_id"), column("period"), column("revision"), column("reading"),
             column("rollover"), column("status"))
_COLS = (_RAW.c.meter_id, _RAW.c.period, _RAW.c.reading, _RAW.c.rollover, _RAW.c.status)


def _in_force(conn, where) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """meter id -> (period, reading text, rollover, status) of the latest period's highest
    revision: rows come ordered, so the last one written for a meter wins."""
    q = select(*_COLS).where(where).order_by(_RAW.c.period, _RAW.c.revision)
    return {r[0]: r[1:] for r in fetch_raw(conn, q)}


def period_usage(s: Session, period: Period, meters: list[MeterRow]) -> PeriodUsage:
    by_id = {m.id: m for m in meters}
    conn = s.connection()
    current = _in_force(conn, _RAW.c.period == str(period))
    current = {k: v for k, v in current.items() if k in by_id}
    previous = _in_force(conn, _RAW.c.period == str(period.prev()))
    # Meters whose last reading is older than the previous month (a skipped month): look back.
    lacking = [m for m in current if m not in previous]
    for i in range(0, len(lacking), 900):
        previous.update(_in_force(conn, _RAW.c.meter_id.in_(lacking[i:i + 900]) & (_RAW.c.period < str(period.prev()))))
    return PeriodUsage(period, by_id, current, previous)
