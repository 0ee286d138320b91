"""A supervisor's approval on the spot (docs/permissions.md, "Approval on the spot"): the
acting user lacks a right for this one action, a supervisor who has it types their name and
password. Both names are recorded by the caller (on the fact and in its audit event)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Community, Room
from app.errors import InputError
from app.services import users

# How long after a payment its cashier may void it alone (minutes). A community may set its own
# (Community.options["void_window_minutes"]); later a void needs `void_late` or an approval.
VOID_WINDOW_MINUTES = 10


def approve_for(s: Session, acting: str, approver: str | None, password: str | None, permission: str) -> str:
    """The approver's user name once they approved `permission` for `acting`; InputError /
    PermissionDenied otherwise (wrong password, not allowed, no approver, oneself)."""
    if not (approver or "").strip():
        raise InputError("security.approval_needed", action=users.permission_msg(permission))
    if approver.strip() == acting:
        raise InputError("security.approver_self")
    return users.approve(s, approver, password, permission).username


def void_window(s: Session, room_id: str | None) -> timedelta:
    minutes = VOID_WINDOW_MINUTES
    if room_id is not None:
        opts = s.scalar(select(Community.options).join(Room, Room.community_id == Community.id)
                        .where(Room.id == room_id)) or {}
        value = opts.get("void_window_minutes") if isinstance(opts, dict) else None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 24 * 60:
            minutes = value
    return timedelta(minutes=minutes)


def is_late(s: Session, room_id: str | None, paid_at) -> bool:  # type: ignore[no-untyped-def]
    return paid_at is not None and clock.now() - paid_at > void_window(s, room_id)
