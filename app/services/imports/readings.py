"""Meter readings import, keyed by (meter, period).

Usage of a period = this reading − the previous period's reading (or the meter's `initial`).
A lower reading is a register rollover only when the operator confirms it for that meter
(`rollover`); otherwise it is rejected with the reason (billing-rules.md). An existing
reading with a different value is an error: corrections are their own, audited feature.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import Meter, MeterReading
from app.services.imports.common import Actor, Collector, Counts, audit_summary, bulk_insert, duplicate
from app.errors import Msg
from app.services.imports.fields import parse_date, parse_decimal, parse_period, parse_text
from app.services.imports.reader import Column, Table

COLUMNS = [
    Column("meter_no", "表号", required=True),
    Column("period", "账期", required=True),
    Column("reading", "本次读数", required=True),
    Column("read_at", "抄表日期"),
    Column("reader", "抄表员"),
]


@dataclass
class ReadingRow:
    row: int
    meter_no: str
    period: str
    reading: Decimal
    read_at: date | None
    reader: str | None


def validate(table: Table, c: Collector) -> list[ReadingRow]:
    out: list[ReadingRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row, v in table.rows:
        before = len(c.problems)
        meter_no = c.value(row, "meter_no", v["meter_no"], parse_text, required=True, size_of=Meter.meter_no, key=True)
        period = c.value(row, "period", v["period"], parse_period, required=True)
        reading = c.value(row, "reading", v["reading"], parse_decimal, required=True, max_decimals=4)
        read_at = c.value(row, "read_at", v.get("read_at", ""), parse_date)
        reader = c.value(row, "reader", v.get("reader", ""), parse_text, size_of=MeterReading.reader)
        if meter_no and period and duplicate(seen, (meter_no, period), row,
                                             Msg.of("import.what_reading", meter=meter_no, period=period), c, "period"):
            continue
        if len(c.problems) == before and reading is not None:
            out.append(ReadingRow(row, meter_no or "", period or "", reading, read_at, reader))
    return out


def _in_force(s: Session, community_ids: list[str], first_period: str) -> dict[str, dict[str, Decimal]]:
    """meter id -> {period: reading in force} for every period from `first_period` on, plus the
    latest one before it (the "previous reading" of the first imported period). Two queries
    for the whole file, whatever its size."""
    mr = MeterReading
    in_scope = mr.meter_id.in_(select(Meter.id).where(Meter.community_id.in_(community_ids)))
    latest_before = (select(mr.meter_id, func.max(mr.period).label("p"))
                     .where(in_scope, mr.period < first_period).group_by(mr.meter_id).subquery())
    found: dict[tuple[str, str], tuple[int, Decimal]] = {}
    for q in (select(mr.meter_id, mr.period, mr.revision, mr.reading).where(in_scope, mr.period >= first_period),
              select(mr.meter_id, mr.period, mr.revision, mr.reading).join(
                  latest_before, and_(mr.meter_id == latest_before.c.meter_id, mr.period == latest_before.c.p))):
        for meter_id, period, revision, reading in s.execute(q):
            best = found.get((meter_id, period))
            if best is None or revision > best[0]:  # the highest revision is the one in force
                found[(meter_id, period)] = (revision, reading)
    out: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (meter_id, period), (_, reading) in found.items():
        out[meter_id][period] = reading
    return out


def apply(s: Session, rows: list[ReadingRow], c: Collector, actor: Actor, rollover: set[str]) -> Counts:
    meters = {m.meter_no: m for m in s.execute(
        select(Meter.id, Meter.meter_no, Meter.community_id, Meter.digits, Meter.initial, Meter.active))}
    in_file = {r.meter_no for r in rows}
    for no in sorted(rollover):
        if no not in meters:
            c.add(None, "--rollover", "import.unknown_meter", meter=no)
        elif no not in in_file:
            c.add(None, "--rollover", "import.rollover_not_in_file", meter=no)
    by_meter: dict[str, list[ReadingRow]] = defaultdict(list)
    for r in rows:
        m = meters.get(r.meter_no)
        if m is None:
            c.add(r.row, "meter_no", "import.unknown_meter", meter=r.meter_no)
        elif not m.active:
            c.add(r.row, "meter_no", "import.meter_inactive", meter=r.meter_no)
        elif r.reading >= Decimal(10) ** m.digits:
            c.add(r.row, "reading", "import.reading_too_big", reading=str(r.reading), meter=r.meter_no, digits=m.digits)
        else:
            by_meter[r.meter_no].append(r)
    community_ids = sorted({meters[no].community_id for no in by_meter})
    first_period = min((r.period for r in rows), default="9999-12")
    stored = _in_force(s, community_ids, first_period) if by_meter else {}

    counts = Counts("readings", len(rows))
    new_rows: list[dict[str, Any]] = []
    now = utcnow()
    for no, meter_rows in by_meter.items():
        m = meters[no]
        known = dict(stored.get(m.id, {}))
        last_stored = max(known, default=None)
        for r in sorted(meter_rows, key=lambda r: r.period):
            if r.period in stored.get(m.id, {}):
                if known[r.period] == r.reading:
                    counts.unchanged += 1
                else:
                    c.add(r.row, "reading", "import.reading_differs", meter=no, stored=str(known[r.period]),
                          period=r.period)
                continue
            if last_stored is not None and last_stored > r.period:
                c.add(r.row, "period", "import.reading_out_of_order", meter=no, later=last_stored)
                continue
            earlier = [p for p in known if p < r.period]
            prev_period = max(earlier, default=None)
            previous = known[prev_period] if prev_period else m.initial
            is_rollover = r.reading < previous
            if is_rollover and no not in rollover:
                what = (Msg.of("import.previous_reading", reading=str(previous), period=prev_period) if prev_period
                        else Msg.of("import.initial_reading", reading=str(previous)))
                c.add(r.row, "reading", "import.reading_lower", reading=str(r.reading), what=what, digits=m.digits,
                      meter=no)
                continue
            known[r.period] = r.reading
            new_rows.append({
                "meter_id": m.id, "period": r.period, "revision": 0, "reading": r.reading, "read_at": r.read_at,
                "reader": r.reader, "source": "import", "status": "valid", "rollover": is_rollover,
                "corrects_id": None,
                "reason": f"rollover confirmed by {actor.user or 'import'}" if is_rollover else None,
                "created_by": actor.user, "created_at": now})
    c.raise_if_any("readings")
    bulk_insert(s, MeterReading, new_rows)
    counts.created = len(new_rows)
    counts.extra = {"rollovers": sum(1 for r in new_rows if r["rollover"])}
    audit_summary(s, actor, counts)
    return counts
