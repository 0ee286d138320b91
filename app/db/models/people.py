"""Users, roles and counters (terminals)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import ID, Base, JSONText, UTCDateTime, utcnow
from app.ids import new_id


class Role(Base):
    __tablename__ = "role"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # manager | finance | cashier | reader
    name: Mapped[str] = mapped_column(String(40))
    permissions: Mapped[list] = mapped_column(JSONText, default=list)


class User(Base):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id (old: scrypt); None: cannot log in
    role_id: Mapped[str] = mapped_column(ForeignKey("role.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Sign-in (docs/permissions.md): the password must be changed at the next GUI sign-in (the first
    # admin outside the demo, a password a manager reset); wrong passwords in a row; locked after
    # five until a manager unlocks.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Terminal(Base):
    """A counter PC. Its code starts every receipt number it issues; its key signs the
    verification QR on its receipts."""

    __tablename__ = "terminal"
    id: Mapped[str] = mapped_column(ID, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str | None] = mapped_column(String(60))
    community_id: Mapped[str | None] = mapped_column(ForeignKey("community.id"))
    hmac_key: Mapped[str] = mapped_column(String(64))  # hex
    printer: Mapped[dict | None] = mapped_column(JSONText)  # printer profile and transport
    gateways: Mapped[dict | None] = mapped_column(JSONText)  # {wechat|alipay: non-secret settings}; secrets: keyring
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Central only (docs/sync.md): the counter's sync token as sha256 hex (the token itself is
    # printed once and never stored), the community ids it may push and pull, when it was
    # refused, when it was last heard from, and the highest contiguous device_seq stored.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    communities: Mapped[list | None] = mapped_column(JSONText)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pushed_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default=text("0"))
