"""Counts for the status bar and the start screen."""

from __future__ import annotations

from sqlalchemy import func, select

from app.context import AppContext
from app.db.models import Community, Meter, MeterReading, Room


def counts(ctx: AppContext) -> dict[str, int]:
    with ctx.uow() as s:
        return {
            name: s.scalar(select(func.count()).select_from(model)) or 0
            for name, model in (("communities", Community), ("rooms", Room), ("meters", Meter),
                                ("readings", MeterReading))
        }
