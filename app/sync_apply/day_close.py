"""The `day_close` counter fact: a counter locked one of its business days. Built here on the
counter and applied on central (or on a counter pulling it), so a payment of that day that
reaches the other database later is recognised there as late (common.late_reason → an open
`late_event`) and the day's locked totals are known company-wide.

The statements and the reconciliation's exceptions stay with the counter that imported them:
they are the manager's worklist there, not facts of the day's money."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import DayClose, Terminal
from app.sync_apply.common import day, dt, terminal
from app.sync_rows import encode

VERSION = 1


def payload(s: Session, day_close_id: str) -> dict[str, Any]:
    s.flush()
    dc = s.get(DayClose, day_close_id)
    code = s.scalar(select(Terminal.code).where(Terminal.id == dc.terminal_id))
    return {"v": VERSION, "id": dc.id, "terminal": code, "day": encode(dc.day), "totals": dc.totals,
            "detail": dc.detail, "closed_by": dc.closed_by, "created_at": encode(dc.created_at)}


def apply_day_close(s: Session, p: dict[str, Any], origin_terminal: str) -> None:
    """The close with the sender's id; a day this database already has closed for that
    terminal (the same event again, or a close recorded here) is left as it is."""
    term = terminal(s, p.get("terminal"), origin_terminal)
    d = day(p["day"])
    if s.scalar(select(DayClose.id).where(DayClose.terminal_id == term.id, DayClose.day == d)) is not None:
        return
    s.add(DayClose(id=p["id"], terminal_id=term.id, day=d, totals=p.get("totals") or {}, detail=p.get("detail"),
                   closed_by=str(p["closed_by"]), created_at=dt(p["created_at"])))
    s.flush()
