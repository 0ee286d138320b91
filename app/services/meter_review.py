"""Review of flagged readings (抄表审核) and meter swaps (换表).

A flagged reading waits: the bill run does not bill it (it reports it). A manager or finance
(permission `readings_review`) accepts it — a new revision, status valid, with the reason —
or rejects it — a new revision, status rejected: the room's meter must be read again (a
re-read of a rejected reading is taken by the intake as the next revision). Nothing is
edited; every decision is a reading of its own and an outbox event.

A swap records the old meter's final reading (source `swap`) in the swap date's period, retires
the old meter and creates the new one with its initial reading and `replaces_id`: the
period's usage is then old final − last + current − new initial, which the bill run's per
meter sums give without knowing about swaps.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Community, Meter, MeterReading, Room
from app.domain.periods import Period
from app.domain.reading_checks import register_span
from app.errors import InputError, Msg, NotFound
from app.messages import render
from app.services import audit, users
from app.services.meter_intake import contexts, latest_before, parse_period, verdict_for


def _meter(s: Session, meter_no: str) -> Meter:
    m = s.scalar(select(Meter).where(Meter.meter_no == (meter_no or "").strip()))
    if m is None:
        raise NotFound("meters.unknown_meter", meter=meter_no)
    return m


def _period(text: str) -> Period:
    p = parse_period(text) if isinstance(text, str) else None
    if p is None:
        raise InputError("meters.bad_period", value=text)
    return p


def _in_force(s: Session, meter_id: str, period: str) -> MeterReading | None:
    return s.scalar(select(MeterReading).where(MeterReading.meter_id == meter_id, MeterReading.period == period)
                    .order_by(MeterReading.revision.desc()).limit(1))


def _reason_text(code: str | None, params: dict, lang: str) -> str:
    if not code:
        return ""
    try:
        return render(Msg(code, params), lang)
    except (KeyError, IndexError, ValueError):
        return code


def flagged(s: Session, *, user: str, community: str | None = None, period: str | None = None) -> list[dict]:
    """Readings in force whose status is flagged: meter_no, room, kind, period, reading, previous,
    usage, reason (code), reason_text (zh), reason_en, read_at, source. Oldest period first."""
    # Readers see what they flagged; managers and finance review it.
    if not users.allows(s, user, "readings_review"):
        users.require(s, user, "readings")
    q = (select(MeterReading, Meter).join(Meter, Meter.id == MeterReading.meter_id)
         .where(MeterReading.status == "flagged"))
    if community:
        cid = s.scalar(select(Community.id).where((Community.name == community) | (Community.code == community)))
        if cid is None:
            raise InputError("meters.unknown_community", name=community)
        q = q.where(Meter.community_id == cid)
    if period:
        q = q.where(MeterReading.period == str(_period(period)))
    out = []
    for r, m in s.execute(q.order_by(MeterReading.period, Meter.meter_no)):
        top = _in_force(s, m.id, r.period)
        if top is None or top.id != r.id:
            continue  # decided (accepted, rejected) or re-read since
        ctx = contexts(s, [m], Period.parse(r.period))[m.id]
        v = verdict_for(ctx, r.reading)
        room = s.scalar(select(Room.room_key).where(Room.id == m.room_id)) if m.room_id else None
        code = r.reason or v.reason
        params = v.params if v.reason == code else {"meter": m.meter_no}
        out.append({"meter_no": m.meter_no, "room": room, "kind": m.kind, "period": r.period,
                    "reading": format(r.reading, "f"), "previous": format(ctx.previous, "f"),
                    "usage": None if v.usage is None else format(v.usage, "f"), "reason": code,
                    "reason_text": _reason_text(code, params, "zh"), "reason_en": _reason_text(code, params, "en"),
                    "read_at": r.read_at.isoformat() if r.read_at else None, "source": r.source})
    return out


def history(s: Session, meter_no: str, *, upto: str | None = None, months: int = 12) -> list[dict]:
    """The meter's monthly usage for the `months` periods up to `upto` (default: the latest
    reading's period): [{period, reading, usage, status}], usage None where unknown. Follows a
    swap back to the replaced meter, so the sparkline of a new meter still shows the room."""
    m = _meter(s, meter_no)
    chain = [m]
    while chain[-1].replaces_id and len(chain) < 5:
        old = s.get(Meter, chain[-1].replaces_id)
        if old is None:
            break
        chain.append(old)
    rows = list(s.execute(select(MeterReading.meter_id, MeterReading.period, MeterReading.revision,
                                 MeterReading.reading, MeterReading.status)
                          .where(MeterReading.meter_id.in_([x.id for x in chain]))
                          .order_by(MeterReading.period, MeterReading.revision)))
    if not rows:
        return []
    last = str(_period(upto)) if upto else max(r[1] for r in rows)
    periods = [last]
    for _ in range(months):  # one more than shown: the first shown month needs its previous reading
        periods.insert(0, str(Period.parse(periods[0]).prev()))
    per_meter: dict[str, dict[str, tuple[Decimal, str]]] = {}
    for mid, p, _rev, reading, status in rows:
        per_meter.setdefault(mid, {})[p] = (reading, status)
    out = []
    for i, p in enumerate(periods):
        cur = next(((mid, v) for mid in (x.id for x in chain) if (v := per_meter.get(mid, {}).get(p))), None)
        if i == 0:
            continue
        usage = None
        if cur is not None and cur[1][1] != "rejected":
            mid, (reading, _st) = cur
            prev = per_meter.get(mid, {}).get(periods[i - 1])
            meter = next(x for x in chain if x.id == mid)
            base = prev[0] if prev and prev[1] != "rejected" else (meter.initial if meter.replaces_id and not prev
                                                                    else None)
            if base is not None:
                usage = reading - base if reading >= base else register_span(meter.digits) - base + reading
        out.append({"period": p, "reading": format(cur[1][0], "f") if cur else None,
                    "usage": None if usage is None else format(usage, "f"), "status": cur[1][1] if cur else None})
    return out


def decide(s: Session, *, user: str, terminal: str, meter_no: str, period: str, accept: bool,
           reason: str) -> dict:
    """Accept or reject the flagged reading of (meter, period)."""
    from app.sync_events import emit_event  # late: the registry imports the services

    users.require(s, user, "readings_review")
    reason = (reason or "").strip()
    if not reason:
        raise InputError("meters.reason_required")
    m = _meter(s, meter_no)
    p = str(_period(period))
    cur = _in_force(s, m.id, p)
    if cur is None:
        raise NotFound("meters.no_reading", meter=m.meter_no, period=p)
    if cur.status != "flagged":
        raise InputError("meters.not_flagged", meter=m.meter_no, period=p)
    prev = latest_before(s, [m.id], p).get(m.id)
    previous = prev.reading if prev else m.initial
    rollover = accept and cur.reading < previous
    row = MeterReading(meter_id=m.id, period=p, revision=cur.revision + 1, reading=cur.reading, read_at=cur.read_at,
                       reader=cur.reader, source="review", status="valid" if accept else "rejected",
                       rollover=rollover, corrects_id=cur.id, reason=reason[:200], created_by=user)
    s.add(row)
    s.flush()
    emit_event(s, "meter_reading", row.id)
    audit.record(s, "reading_accept" if accept else "reading_reject", user=user, terminal=terminal,
                 entity="meter_reading", entity_id=row.id,
                 detail={"meter_no": m.meter_no, "period": p, "reading": format(cur.reading, "f"), "reason": reason,
                         "flag": cur.reason})
    return {"meter_no": m.meter_no, "period": p, "reading": format(cur.reading, "f"),
            "status": row.status, "rollover": rollover, "reason": reason}


def _value(text: object, what: str) -> Decimal:
    try:
        v = text if isinstance(text, Decimal) else Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        raise InputError("meters.bad_value", field=Msg.of(what), value=str(text)) from None
    if not v.is_finite() or v < 0 or v.as_tuple().exponent < -4:  # type: ignore[operator]
        raise InputError("meters.bad_value", field=Msg.of(what), value=str(text))
    return v


def swap(s: Session, *, user: str, terminal: str, meter_no: str, day: date, old_final: object, new_meter_no: str,
         new_initial: object, digits: int | None = None) -> dict:
    """Replace `meter_no` by `new_meter_no` on `day`; see the module doc."""
    from app.sync_events import emit_event

    users.require(s, user, "readings")
    old = _meter(s, meter_no)
    if not old.active:
        raise InputError("meters.meter_inactive", meter=old.meter_no)
    new_no = (new_meter_no or "").strip()
    if not new_no:
        raise InputError("input.required", field=Msg.of("meters.field_new_meter"))
    if new_no == old.meter_no:
        raise InputError("meters.swap_same_meter")
    if s.scalar(select(Meter.id).where(Meter.meter_no == new_no)):
        raise InputError("meters.swap_new_exists", meter=new_no)
    if digits is not None and (isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 12):
        raise InputError("meters.swap_bad_digits", value=digits)
    final = _value(old_final, "meters.field_old_final")
    initial = _value(new_initial, "meters.field_new_initial")
    new_digits = digits or old.digits
    if final >= register_span(old.digits):
        raise InputError("meters.reading_too_big", meter=old.meter_no, reading=format(final, "f"), digits=old.digits)
    if initial >= register_span(new_digits):
        raise InputError("meters.reading_too_big", meter=new_no, reading=format(initial, "f"), digits=new_digits)
    p = str(Period.of(day))
    last = latest_before(s, [old.id], p).get(old.id)
    last_value = last.reading if last else old.initial
    if final < last_value:
        raise InputError("meters.swap_final_lower", final=format(final, "f"), last=format(last_value, "f"),
                         period=last.period if last else "-")
    cur = _in_force(s, old.id, p)
    if cur is not None and cur.reading != final:
        raise InputError("meters.reading_differs", meter=old.meter_no, period=p, stored=format(cur.reading, "f"),
                         reading=format(final, "f"))
    if cur is None:
        row = MeterReading(meter_id=old.id, period=p, revision=0, reading=final, read_at=day, reader=user,
                           source="swap", status="valid", rollover=False, reason=f"swap → {new_no}"[:200],
                           created_by=user)
        s.add(row)
        s.flush()
        emit_event(s, "meter_reading", row.id)
    old.active = False
    new = Meter(meter_no=new_no, community_id=old.community_id, room_id=old.room_id, kind=old.kind,
                multiplier=old.multiplier, digits=new_digits, initial=initial, installed_on=day,
                replaces_id=old.id, active=True, address=None, protocol=old.protocol)
    s.add(new)
    s.flush()
    audit.record(s, "meter_swap", user=user, terminal=terminal, entity="meter", entity_id=new.id,
                 detail={"meter": old.meter_no, "new_meter": new_no, "date": day.isoformat(),
                         "old_final": format(final, "f"), "new_initial": format(initial, "f")})
    return {"meter": old.meter_no, "new_meter": new_no, "date": day.isoformat(), "period": p,
            "old_final": format(final, "f"), "new_initial": format(initial, "f"), "digits": new_digits,
            "today": clock.today().isoformat()}
