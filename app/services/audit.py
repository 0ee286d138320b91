"""Append-only audit trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.db.models import AuditEvent


def record(s: Session, action: str, *, user: str | None, terminal: str | None = None,
           entity: str | None = None, entity_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
    s.add(AuditEvent(action=action, user=user, terminal_code=terminal, entity=entity,
                     entity_id=entity_id, detail=detail))
