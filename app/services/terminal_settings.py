"""Per-counter facts the desktop app shows and edits: the printer settings kept in
`Terminal.printer` (JSON), the state of the counter (who, which shift) and the terminal's
receipt-signing key for verifying a scanned receipt QR. Plain dicts out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Role, Terminal
from app import devices, printer_transports
from app.errors import InputError, Msg, Problem
from app.services import audit, users
from app.services.cashier.shifts import current

TRANSPORTS = printer_transports.names()  # the registry app.printer_transports; drivers register against it
WIDTHS = (58, 80)
DEFAULT_PRINTER: dict = {"transport": "none", "target": "", "width_mm": 80, "profile": "default",
                         "encoding": "gb18030", "cash_drawer": True, "customer_display": False,
                         **devices.stored_defaults()}  # the serial devices' settings (app.devices): display_port, …
ENCODINGS = ("gb18030", "utf-8")


def get_printer(s: Session, terminal_code: str) -> dict | None:
    """The stored printer settings, or None when the counter has none yet."""
    t = s.scalar(select(Terminal).where(Terminal.code == terminal_code))
    return dict(t.printer) if t is not None and t.printer else None


def validate_printer(settings: dict) -> dict:
    """The settings with defaults filled in; InputError naming each bad field and what to
    type in it (the target's form comes from the transport's entry in the registry)."""
    out = {**DEFAULT_PRINTER, **{k: v for k, v in settings.items() if k in DEFAULT_PRINTER}}
    problems = []
    transport = printer_transports.get(str(out["transport"]))
    out["target"] = str(out["target"] or "").strip()
    if transport is None:
        problems.append(Problem.of("print.bad_transport", column="transport", transport=out["transport"],
                                   known=[Msg(t.label) for t in printer_transports.TRANSPORTS.values()]))
    elif transport.target_pattern is None:
        out["target"] = ""  # nothing to connect to
    elif not transport.target_ok(out["target"]):
        problems.append(Problem.of("print.target_missing" if not out["target"] else "print.bad_target",
                                   column="target", transport=Msg(transport.label), target=out["target"],
                                   hint=Msg(transport.hint)))
    if out["width_mm"] not in WIDTHS:
        problems.append(Problem.of("print.bad_width", column="width_mm", width=out["width_mm"]))
    if out["encoding"] not in ENCODINGS:
        problems.append(Problem.of("print.bad_encoding", column="encoding", encoding=out["encoding"]))
    for flag in ("cash_drawer", "customer_display"):
        if not isinstance(out[flag], bool):
            problems.append(Problem.of("print.bad_flag", column=flag, flag=Msg(f"print.flag.{flag}")))
    problems += devices.validate(out)
    if problems:
        raise InputError("print.bad_settings", problems)
    return out


def save_printer(s: Session, terminal_code: str, settings: dict, user: str) -> dict:
    """Store the counter's printer settings; a manager's job (PermissionDenied otherwise)."""
    users.require(s, user, "settings")
    terminal = users.ensure_terminal(s, terminal_code)
    clean = validate_printer(settings)
    terminal.printer = clean  # a new dict, so the JSON column is written
    audit.record(s, "terminal.printer", user=user, terminal=terminal_code, entity="terminal", entity_id=terminal.id,
                 detail=clean)
    return clean


def terminal_key(s: Session, terminal_code: str) -> str | None:
    """The hex key that signs the receipts of a terminal (for receipt QR verification)."""
    from app.services import receipt_keys

    return receipt_keys.key_of(s, terminal_code)


def counter_status(s: Session, terminal_code: str, username: str) -> dict:
    """Who is at this counter, their role, the open shift and the printer, as the main
    window's status bar shows them."""
    user = users.get_user(s, username)
    terminal = users.ensure_terminal(s, terminal_code)
    role = s.get(Role, user.role_id)
    shift = current(s, terminal.id, user.id)
    return {
        "terminal": terminal.code, "terminal_name": terminal.name, "user": user.username,
        "display_name": user.display_name, "role": role.code if role else None,
        "role_name": role.name if role else None,
        "shift": None if shift is None else {"id": shift.id, "opened_at": shift.opened_at.isoformat(),
                                             "float_fen": shift.float_fen},
        "printer": dict(terminal.printer) if terminal.printer else None,
    }
