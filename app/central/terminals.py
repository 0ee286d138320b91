"""Counters known to central: registering one (its token printed once, only its sha256 kept),
listing, revoking, and finding the terminal a request's bearer token belongs to."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.base import utcnow
from app.db.models import Community, Terminal
from app.errors import InputError, NotFound
from app.services import users


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _community_ids(s: Session, names: list[str]) -> list[Community]:
    found: list[Community] = []
    missing: list[str] = []
    for name in names:
        c = s.scalar(select(Community).where((Community.name == name) | (Community.code == name)
                                             | (Community.id == name)))
        if c is None:
            missing.append(name)
        elif c not in found:
            found.append(c)
    if missing:
        raise NotFound("sync.unknown_community", names=missing)
    return found


def add_terminal(s: Session, code: str, community_names: list[str]) -> dict[str, Any]:
    """Create (or re-key) terminal `code` for these communities; a new token every time, the
    old one stops working. Returns {"terminal", "token", "communities"}."""
    code = code.strip()
    names = [n.strip() for n in community_names if n.strip()]
    if not code:
        raise InputError("sync.terminal_code_required")
    if not names:
        raise InputError("sync.community_required")
    communities = _community_ids(s, names)
    t = users.ensure_terminal(s, code)
    token = new_token()
    t.token_hash = token_hash(token)
    t.communities = [c.id for c in communities]
    t.revoked_at = None
    s.flush()
    return {"terminal": code, "token": token, "communities": [c.name for c in communities]}


def new_token() -> str:
    """A terminal's secret: 256 random bits, URL-safe, never starting with '-' (a token typed
    after `--token` must not read as an option)."""
    while True:
        token = secrets.token_urlsafe(32)
        if token[0].isalnum():
            return token


def list_terminals(s: Session) -> list[dict[str, Any]]:
    names = {c.id: c.name for c in s.scalars(select(Community))}
    out = []
    for t in s.scalars(select(Terminal).order_by(Terminal.code)):
        out.append({"code": t.code, "communities": [names.get(c, c) for c in (t.communities or [])],
                    "last_seen": t.last_seen_at.isoformat() if t.last_seen_at else None,
                    "pushed_seq": t.pushed_seq or 0, "revoked": t.revoked_at is not None,
                    "registered": t.token_hash is not None})
    return out


def revoke_terminal(s: Session, code: str) -> dict[str, Any]:
    t = s.scalar(select(Terminal).where(Terminal.code == code.strip()))
    if t is None:
        raise NotFound("sync.unknown_terminal", terminal=code)
    if t.revoked_at is None:
        t.revoked_at = utcnow()
    return {"terminal": t.code, "revoked": True, "revoked_at": t.revoked_at.isoformat()}


def terminal_for_token(s: Session, token: str | None) -> Terminal | None:
    """The terminal this token belongs to (revoked or not: the caller tells them apart);
    None for no token or an unknown one."""
    if not token:
        return None
    return s.scalar(select(Terminal).where(Terminal.token_hash == token_hash(token)))
