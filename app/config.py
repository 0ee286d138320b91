"""Typed settings: where the database is, which counter this is, who is acting.

Business rates live in the database; these are per-machine facts. Precedence: command-line
option, then environment variable, then default (Electrum's ConfigVar idea, kept small).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.errors import InputError

APP_NAME = "PropDesk"

# A terminal code goes into every receipt number (<terminal>-<yyyymmdd>-<seq>) and the
# receipt's QR payload (`|`-separated): letters and digits only, so a receipt can always be
# printed, scanned and verified. ASCII only: it is typed on any keyboard and printed by any
# printer's built-in font.
TERMINAL_CODE = re.compile(r"[A-Za-z0-9]{1,8}")


def check_terminal_code(code: object) -> str:
    """The code itself, or InputError("terminal.bad_code") naming it (exit 2)."""
    if not isinstance(code, str) or not TERMINAL_CODE.fullmatch(code):
        shown = code if not isinstance(code, str) or len(code) <= 24 else code[:24] + "…"
        raise InputError("terminal.bad_code", value=shown)
    return code


def default_db_url() -> str:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    data_dir.chmod(0o700)  # the database, keys and link files live here: this OS user only
    return f"sqlite:///{data_dir / 'propdesk.db'}"


DB_BACKENDS = ("sqlite", "postgresql")


def check_db_url(url: object) -> str:
    """A SQLAlchemy URL for SQLite or PostgreSQL, or InputError("db.bad_url") (exit 2) —
    not a driver's traceback (exit 1) for a mistyped --db."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = url if not isinstance(url, str) or len(url) <= 80 else url[:80] + "…"
    try:
        backend = make_url(url).get_backend_name()  # type: ignore[arg-type]
    except (ArgumentError, ValueError, TypeError):
        raise InputError("db.bad_url", value=shown) from None
    if backend not in DB_BACKENDS:
        raise InputError("db.bad_url", value=shown)
    return url  # type: ignore[return-value]


@dataclass(frozen=True)
class Settings:
    db_url: str
    terminal: str = "T1"
    user: str = "admin"
    offline: bool = False

    def __post_init__(self) -> None:
        check_db_url(self.db_url)
        check_terminal_code(self.terminal)

    @classmethod
    def load(cls, db: str | None = None, terminal: str | None = None, user: str | None = None) -> "Settings":
        db_url = db or os.environ.get("PROPDESK_DB") or default_db_url()
        if not terminal and not os.environ.get("PROPDESK_TERMINAL"):
            from app import counter_file  # the code the first-run wizard saved for this PC

            terminal = counter_file.saved_terminal(db_url)
        return cls(
            db_url=db_url,
            terminal=terminal or os.environ.get("PROPDESK_TERMINAL") or "T1",
            user=user or os.environ.get("PROPDESK_USER") or "admin",
            offline=os.environ.get("PROPDESK_OFFLINE", "") in ("1", "true", "yes"),
        )
