"""What the reports share: the community filter and the payments that count."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Community, Payment, Room
from app.errors import NotFound
from app.services.reports.model import Params
from app.services.voided import voided_payment_ids


def community_id(s: Session, p: Params) -> str | None:
    if not p.community:
        return None
    cid = s.scalar(select(Community.id).where(Community.name == p.community))
    if cid is None:
        raise NotFound("reports.no_community", community=p.community,
                       known=list(s.scalars(select(Community.name).order_by(Community.name))))
    return cid


def counted_payments(s: Session, p: Params, *cols):  # type: ignore[no-untyped-def]
    """select(*cols) over the payments of the range's business days that count: not voided,
    in the community when one is given. Refunds (kind 'refund', negative tenders and
    allocations) count like any payment, so they come out as negatives."""
    q = (select(*cols).select_from(Payment)
         .where(Payment.business_day >= p.start, Payment.business_day <= p.end,
                Payment.id.not_in(voided_payment_ids())))
    cid = community_id(s, p)
    if cid is not None:
        q = q.where(Payment.room_id.in_(select(Room.id).where(Room.community_id == cid)))
    return q


def community_names(s: Session) -> list[str]:
    """The communities a report can be limited to (the GUI's choice)."""
    return list(s.scalars(select(Community.name).order_by(Community.name)))
