"""First run of a counter (ui/wizard): is this database new, and set it up in one go.

A database needs setting up when it has neither a user nor a terminal: a fresh install that
never ran `propdesk init`. Every existing install, `init`, `init --demo` and `gui --demo` have
both, so the wizard never shows for them. Joining central fills users and terminals from the
snapshot, so a joined counter is set up too (its users are central's).

Standalone: the first manager `admin` with the password typed in the wizard (never the default
`admin`), this counter's terminal and its printer/serial-port settings, in one transaction —
half a setup cannot happen. Joined: the snapshot brought the users; only the terminal and the
devices are stored here. Plain dicts out; no Qt.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.config import check_terminal_code
from app.db.models import Terminal, User
from app.errors import Conflict, InputError
from app.services import audit, users
from app.services.terminal_settings import validate_printer

MIN_PASSWORD = 6


def needs_setup(s: Session) -> bool:
    return not s.scalar(select(exists().where(User.id.isnot(None)))) and \
        not s.scalar(select(exists().where(Terminal.id.isnot(None))))


def check_password(password: str, again: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InputError("setup.password_short", min=MIN_PASSWORD)
    if password.strip().lower() == "admin":
        raise InputError("setup.password_default")
    if password != again:
        raise InputError("setup.password_mismatch")
    return password


def _store_devices(s: Session, terminal_code: str, printer: dict | None, user: str) -> Terminal:
    terminal = users.ensure_terminal(s, terminal_code)
    if printer is not None:
        terminal.printer = validate_printer(printer)
        audit.record(s, "terminal.printer", user=user, terminal=terminal_code, entity="terminal",
                     entity_id=terminal.id, detail=terminal.printer)
    return terminal


def set_up_standalone(s: Session, terminal_code: str, password: str, printer: dict | None = None) -> dict:
    """The first manager `admin` with `password`, this terminal and its devices."""
    check_terminal_code(terminal_code)
    if not needs_setup(s):
        raise Conflict("setup.already_done")
    check_password(password, password)
    # the role that may manage users and settings: `admin` where the role matrix has one
    role = "admin" if "admin" in users.ROLES else "manager"
    admin = users.ensure_user(s, "admin", role, "管理员", password=password)
    terminal = _store_devices(s, terminal_code, printer, "admin")
    audit.record(s, "setup.standalone", user="admin", terminal=terminal_code, entity="terminal",
                 entity_id=terminal.id, detail={"admin": admin.username})
    return {"mode": "standalone", "terminal": terminal_code, "admin": admin.username}


def set_up_joined(s: Session, terminal_code: str, printer: dict | None = None) -> dict:
    """After `sync join`: this terminal and its devices (users came from central)."""
    check_terminal_code(terminal_code)
    if not s.scalar(select(exists().where(User.id.isnot(None)))):
        raise InputError("setup.not_joined")
    terminal = _store_devices(s, terminal_code, printer, "setup")
    audit.record(s, "setup.joined", user=None, terminal=terminal_code, entity="terminal", entity_id=terminal.id)
    return {"mode": "joined", "terminal": terminal_code}
