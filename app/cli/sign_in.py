"""The CLI's sign-in gate: the one place that decides whether a command needs the acting user's
password and checks it (docs/permissions.md, "Signing in on the command line").

Every command changes data unless it is listed in OPEN. A data-changing command needs the
acting user's password, from (first that is there):
  1. `--password-stdin` (global, before the command): the first line of standard input;
  2. the environment variable PROPDESK_PASSWORD;
  3. a `propdesk login` session for this database, counter and user (see Session below);
  4. a prompt, when standard input is a terminal.
Otherwise exit 2 with `security.password_required`, nothing changed. A wrong password is exit 2
(`users.wrong_password`), counted; five in a row lock the user (`user unlock NAME`).

The services still take a user name and check permissions (users.require): the gate proves
who is acting; the services decide what that user may do.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import hashlib
import hmac
import json
import math
import os
import secrets
import sys
import time
from pathlib import Path

from app.config import APP_NAME, Settings
from app.errors import InputError

# Commands (or command + action) that only read: open without a password on the counter PC.
# None: every action of the command. Anything not here needs the password (default closed, so a
# command added later is protected until someone decides otherwise here and in docs/permissions.md).
OPEN: dict[str, frozenset[str] | None] = {
    "bills": None,
    "ledger": None,            # ledger check
    "receipt": None,           # render a receipt to a file (reprinting on the printer is `reprint`)
    "verify": None,            # is a scanned receipt genuine
    "print-notices": None,     # notices as a PDF file
    "print-arrears": None,
    "printer-test": None,      # a test page: paper only, no record
    "display": None,           # the customer pole display: no record
    "gui": None,               # the window has its own sign-in (ui/dialogs/login.py)
    "central": None,           # central serve: terminals authenticate with their tokens
    "terminal": frozenset({"list"}),
    "sync": frozenset({"status", "run"}),  # run moves facts already recorded; the terminal token is its authority
    "exceptions": frozenset({"list"}),
    "gateway": frozenset({"show", "orders"}),
    "print-queue": frozenset({"list"}),
    "user": frozenset({"list"}),
    "report": None,
    "readings": frozenset({"review"}),
    "audit": frozenset({"verify", "trail"}),
    "logout": None,
    "meter": frozenset({"read"}),        # reads one meter's register and prints it: no record
    "handheld": frozenset({"simulate"}),  # the handheld's end of the line (tests, demo): no database
    "refund-orders": None,               # lists gateway refund orders
    "day": frozenset({"list"}),          # closed days
    "deposit": frozenset({"list"}),      # a room's deposits and their life
}

SESSION_IDLE_MINUTES = 15    # PROPDESK_SESSION_MINUTES overrides
SESSION_MAX_HOURS = 12       # a session ends after this however busy (a shift's length)


def is_open(command: str, action: str | None) -> bool:
    if command not in OPEN:
        return False
    actions = OPEN[command]
    return actions is None or action in actions


# ---------------------------------------------------------------------------- the password

_stdin_lines: list[str] | None = None


def _stdin() -> list[str]:
    """Standard input's lines, read once (the acting user's password is the first; `user add`
    and `user passwd` take the new password from the next)."""
    global _stdin_lines
    if _stdin_lines is None:
        _stdin_lines = [ln.rstrip("\r\n") for ln in sys.stdin.read().splitlines()]
    return _stdin_lines


def reset_stdin() -> None:
    """Forget what was read (each in-process `main()` call reads its own standard input)."""
    global _stdin_lines
    _stdin_lines = None


def given_password(args: argparse.Namespace) -> str | None:
    """The acting user's password from --password-stdin or PROPDESK_PASSWORD; None if neither."""
    if getattr(args, "password_stdin", False):
        lines = _stdin()
        if not lines or not lines[0]:
            raise InputError("security.stdin_empty")
        return lines[0]
    pw = os.environ.get("PROPDESK_PASSWORD")
    return pw if pw else None


def next_stdin_password(args: argparse.Namespace) -> str | None:
    """A second password (a new one) from the second line of standard input, with --password-stdin."""
    if getattr(args, "password_stdin", False):
        lines = _stdin()
        return lines[1] if len(lines) > 1 and lines[1] else None
    return None


def prompt(text: str) -> str | None:
    """A password typed at a terminal (not echoed); None when standard input is not a terminal."""
    try:
        if not sys.stdin or not sys.stdin.isatty():
            return None
    except (ValueError, OSError, AttributeError):
        return None
    try:
        return getpass.getpass(text) or None
    except (EOFError, KeyboardInterrupt):
        return None


def approver_password(approver: str, settings: Settings | None = None) -> str | None:
    """A supervisor's password for an on-the-spot approval: PROPDESK_APPROVER_PASSWORD or a prompt.
    With `settings`, it is checked first like a sign-in in its own unit of work, so a wrong one
    counts towards the approver's lockout (inside the action's unit of work the count would be
    rolled back with the action); the service checks it again (users.approve)."""
    pw = os.environ.get("PROPDESK_APPROVER_PASSWORD") or prompt(f"审批人 {approver} 的密码 password: ")
    if settings is not None and pw is not None and approver.strip():
        try:
            sign_in(settings, approver.strip(), pw)
        except InputError as e:
            if e.code == "users.wrong_password":
                raise InputError("users.approval_wrong_password", user=approver) from None
            raise
    return pw


# ---------------------------------------------------------------------------- the gate

def gate(settings: Settings, args: argparse.Namespace, user_explicit: bool) -> Settings:
    """The settings to run the command with (the acting user may come from a login session),
    once the command is open or the acting user has proved who they are. Raises InputError."""
    command, action = args.command, getattr(args, "action", None)
    if command in ("login", "logout"):
        return settings
    if is_open(command, action):
        if not user_explicit:  # who is signed in reads as themself
            who = Session.current_user(settings)
            if who:
                return dataclasses.replace(settings, user=who)
        return settings
    if command == "init" and _is_new_database(settings.db_url):
        args.first_admin_password = _first_admin_password(args)
        return settings
    password = given_password(args)
    if password is None:
        who = Session.use(settings, None if not user_explicit else settings.user)
        if who:
            return dataclasses.replace(settings, user=who)
        password = prompt(f"{settings.user} 的密码 password: ")
        if password is None:
            raise InputError("security.password_required", user=settings.user)
    sign_in(settings, settings.user, password)
    return settings


def sign_in(settings: Settings, username: str, password: str) -> dict:
    """users.authenticate in its own unit of work (a refusal's count is committed there)."""
    from app.context import AppContext
    from app.services import users

    ctx = AppContext.open(settings.db_url, settings.terminal, username)
    try:
        with ctx.uow() as s:
            return users.authenticate(s, username, password)
    finally:
        ctx.close()


def _is_new_database(url: str) -> bool:
    """No user yet (or no tables at all): `init` is creating the first admin."""
    from sqlalchemy import func, inspect, select

    from app.db.engine import make_engine
    from app.db.models import User

    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("app_user"):
            return True
        with engine.connect() as conn:
            return not conn.execute(select(func.count()).select_from(User.__table__)).scalar()
    finally:
        engine.dispose()


def _first_admin_password(args: argparse.Namespace) -> str | None:
    """`init` on a new database: the first admin's password (PROPDESK_PASSWORD, --password-stdin
    or a prompt); the demo's admin is admin/admin."""
    if getattr(args, "demo", False):
        return None
    pw = given_password(args) or prompt("新管理员 admin 的密码 new admin password: ")
    if pw is None:
        raise InputError("security.init_needs_password")
    from app.services import users

    users.check_new_password("admin", pw)
    return pw


# ---------------------------------------------------------------------------- login sessions

def _session_minutes() -> int:
    try:
        return max(1, int(os.environ.get("PROPDESK_SESSION_MINUTES", SESSION_IDLE_MINUTES)))
    except ValueError:
        return SESSION_IDLE_MINUTES


class Session:
    """`propdesk login`: a file in the user data dir (0600, folder 0700), one per database and
    counter, naming the user. It holds no password: its MAC is keyed with the user's stored
    password hash, so a hand-made file does not verify and a password change ends every session.
    It ends after SESSION_IDLE_MINUTES without use, after SESSION_MAX_HOURS in any case, at
    `propdesk logout`, and when the user is locked or disabled."""

    @staticmethod
    def path(settings: Settings) -> Path:
        import platformdirs

        key = hashlib.sha256(f"{settings.db_url}|{settings.terminal}".encode()).hexdigest()[:24]
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "sessions" / f"{key}.json"

    @staticmethod
    def _mac(password_hash: str, settings: Settings, user: str, issued: float, nonce: str) -> str:
        msg = f"{settings.db_url}|{settings.terminal}|{user}|{issued:.0f}|{nonce}".encode()
        return hmac.new(password_hash.encode(), msg, hashlib.sha256).hexdigest()

    @classmethod
    def start(cls, settings: Settings, user: str) -> Path:
        stored = _password_hash(settings, user)
        now = time.time()
        nonce = secrets.token_hex(16)
        doc = {"user": user, "terminal": settings.terminal, "issued": round(now), "last_used": now,
               "nonce": nonce, "mac": cls._mac(stored or "", settings, user, round(now), nonce)}
        path = cls.path(settings)
        _write_private(path, doc)
        return path

    @classmethod
    def end(cls, settings: Settings) -> bool:
        path = cls.path(settings)
        try:
            path.unlink()
            return True
        except FileNotFoundError:
            return False

    @classmethod
    def _read(cls, settings: Settings) -> dict | None:
        path = cls.path(settings)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(doc, dict) or not isinstance(doc.get("user"), str):
            return None
        now = time.time()
        try:
            issued, last = float(doc["issued"]), float(doc["last_used"])
        except (KeyError, TypeError, ValueError):
            return None
        if not (math.isfinite(issued) and math.isfinite(last)):
            return None
        if now - last > _session_minutes() * 60 or now - issued > SESSION_MAX_HOURS * 3600 or last > now + 60:
            cls.end(settings)  # expired: gone, so the next command asks for the password
            return None
        stored = _password_hash(settings, doc["user"], active_only=True)
        mac = cls._mac(stored or "", settings, doc["user"], issued, str(doc.get("nonce", "")))
        if stored is None or not hmac.compare_digest(mac, str(doc.get("mac", ""))):
            cls.end(settings)
            return None
        return doc

    @classmethod
    def current_user(cls, settings: Settings) -> str | None:
        doc = cls._read(settings)
        return doc["user"] if doc else None

    @classmethod
    def use(cls, settings: Settings, user: str | None) -> str | None:
        """The session's user (if `user` is given, only when it is theirs), and the session's
        idle time starts again."""
        doc = cls._read(settings)
        if doc is None or (user is not None and doc["user"] != user):
            return None
        doc["last_used"] = time.time()
        _write_private(cls.path(settings), doc)
        return doc["user"]


def _password_hash(settings: Settings, user: str, active_only: bool = False) -> str | None:
    """The user's stored hash (None if unknown, or locked/disabled with active_only)."""
    from sqlalchemy import select

    from app.context import AppContext
    from app.db.models import User

    ctx = AppContext.open(settings.db_url, settings.terminal, user)
    try:
        with ctx.uow() as s:
            u = s.scalar(select(User).where(User.username == user))
            if u is None or (active_only and (not u.active or u.locked_at is not None)):
                return None
            return u.password_hash
    finally:
        ctx.close()


def _write_private(path: Path, doc: dict) -> None:
    """Write a file only this OS user can read (0600, in a 0700 folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.chmod(path.parent, 0o700)
    except OSError:
        pass
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
