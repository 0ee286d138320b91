"""Typed settings: where the database is, which counter this is, who is acting.

Business rates live in the database; these are per-machine facts. Precedence: command-line
option, then environment variable, then default (Electrum's ConfigVar idea, kept small).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "PropDesk"


def default_db_url() -> str:
    data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'propdesk.db'}"


@dataclass(frozen=True)
class Settings:
    db_url: str
    terminal: str = "T1"
    user: str = "admin"
    offline: bool = False

    @classmethod
    def load(cls, db: str | None = None, terminal: str | None = None, user: str | None = None) -> "Settings":
        return cls(
            db_url=db or os.environ.get("PROPDESK_DB") or default_db_url(),
            terminal=terminal or os.environ.get("PROPDESK_TERMINAL") or "T1",
            user=user or os.environ.get("PROPDESK_USER") or "admin",
            offline=os.environ.get("PROPDESK_OFFLINE", "") in ("1", "true", "yes"),
        )
