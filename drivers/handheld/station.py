"""The handheld dock's work at the counter, shared by the command line and the GUI dialog:
route out of the database → handheld; readings off the handheld → validated and stored.

The database is touched only in short units of work (`db(fn)` runs `fn(session)` in one and
commits); the serial transfer happens between them, so a slow line never holds a transaction.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from app.errors import InputError
from app.services import meter_intake, users
from drivers.handheld.dock import BAUD, Dock

T = TypeVar("T")
Db = Callable[[Callable[[Any], T]], T]
Progress = Callable[[int, int], None]


def state_dir(db_url: str) -> Path:
    """Where interrupted uploads wait to be resumed: $PROPDESK_HANDHELD_DIR, else next to a
    SQLite database, else the user's PropDesk data folder."""
    env = os.environ.get("PROPDESK_HANDHELD_DIR")
    if env:
        return Path(env)
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        return Path(db_url[len("sqlite:///"):]).resolve().parent / "handheld-resume"
    import platformdirs

    from app.config import APP_NAME

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "handheld-resume"


def download(db: Db, *, user: str, port: str, period: str, community: str | None = None,
             building: str | None = None, baud: int = BAUD, timeout: float = 1.0,
             on_progress: Progress | None = None, state: Path | str = ".") -> dict:
    def load(s: Any) -> list[dict]:
        users.require(s, user, "handheld")
        return meter_intake.route(s, period=period, community=community, building=building)

    rows = db(load)
    if not rows:
        raise InputError("handheld.empty_route", period=period)
    with Dock.open(port, state_dir=state, baud=baud, timeout=timeout) as dock:
        return dock.download(rows, period, on_progress)


def upload(db: Db, *, user: str, terminal: str, port: str, period: str, state: Path | str, baud: int = BAUD,
           timeout: float = 1.0, on_progress: Progress | None = None) -> dict:
    """Receive, validate and store; the handheld is told (commit) only after the store."""
    if meter_intake.parse_period(period) is None:
        raise InputError("meters.bad_period", value=period)
    db(lambda s: users.require(s, user, "handheld"))
    with Dock.open(port, state_dir=state, baud=baud, timeout=timeout) as dock:
        up = dock.upload(period, on_progress)
        items = [meter_intake.ReadingIn(r.meter_no, r.reading, r.read_at, r.reader) for r in up.readings]
        t0 = time.monotonic()
        res = db(lambda s: meter_intake.record_readings(s, user=user, terminal=terminal, period=period,
                                                        items=items, source="handheld"))
        stored_s = time.monotonic() - t0
        dock.commit()
    return {"received": res.received, "accepted": res.accepted, "flagged": len(res.flagged),
            "rejected": len(res.rejected), "unchanged": res.unchanged, "bytes": up.bytes,
            "seconds": round(up.seconds, 3), "store_seconds": round(stored_s, 3), "device": up.device,
            "period": period, "resumed_from": up.resumed_from,
            "flagged_readings": res.flagged, "rejected_readings": res.rejected}
