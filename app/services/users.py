"""Users, roles, permissions and terminals."""

from __future__ import annotations

import hashlib
import hmac
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Role, Terminal, User
from app.errors import InputError, Msg, NotFound, PermissionDenied
from app.ids import stable_id
from app.services import receipt_keys
from app.messages import catalog

# What each role may do. Permissions are checked by services, not by the UI.
ROLES: dict[str, tuple[str, list[str]]] = {
    "manager": ("主管", ["*"]),
    "finance": ("财务", ["bill_run", "waive", "refund_approve", "day_close", "reports", "import", "tariff",
                        "collect", "exceptions", "readings_review"]),
    # A cashier may start a refund; it goes through only with an approver's password (approve()).
    "cashier": ("收银员", ["pay", "prepay", "deposit", "void", "shift", "receipt", "refund", "deposit_refund"]),
    "reader": ("抄表员", ["readings", "meter_read", "handheld"]),
}


def ensure_roles(s: Session) -> dict[str, Role]:
    existing = {r.code: r for r in s.scalars(select(Role))}
    for code, (name, perms) in ROLES.items():
        if code not in existing:
            # the id from the code: central and every counter agree on it (rows are synced by id)
            existing[code] = Role(id=stable_id("role", code), code=code, name=name, permissions=perms)
            s.add(existing[code])
    s.flush()
    return existing


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, salt_hex, digest_hex = stored.split("$")
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    return hmac.compare_digest(digest.hex(), digest_hex)


def ensure_user(s: Session, username: str, role: str, display_name: str | None = None,
                password: str | None = None) -> User:
    roles = ensure_roles(s)
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(id=stable_id("app_user", username), username=username,  # same id everywhere (synced)
                    display_name=display_name or username, role_id=roles[role].id,
                    password_hash=hash_password(password) if password else None)
        s.add(user)
        s.flush()
    return user


def ensure_first_login(ctx) -> None:  # type: ignore[no-untyped-def]
    """The manager `admin`/`admin` and this counter's terminal, in their own unit of work
    (the GUI's --demo start on an empty database)."""
    with ctx.uow() as s:
        ensure_user(s, "admin", "manager", "管理员", password="admin")
        ensure_terminal(s, ctx.terminal)


def ensure_terminal(s: Session, code: str) -> Terminal:
    t = s.scalar(select(Terminal).where(Terminal.code == code))
    if t is None:
        t = Terminal(code=code, name=f"收银台 {code}", hmac_key=receipt_keys.new_reference(s))  # key: secret store
        s.add(t)
        s.flush()
    return t


def get_user(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise NotFound("users.no_such_user", user=username)
    return user


def permissions_of(s: Session, username: str) -> list[str]:
    user = get_user(s, username)
    role = s.get(Role, user.role_id)
    return list(role.permissions) if role else []


def require(s: Session, username: str, permission: str) -> User:
    """The acting user, if their role allows `permission`; PermissionDenied otherwise."""
    user = get_user(s, username)
    perms = permissions_of(s, username)
    if "*" not in perms and permission not in perms:
        raise PermissionDenied("users.not_allowed", user=username, action=permission_msg(permission),
                               permission=permission)
    return user


def approve(s: Session, approver: str, password: str | None, permission: str = "refund_approve") -> User:
    """A supervisor's approval on the spot (refunds, deposit refunds, late voids, waivers): the
    approver exists, is active, may `permission`, and `password` is theirs. Wrong name and wrong
    password give the same answer (no hint which was wrong)."""
    approver = (approver or "").strip()
    if not approver:
        raise InputError("users.approver_required")
    user = s.scalar(select(User).where(User.username == approver))
    ok = check_password(password or "", user.password_hash if user is not None else _DUMMY_HASH)
    if user is None or not user.active or not ok:
        raise InputError("users.approval_wrong_password", user=approver)
    if not allows(s, approver, permission):
        raise PermissionDenied("users.approver_not_allowed", user=approver, action=permission_msg(permission))
    return user


def permission_msg(permission: str) -> Msg | str:
    """What a permission lets one do, as words (the code itself when the catalogue lacks it)."""
    code = f"perm.{permission}"
    return Msg.of(code) if code in catalog() else permission


def allows(s: Session, username: str, permission: str) -> bool:
    """Whether the user's role allows `permission` (the UI asks before offering an edit)."""
    perms = permissions_of(s, username)
    return "*" in perms or permission in perms


def authenticate(s: Session, username: str, password: str) -> dict:
    """The user (username, display name, role) when the password matches. A wrong name and a
    wrong password raise the same coded error, so the answer gives no hint which was wrong."""
    username = (username or "").strip()
    if not username:
        raise InputError("users.name_required")
    user = s.scalar(select(User).where(User.username == username))
    # Check a password even for an unknown user, so the time taken does not tell them apart.
    ok = check_password(password or "", user.password_hash if user is not None else _DUMMY_HASH)
    if user is None or not user.active or not ok:
        raise InputError("users.wrong_password")
    role = s.get(Role, user.role_id)
    return {"username": user.username, "display_name": user.display_name, "role": role.code if role else None}


_DUMMY_HASH = "scrypt$" + "00" * 16 + "$" + "00" * 64
