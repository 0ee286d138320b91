"""Audit trail: who did what, when, on which terminal. Append-only and hash-chained.

Every event belongs to one chain (the terminal's code; "-" for actions with no terminal) and
carries its place in it (`seq`, 1, 2, 3…), the previous event's hash and its own:
hash = SHA-256(prev_hash + canonical JSON of the event, including `facts`, a digest of the
rows the action wrote). `AuditChainHead` holds each chain's last (seq, hash): appends lock it
(FOR UPDATE on PostgreSQL; SQLite's writer lock does the same), and `audit verify` compares
the walked chain with it, so a removed last event shows too (app/services/audit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_entity", "entity", "entity_id"),
                      UniqueConstraint("chain", "seq"))
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user: Mapped[str | None] = mapped_column(String(40))
    terminal_code: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))  # import.rooms, bill_run, pay, void, waive…
    entity: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[dict | None] = mapped_column(JSONText)
    # The chain (0009). Nullable only for rows a newer program never sealed: verify calls them bad.
    chain: Mapped[str | None] = mapped_column(String(20))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    facts: Mapped[str | None] = mapped_column(String(64))  # SHA-256 of the rows the action wrote, or None


class AuditChainHead(Base):
    """The last event of each chain: what the next append extends and what central keeps."""

    __tablename__ = "audit_chain_head"
    chain: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CentralAuditHead(Base):
    """On central: the last audit chain head each counter pushed. A push whose head does not
    extend it (the counter's hash at this seq is no longer the one central holds) is refused
    and becomes a manager's exception (app/central/audit_heads.py)."""

    __tablename__ = "central_audit_head"
    terminal: Mapped[str] = mapped_column(String(20), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
