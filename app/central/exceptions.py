"""Business exceptions for the manager (`exceptions list`, `exceptions resolve`): double
payments turned into credit, late events into closed days, sync conflicts, rejected events.
The room and amount are read from the case's detail (`room` or `room_key`, `amount_fen`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import ExceptionCase, Room
from app.errors import InputError, Msg, NotFound
from app.messages import catalog
from app.services import users


def _room_key(s: Session, detail: dict[str, Any]) -> str | None:
    room = detail.get("room") or detail.get("room_key")
    if room:
        return str(room)
    rid = detail.get("room_id")
    if rid:
        r = s.get(Room, rid)
        return r.room_key if r else str(rid)
    return None


def case_doc(s: Session, e: ExceptionCase) -> dict[str, Any]:
    detail = e.detail or {}
    amount = detail.get("amount_fen")
    return {"id": e.id, "kind": e.kind, "room": _room_key(s, detail),
            "amount_fen": amount if isinstance(amount, int) and not isinstance(amount, bool) else None,
            "detail": detail, "status": "resolved" if e.resolved_at else "open",
            "ref_type": e.ref_type, "ref_id": e.ref_id, "created_at": e.created_at.isoformat(),
            "resolved_by": e.resolved_by, "resolution": e.resolution}


def kind_label(kind: str) -> Msg | str:
    """The kind in words (`exceptions.kind.<kind>`), or the code itself for a kind the
    catalogue does not know yet (a newer counter's)."""
    code = f"exceptions.kind.{kind}"
    return Msg.of(code) if code in catalog() else kind


def summary(doc: dict[str, Any]) -> Msg | str:
    """One line on what happened, from the case's detail: the refused event's reason, the
    receipt and terminal of a double or late payment…"""
    d = doc.get("detail") or {}
    reason = d.get("reason")
    if isinstance(reason, dict) and reason.get("code") in catalog():
        return Msg.of(reason["code"], **(reason.get("params") or {}))
    if isinstance(reason, str) and d.get("reason_en") is None and f"exceptions.late.{reason}" in catalog():
        return Msg.of(f"exceptions.late.{reason}", receipt=d.get("receipt_no") or "", terminal=d.get("terminal") or "")
    if isinstance(reason, str):
        return reason
    parts = [str(d[k]) for k in ("receipt_no", "terminal", "event_type", "device_seq") if d.get(k) not in (None, "")]
    return " · ".join(parts)


def list_cases(s: Session, *, open_only: bool = False) -> list[dict[str, Any]]:
    q = select(ExceptionCase).order_by(ExceptionCase.created_at, ExceptionCase.id)
    if open_only:
        q = q.where(ExceptionCase.resolved_at.is_(None))
    return [case_doc(s, e) for e in s.scalars(q)]


def resolve_case(s: Session, case_id: str, note: str, user: str) -> dict[str, Any]:
    """Mark one case handled (manager). Resolving it again is refused, never overwritten."""
    users.require(s, user, "exceptions")
    note = (note or "").strip()
    if not note:
        raise InputError("sync.note_required")
    e = s.get(ExceptionCase, case_id.strip())
    if e is None:
        raise NotFound("sync.unknown_exception", id=case_id)
    if e.resolved_at is not None:
        raise InputError("sync.exception_already_resolved", id=e.id, by=e.resolved_by or "")
    e.resolved_by = user
    e.resolution = note
    e.resolved_at = utcnow()
    return {"id": e.id, "status": "resolved"}
