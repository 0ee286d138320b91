"""Who may give money back: the acting user may start a refund (`refund`, or `deposit_refund`
for deposits) and a manager approves it. A manager or finance user acting alone names
herself (her sign-in is the approval, no second password); a cashier names a manager whose
password is checked on the spot (app.services.users.approve)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import InputError, PermissionDenied
from app.services import users

APPROVE = "refund_approve"


def may_start(s: Session, user: str, permission: str = "refund") -> None:
    """PermissionDenied unless the acting user may start this (asked before anyone is asked
    for an approver's password)."""
    if not (users.allows(s, user, permission) or users.allows(s, user, APPROVE)):
        users.require(s, user, permission)  # raises the coded "not allowed"


def check(s: Session, user: str, approver: str | None, password: str | None, permission: str = "refund") -> str:
    """The approver's username, once the acting user may `permission` and the approval holds.
    Raises PermissionDenied / InputError (wrong password) and changes nothing."""
    may_start(s, user, permission)
    approver = (approver or "").strip()
    if not approver:
        raise InputError("refund.approver_required")
    if approver == user:
        if not users.allows(s, user, APPROVE):
            raise PermissionDenied("refund.self_approval_not_allowed", user=user)
        return user
    users.approve(s, approver, password, APPROVE)
    return approver
