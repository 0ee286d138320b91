"""Users, roles, permissions and terminals."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Role, Terminal, User
from app.errors import InputError, Msg, NotFound, PermissionDenied
from app.ids import stable_id
from app.messages import catalog
from app.services import passwords, receipt_keys

# Every permission a service checks (docs/permissions.md has the matrix and what each covers).
PERMISSIONS: tuple[str, ...] = (
    "pay", "prepay", "deposit", "void", "void_late", "void_others", "shift", "receipt", "bill_run", "waive", "refund",
    "refund_approve", "deposit_refund", "day_close", "reports", "import", "tariff", "collect", "exceptions",
    "readings", "readings_review", "meter_read", "handheld", "settings", "terminals", "users", "user_reset",
)
# Only the admin role: who may sign in and with which rights, which counters exist, this
# counter's settings (printer, gateways, sync link).
_ADMIN_ONLY = ("settings", "terminals", "users")

# What each role may do. Permissions are checked by services, not by the UI. The ids come from
# the codes (stable_id), so central and every counter agree on them; central owns users and roles.
ROLES: dict[str, tuple[str, list[str]]] = {
    "admin": ("系统管理员", ["*"]),
    "manager": ("主管", [p for p in PERMISSIONS if p not in _ADMIN_ONLY]),
    "finance": ("财务", ["bill_run", "waive", "refund_approve", "day_close", "reports", "import", "tariff",
                        "collect", "exceptions", "readings_review", "receipt"]),
    # A cashier may start a refund; it goes through only with an approver's password (approve()).
    "cashier": ("收银员", ["pay", "prepay", "deposit", "void", "shift", "receipt", "refund", "deposit_refund"]),
    "reader": ("抄表员", ["readings", "meter_read", "handheld"]),
}

# A manager may unlock and reset the passwords of these roles only (not of another manager or
# an admin: that would let a manager become them).
RESETTABLE_BY_MANAGER = ("cashier", "reader", "finance")

MAX_FAILED_SIGN_INS = 5
MIN_PASSWORD_LENGTH = 4


def ensure_roles(s: Session) -> dict[str, Role]:
    """The roles of ROLES, created when missing and their permissions brought up to date (the
    matrix is code: an upgraded counter gets the new rights of its roles)."""
    existing = {r.code: r for r in s.scalars(select(Role))}
    for code, (name, perms) in ROLES.items():
        if code not in existing:
            # the id from the code: central and every counter agree on it (rows are synced by id)
            existing[code] = Role(id=stable_id("role", code), code=code, name=name, permissions=perms)
            s.add(existing[code])
        elif list(existing[code].permissions or []) != perms or existing[code].name != name:
            existing[code].permissions = list(perms)
            existing[code].name = name
    s.flush()
    return existing


hash_password = passwords.hash_password
check_password = passwords.check_password


def ensure_user(s: Session, username: str, role: str, display_name: str | None = None,
                password: str | None = None, *, must_change: bool = False) -> User:
    roles = ensure_roles(s)
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(id=stable_id("app_user", username), username=username,  # same id everywhere (synced)
                    display_name=display_name or username, role_id=roles[role].id,
                    password_hash=hash_password(password) if password else None,
                    must_change_password=must_change)
        s.add(user)
        s.flush()
    return user


def promote_builtin_admin(s: Session) -> None:
    """A database from before the admin role: its built-in `admin` (a manager then) becomes an
    admin, so someone can still manage users, counters and settings after the upgrade."""
    roles = ensure_roles(s)
    admin = s.scalar(select(User).where(User.username == "admin"))
    has_admin = s.scalar(select(User.id).where(User.role_id == roles["admin"].id).limit(1))
    if admin is not None and not has_admin and admin.role_id == roles["manager"].id:
        admin.role_id = roles["admin"].id


def ensure_first_login(ctx) -> None:  # type: ignore[no-untyped-def]
    """The manager `admin`/`admin` and this counter's terminal, in their own unit of work
    (the GUI's --demo start on an empty database)."""
    with ctx.uow() as s:
        ensure_user(s, "admin", "admin", "管理员", password="admin")
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
    password give the same answer (no hint which was wrong); a wrong password counts towards the
    approver's lockout like any sign-in (it is a guess at their password)."""
    approver = (approver or "").strip()
    if not approver:
        raise InputError("users.approver_required")
    user = s.scalar(select(User).where(User.username == approver))
    ok = check_password(password or "", user.password_hash if user is not None else _DUMMY_HASH)
    if user is not None and user.locked_at is not None:
        raise InputError("security.locked", user=approver)
    if user is None or not user.active or not ok:
        if user is not None and user.active:
            # Counted but not committed here: the approval runs inside the action's unit of work,
            # whose other writes must not be committed by a refusal.
            _count_failure(s, user, commit=False)
        raise InputError("users.approval_wrong_password", user=approver)
    if not allows(s, approver, permission):
        raise PermissionDenied("users.approver_not_allowed", user=approver, action=permission_msg(permission))
    _count_success(user, password or "")
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
    """The user (username, display name, role, must_change) when the password matches. A wrong
    name and a wrong password raise the same coded error, so the answer gives no hint which was
    wrong. Five wrong passwords in a row lock the user until a manager unlocks them (the count
    is committed even though the sign-in is refused: it must survive the refusal)."""
    username = (username or "").strip()
    if not username:
        raise InputError("users.name_required")
    user = s.scalar(select(User).where(User.username == username))
    # Check a password even for an unknown user, so the time taken does not tell them apart.
    ok = check_password(password or "", user.password_hash if user is not None else _DUMMY_HASH)
    if user is not None and user.active and user.locked_at is not None:
        raise InputError("security.locked", user=username)
    if user is None or not user.active or not ok:
        if user is not None and user.active:
            _count_failure(s, user)
        raise InputError("users.wrong_password")
    _count_success(user, password)
    role = s.get(Role, user.role_id)
    return {"username": user.username, "display_name": user.display_name, "role": role.code if role else None,
            "must_change_password": bool(user.must_change_password)}


def _count_failure(s: Session, user: User, *, commit: bool = True) -> None:
    """One more wrong password; the fifth locks. Committed now (a sign-in's unit of work holds
    nothing else): the caller raises next, and the unit of work would roll the count back."""
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    locked = user.failed_sign_ins >= MAX_FAILED_SIGN_INS
    if locked and user.locked_at is None:
        user.locked_at = clock.now()
    from app.services import audit

    audit.record(s, "user.locked" if locked else "user.sign_in_failed", user=user.username, entity="app_user",
                 entity_id=user.id, detail={"failed": user.failed_sign_ins})
    if commit:
        s.commit()
    if locked and commit:
        raise InputError("security.locked_now", user=user.username, failures=MAX_FAILED_SIGN_INS)


def _count_success(user: User, password: str) -> None:
    """A right password: the count starts again, and a hash made with older parameters (scrypt,
    or weaker argon2) is replaced by one made with today's."""
    if user.failed_sign_ins:
        user.failed_sign_ins = 0
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)


def check_new_password(username: str, new: str, old: str | None = None) -> str:
    """A password someone chose: long enough, not the user name, not the old one."""
    if not isinstance(new, str) or len(new) < MIN_PASSWORD_LENGTH:
        raise InputError("security.password_too_short", min=MIN_PASSWORD_LENGTH)
    if new.strip() != new or any(ord(c) < 32 for c in new):
        raise InputError("security.password_bad_chars")
    if old is not None and new == old:
        raise InputError("security.password_same")
    return new


def set_password(s: Session, actor: str, username: str, new: str, *, old: str | None = None) -> dict:
    """Change a password. Oneself: `old` must be one's password (checked like a sign-in). Someone
    else's: a reset, by an admin (anyone) or a manager (cashiers, readers, finance only); the
    user must change it at their next sign-in, and a reset also unlocks."""
    target = get_user(s, username)
    if actor == username:
        if old is None or not check_password(old, target.password_hash):
            raise InputError("users.wrong_password")
        check_new_password(username, new, old)
        target.must_change_password = False
        what = "user.password_changed"
    else:
        _require_over(s, actor, target)
        check_new_password(username, new)
        target.must_change_password = True
        target.failed_sign_ins = 0
        target.locked_at = None
        what = "user.password_reset"
    target.password_hash = hash_password(new)
    target.password_changed_at = clock.now()
    from app.services import audit

    audit.record(s, what, user=actor, entity="app_user", entity_id=target.id, detail={"target": username})
    return {"user": username, "must_change_password": bool(target.must_change_password)}


def unlock(s: Session, actor: str, username: str) -> dict:
    """A manager (or admin) lets a locked user sign in again."""
    target = get_user(s, username)
    _require_over(s, actor, target)
    was = target.locked_at is not None
    target.locked_at = None
    target.failed_sign_ins = 0
    from app.services import audit

    audit.record(s, "user.unlocked", user=actor, entity="app_user", entity_id=target.id,
                 detail={"target": username, "was_locked": was})
    return {"user": username, "locked": False, "was_locked": was}


def _require_over(s: Session, actor: str, target: User) -> None:
    """`actor` may reset or unlock `target`: an admin anyone; a manager (user_reset) only the
    roles in RESETTABLE_BY_MANAGER."""
    if allows(s, actor, "users"):
        return
    require(s, actor, "user_reset")
    role = s.get(Role, target.role_id)
    if role is None or role.code not in RESETTABLE_BY_MANAGER:
        raise PermissionDenied("security.not_over", user=actor, target=target.username)


def add_user(s: Session, actor: str, username: str, role: str, password: str,
             display_name: str | None = None) -> dict:
    """A new user (admin only). They must change the password at their first sign-in."""
    require(s, actor, "users")
    username = (username or "").strip()
    if not username or len(username) > 40 or any(c.isspace() or ord(c) < 32 for c in username):
        raise InputError("security.bad_username", value=username[:40])
    if role not in ROLES:
        raise InputError("security.bad_role", value=role, roles=Msg.of("security.role_list", roles=", ".join(ROLES)))
    if s.scalar(select(User).where(User.username == username)) is not None:
        raise InputError("security.user_exists", user=username)
    check_new_password(username, password)
    user = ensure_user(s, username, role, display_name or username, password=password, must_change=True)
    from app.services import audit

    audit.record(s, "user.added", user=actor, entity="app_user", entity_id=user.id,
                 detail={"target": username, "role": role})
    return {"user": username, "role": role}


def list_users(s: Session) -> list[dict]:
    roles = {r.id: r.code for r in s.scalars(select(Role))}
    return [{"username": u.username, "display_name": u.display_name, "role": roles.get(u.role_id),
             "active": bool(u.active), "locked": u.locked_at is not None,
             "must_change_password": bool(u.must_change_password)}
            for u in s.scalars(select(User).order_by(User.username))]


_DUMMY_HASH = passwords.DUMMY_HASH
