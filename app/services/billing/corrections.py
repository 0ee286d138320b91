"""Corrections without editing history (更正).

A corrected reading is a new revision of it; a corrected price is a new tariff version (or
a new revision of the one dated the same day). Then every affected bill line is computed
again exactly as a bill run would, and the difference becomes a new line pointing at the
original:
- the original is unpaid: a 'delta' line merged into it (the resident owes the new amount);
- it was paid and now costs more: a 'delta' line of its own (补缴) to pay;
- it was paid and now costs less: a 'credit' line whose amount goes to the room's prepaid
  balance (Dr income, Cr prepaid).
Each carries who, when and why. A reading of month M is also the starting point of month
M+1, so both months are recomputed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.central.changes import record_change
from app.db.models import BillLine, FeeItem, Meter, MeterReading, TariffVersion
from app.domain.meter_usage import ReadingError, usage_between
from app.domain.periods import Period
from app.domain.tiers import parse_tiers
from app.errors import InputError, NotFound
from app.ids import new_id
from app.money import MoneyError, parse_rate
from app.services import audit, ledger, users
from app.services.billing.bill_run import _Computation, parse_period
from app.services.receivables.bills import paid_by_line
from app.services.receivables.postings import post_bill_lines


def _current_due(s: Session, line: BillLine) -> int:
    merged = s.scalar(select(func.coalesce(func.sum(BillLine.amount_fen), 0)).where(
        BillLine.corrects_id == line.id, BillLine.kind == "delta")) or 0
    credits = s.scalar(select(func.coalesce(func.sum(BillLine.amount_fen), 0)).where(
        BillLine.corrects_id == line.id, BillLine.kind == "credit")) or 0
    return line.amount_fen + int(merged) + int(credits)


def recompute(s: Session, period: Period, *, fee_item_ids: set[str], reason: str, user: str,
              terminal: str | None = None) -> list[dict]:
    """Compute the period's lines of these fee items again and book the differences."""
    comp = _Computation(s, period, None)
    comp.existing = set()
    comp.items = [it for it in comp.items if it.id in fee_item_ids]
    comp.run()
    fresh = {x[0]: x for x in comp.lines}
    originals = s.scalars(select(BillLine).where(BillLine.id.in_(list(fresh)), BillLine.kind == "charge")).all()
    paid = paid_by_line(s, [o.id for o in originals])
    out = []
    for orig in originals:
        new = fresh[orig.id]
        due = _current_due(s, orig)
        delta = new[4] - due
        if delta == 0:
            continue
        is_paid = paid.get(orig.id, 0) > 0
        kind, mode = ("delta", "merged") if not is_paid else (("delta", "supplement") if delta > 0 else ("credit", "credit"))
        qty = None
        if new[5] is not None and orig.quantity is not None:
            qty = Decimal(new[5]) - (orig.quantity + _merged_quantity(s, orig.id))
        lid = new_id()
        s.add(BillLine(id=lid, room_id=orig.room_id, fee_item_id=orig.fee_item_id, period=orig.period, kind=kind,
                       amount_fen=delta, quantity=qty if qty else None,
                       detail={"basis": "correction", "mode": mode, "reason": reason, "was_fen": due,
                               "now_fen": new[4], "recomputed": _json(new[6])},
                       due_date=orig.due_date if mode == "merged" else clock.today(), corrects_id=orig.id,
                       tariff_version_id=new[8], note=reason, created_by=user, created_at=clock.now()))
        s.flush()
        if kind == "credit":
            ledger.post(s, "delta", [(ledger.income_account(orig.fee_item_id), -delta), (ledger.room_account("PRE", orig.room_id), delta)],
                        ref_type="bill_line", ref_id=lid, memo=f"更正退回预存 {reason}", user=user, terminal=terminal)
        else:
            post_bill_lines(s, [(orig.room_id, orig.fee_item_id, delta)], ref_type="bill_line", ref_id=lid,
                            memo=f"更正 {reason}", user=user, terminal=terminal)
        out.append({"line_id": lid, "corrects": orig.id, "room_id": orig.room_id, "period": orig.period,
                    "kind": kind, "mode": mode, "amount_fen": delta, "was_fen": due, "now_fen": new[4]})
    if out:  # counters pull the new lines (central, docs/sync.md)
        record_change(s, None, "correction", {"bill_line_ids": [o["line_id"] for o in out]})
    audit.record(s, "billing.recompute", user=user, terminal=terminal, entity="period", entity_id=str(period),
                 detail={"reason": reason, "deltas": len(out), "fee_items": sorted(fee_item_ids)})
    return out


def _merged_quantity(s: Session, line_id: str) -> Decimal:
    total = Decimal(0)
    for q in s.scalars(select(BillLine.quantity).where(BillLine.corrects_id == line_id, BillLine.quantity.is_not(None))):
        total += q
    return total


def _json(text: str) -> dict:
    import json

    return json.loads(text)


def correct_reading(s: Session, meter_no: str, period_text: str, value: str, reason: str, *, user: str,
                    terminal: str | None = None, rollover: bool = False) -> dict:
    users.require(s, user, "bill_run")
    period = parse_period(period_text)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("billing.correction.reason_required")
    meter = s.scalar(select(Meter).where(Meter.meter_no == meter_no.strip()))
    if meter is None:
        raise NotFound("billing.no_meter", meter=meter_no.strip())
    try:
        new_value = parse_rate(value, what="reading")
    except MoneyError as e:
        raise InputError("billing.bad_reading", value=value, reason=str(e)) from None
    current = s.scalar(select(MeterReading).where(MeterReading.meter_id == meter.id, MeterReading.period == str(period))
                       .order_by(MeterReading.revision.desc()).limit(1))
    if current is None:
        raise NotFound("billing.no_reading_to_correct", meter=meter_no, period=str(period))
    prev = s.scalar(select(MeterReading).where(MeterReading.meter_id == meter.id, MeterReading.period < str(period))
                    .order_by(MeterReading.period.desc(), MeterReading.revision.desc()).limit(1))
    nxt = s.scalar(select(MeterReading).where(MeterReading.meter_id == meter.id, MeterReading.period > str(period))
                   .order_by(MeterReading.period, MeterReading.revision.desc()).limit(1))
    try:
        usage_between(prev.reading if prev else meter.initial, new_value, meter.multiplier, meter.digits, rollover)
        if nxt is not None:
            usage_between(new_value, nxt.reading, meter.multiplier, meter.digits, nxt.rollover)
    except ReadingError as e:
        raise InputError("billing.reading_does_not_fit", value=format(new_value, "f"), reason=str(e)) from None
    s.add(MeterReading(meter_id=meter.id, period=str(period), revision=current.revision + 1, reading=new_value,
                       read_at=current.read_at, reader=current.reader, source="correction", status="valid",
                       rollover=rollover, corrects_id=current.id, reason=reason, created_by=user))
    s.flush()
    items = _items_using_meter(s, meter)
    deltas = []
    for p in (period, period.next()):
        deltas += recompute(s, p, fee_item_ids=items, reason=f"抄表更正 {meter_no} {period}: {reason}", user=user,
                            terminal=terminal)
    return {"meter_no": meter_no, "period": str(period), "reading": format(new_value, "f"),
            "was": format(current.reading, "f"), "deltas": deltas}


def _items_using_meter(s: Session, meter: Meter) -> set[str]:
    items = s.scalars(select(FeeItem).where(FeeItem.community_id == meter.community_id)).all()
    if meter.room_id:
        return {i.id for i in items if i.basis == "usage" and i.meter_kind == meter.kind}
    return {i.id for i in items if i.basis == "apportioned" and (i.apportion or {}).get("meter_no") == meter.meter_no}


def correct_price(s: Session, community: str, fee_code: str, period_text: str, *, reason: str, user: str,
                  unit_price: str | None = None, tiers: list | None = None, terminal: str | None = None) -> dict:
    """The price in force from `period` was wrong: record the right one (from the period's
    first day) and recompute every line of that fee item already billed from then on."""
    from app.db.models import Community

    users.require(s, user, "tariff")
    period = parse_period(period_text)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("billing.correction.reason_required")
    item = s.scalar(select(FeeItem).join(Community, Community.id == FeeItem.community_id)
                    .where(Community.name == community, FeeItem.code == fee_code))
    if item is None:
        raise NotFound("billing.no_fee_item", fee=fee_code, community=community)
    if (unit_price is None) == (tiers is None):
        raise InputError("billing.price_one_of")
    try:
        price = parse_rate(unit_price, what="unit_price") if unit_price is not None else None
        if tiers is not None:
            parse_tiers(tiers)
    except (MoneyError, ValueError) as e:
        raise InputError("billing.bad_price", reason=str(e)) from None
    day: date = period.first_day
    rev = s.scalar(select(func.max(TariffVersion.revision)).where(TariffVersion.fee_item_id == item.id,
                                                                  TariffVersion.effective_from == day))
    s.add(TariffVersion(fee_item_id=item.id, effective_from=day, revision=0 if rev is None else rev + 1,
                        unit_price=price, tiers=tiers, reason=reason, created_by=user))
    s.flush()
    periods = sorted({p for p in s.scalars(select(BillLine.period).where(BillLine.fee_item_id == item.id,
                                                                        BillLine.period >= str(period)).distinct())})
    deltas = []
    for p in periods:
        deltas += recompute(s, Period.parse(p), fee_item_ids={item.id}, reason=f"价格更正 {fee_code}: {reason}",
                            user=user, terminal=terminal)
    return {"fee_code": fee_code, "from": str(period), "periods": periods, "deltas": deltas}
