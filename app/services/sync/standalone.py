"""Is this counter joined to a central? A joined counter has a `pull` cursor (the last central
change applied here, set by `sync join`); a counter that never joined has none and works
standalone exactly as before. The marker lives in the database, so a restored backup of a
joined counter still refuses what central owns."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import SyncCursor
from app.errors import InputError

PULL_CURSOR = "pull"


def is_joined(s: Session) -> bool:
    return s.scalar(select(SyncCursor.name).where(SyncCursor.name == PULL_CURSOR)) is not None


def require_standalone(s: Session) -> None:
    """Master data and bill runs belong to central once a counter is joined: refuse (exit 2)."""
    if is_joined(s):
        raise InputError("sync.central_owns")
