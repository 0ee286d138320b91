"""Bill notices (缴费通知单) for a period and arrears notices (催缴通知单), as the plain
documents app/printing renders."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Building, Community, Room
from app.domain.periods import Period
from app.errors import InputError, NotFound
from app.printing.detail_words import describe
from app.printing.pdf_model import ArrearsItem, ArrearsNotice, BillNotice, NoticeLine
from app.services.receivables.bills import room_bills
from app.services.cashier.payments import payer_name


def _rooms(s: Session, building: str | None, community: str | None, room_keys: list[str] | None) -> list[Room]:
    q = select(Room).join(Building, Building.id == Room.building_id).join(Community, Community.id == Room.community_id)
    if community:
        q = q.where(Community.name == community)
    if building:
        q = q.where(Building.name == building)
    if room_keys:
        q = q.where(Room.room_key.in_(room_keys))
    rooms = list(s.scalars(q.order_by(Room.room_key)))
    if not rooms:
        raise NotFound("print.no_rooms", community=community or "*", building=building or "*",
                       rooms=list(room_keys or []))
    return rooms


def bill_notices(s: Session, period_text: str, *, as_of: date, building: str | None = None,
                 community: str | None = None, room_keys: list[str] | None = None) -> list[BillNotice]:
    try:
        period = Period.parse(period_text)
    except ValueError as e:
        raise InputError("input.bad_period", field="--period", value=period_text) from None
    out = []
    names = {c.id: c.name for c in s.scalars(select(Community))}
    for room in _rooms(s, building, community, room_keys):
        b = room_bills(s, room.id, as_of=as_of)
        this = [v for v in b["lines"] if v.period == str(period)]
        if not this:
            continue
        earlier = [v for v in b["lines"] if v.period < str(period)]
        lines = [NoticeLine(v.fee_name, v.period, v.outstanding_fen, describe(v.detail), v.late_fee_fen) for v in this]
        out.append(BillNotice(
            community=names[room.community_id], room_key=room.room_key, owner=payer_name(s, room.id),
            period=str(period), issued_on=as_of, lines=lines, total_fen=sum(x.amount_fen + x.late_fee_fen for x in lines),
            arrears_fen=sum(v.outstanding_fen + v.late_fee_fen for v in earlier), prepaid_fen=b["prepaid_fen"],
            due_date=min(v.due_date for v in this), qr_payload=f"PDR1|{room.id}",
            contact="物业服务中心"))
    return out


def arrears_notices(s: Session, *, as_of: date, building: str | None = None, community: str | None = None,
                    room_keys: list[str] | None = None, min_fen: int = 1) -> list[ArrearsNotice]:
    out = []
    names = {c.id: c.name for c in s.scalars(select(Community))}
    for room in _rooms(s, building, community, room_keys):
        b = room_bills(s, room.id, as_of=as_of)
        items = [ArrearsItem(v.fee_name, v.period, v.outstanding_fen, v.late_fee_fen, v.due_date)
                 for v in b["lines"] if v.outstanding_fen > 0 and v.due_date < as_of]
        total = sum(x.amount_fen + x.late_fee_fen for x in items)
        if total < min_fen:
            continue
        out.append(ArrearsNotice(community=names[room.community_id], room_key=room.room_key,
                                 owner=payer_name(s, room.id), as_of=as_of, items=items, total_fen=total,
                                 contact="物业服务中心", qr_payload=f"PDR1|{room.id}"))
    return out
