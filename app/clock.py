"""Today's business day and now. Device time is printed and used for the day's receipt
numbers, never for ordering or de-duplication (those use ids and sequences)."""

from __future__ import annotations

from datetime import date, datetime, timezone


def today() -> date:
    return datetime.now().astimezone().date()


def now() -> datetime:
    return datetime.now(timezone.utc)
