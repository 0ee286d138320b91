"""Applying a `meter_reading` taken at a counter (handheld upload, `meter collect`, a review
decision, a swap's final reading): the reading with the sender's id. The meter is found by
its number (ids of master data may differ between databases). A reading already here with
the same id is left as it is; one whose (meter, period, revision) is taken here by another
reading goes in as the next revision, so no fact is lost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Meter, MeterReading
from app.sync_apply.common import day, dt
from app.sync_events import EventRejected


def apply_meter_reading(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    if s.get(MeterReading, p["id"]) is not None:
        return
    meter_id = s.scalar(select(Meter.id).where(Meter.meter_no == p["meter_no"]))
    if meter_id is None:
        raise EventRejected("meters.sync_unknown_meter", meter=p["meter_no"])
    revision = int(p["revision"])
    top = s.scalar(select(func.max(MeterReading.revision)).where(MeterReading.meter_id == meter_id,
                                                                  MeterReading.period == p["period"]))
    if top is not None and top >= revision:
        revision = top + 1
    corrects = p.get("corrects_id")
    if corrects is not None and s.get(MeterReading, corrects) is None:
        corrects = None  # the corrected reading never reached this database (e.g. an import there)
    s.add(MeterReading(id=p["id"], meter_id=meter_id, period=p["period"], revision=revision,
                       reading=Decimal(p["reading"]), read_at=day(p.get("read_at")), reader=p.get("reader"),
                       source=p["source"], status=p["status"], rollover=bool(p["rollover"]), corrects_id=corrects,
                       reason=p.get("reason"), created_by=p.get("created_by"), created_at=dt(p["created_at"])))
    s.flush()
