"""Offline sync: the counter's outbox and cursors, and the central server's event log.

Every event a counter makes is numbered gaplessly per terminal (device_seq) and written to
the outbox in the same transaction as the data. The central log keys events by
(terminal, device_seq) and by event id, so a retry is recognised, never applied twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow

# An auto-numbered BIGINT key (BIGSERIAL on PostgreSQL). SQLite numbers only a column declared
# exactly INTEGER PRIMARY KEY (its rowid, 64-bit anyway), so the type is INTEGER there.
SeqKey = BigInteger().with_variant(Integer(), "sqlite")


class SyncOutbox(Base):
    __tablename__ = "sync_outbox"
    device_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(ID, unique=True)
    event_type: Mapped[str] = mapped_column(String(30))  # payment, void, reading, …
    entity_id: Mapped[str] = mapped_column(ID)
    payload: Mapped[dict] = mapped_column(JSONText)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    rejected: Mapped[str | None] = mapped_column(String(300))  # kept for review, never dropped
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncCursor(Base):
    """Named counters: 'device_seq' (last event number issued here), 'pull' (last central
    change applied here), 'pushed' (highest contiguous seq the server confirmed)."""

    __tablename__ = "sync_cursor"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncEvent(Base):
    """Central side: every event received from a counter, in arrival order (server_seq)."""

    __tablename__ = "sync_event"
    __table_args__ = (UniqueConstraint("terminal_code", "device_seq"),)
    server_seq: Mapped[int] = mapped_column(SeqKey, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ID, unique=True)
    terminal_code: Mapped[str] = mapped_column(String(20))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    event_type: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict] = mapped_column(JSONText)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # applied | rejected (kept for review with the reason's message code and parameters)
    status: Mapped[str] = mapped_column(String(10), default="applied", server_default=text("'applied'"))
    community_id: Mapped[str | None] = mapped_column(ID, index=True)  # the payload's (join snapshots page by it)
    reason: Mapped[dict | None] = mapped_column(JSONText)


class SyncConflict(Base):
    """The same event id arrived with a different payload: both are kept and flagged."""

    __tablename__ = "sync_conflict"
    id: Mapped[int] = mapped_column(SeqKey, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(ID, index=True)
    terminal_code: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSONText)
    device_seq: Mapped[int | None] = mapped_column(BigInteger)  # the seq it came with (counts as stored)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(40))


class SyncChange(Base):
    """Central side: one row per committed change counters need (docs/sync.md, "Pull"):
    kind `event` (ref: {"server_seq", "terminal"}), `master` (ref: {"tables": [...]}),
    `bill_run` (ref: {"bill_run_id", "period"}), `correction` (ref: {"bill_line_ids": [...]}).
    Rows are appended just before commit under a table lock (app/central/changes.py), so
    change_seq order is commit order and a pull never skips a row committed later."""

    __tablename__ = "sync_change"
    change_seq: Mapped[int] = mapped_column(SeqKey, primary_key=True, autoincrement=True)
    community_id: Mapped[str | None] = mapped_column(ID, index=True)  # None: every community
    kind: Mapped[str] = mapped_column(String(12))
    ref: Mapped[dict] = mapped_column(JSONText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
