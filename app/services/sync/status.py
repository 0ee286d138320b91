"""The link's state as `sync status` and the status bar show it (docs/sync.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app import clock
from app.db.models import SyncCursor
from app.services.sync.link_store import LinkConfig
from app.services.sync.push import PUSHED_CURSOR, counts
from app.services.sync.standalone import PULL_CURSOR


def _at(s: Session, name: str) -> str | None:
    row = s.get(SyncCursor, name)
    if row is None or row.updated_at is None:
        return None
    return clock.local(row.updated_at).isoformat(timespec="seconds")


def status(s: Session, conf: LinkConfig | None, online: bool | None = None) -> dict[str, Any]:
    """`online`: the caller's latest word from central (None: not asked). Never the token."""
    pending, rejected = counts(s)
    pull = s.get(SyncCursor, PULL_CURSOR)
    return {"central": conf.central if conf else None, "online": bool(online) if conf else False,
            "pending": pending, "rejected": rejected, "last_push_at": _at(s, PUSHED_CURSOR),
            "last_pull_at": _at(s, PULL_CURSOR), "pulled_seq": int(pull.value) if pull is not None else None}

