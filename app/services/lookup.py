"""Household lookup (查户): one box, any key a cashier types or scans.

Accepted, in the order results are ranked:
1. a scanned QR: a receipt (`PD1|<receipt no>|…`) or a bill notice (`PDR1|<room id>`);
2. a room key: `3-2-1502`; separators may be space, '/', '.', '、' or full-width '－'
   (`3 2 1502`, `3/2/1502`), and a prefix lists that building or unit (`3-2`);
3. an 11-digit phone; 4 digits: the last 4 of a phone (尾号), then room numbers;
4. Chinese: the owner's name, exact first, then names starting with it;
5. Latin letters: the pinyin initials of the owner's name (`zs` for 张三).
Every query is an index range scan (docs/lookup.md); nothing scans the room table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.db.models import Community, Occupancy, Party, Receipt, Payment, Room

_SEP = re.compile(r"[\s/\\.、－—_,，]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Hit:
    room_id: str
    room_key: str
    community: str
    owner: str | None
    phone: str | None
    area: str
    usage: str
    matched: str  # qr | room | phone | last4 | number | name | initials

    def as_json(self) -> dict:
        return {"room_id": self.room_id, "room_key": self.room_key, "community": self.community, "owner": self.owner,
                "phone": self.phone, "area": self.area, "usage": self.usage, "matched": self.matched}


def normalize_key(text: str) -> str:
    return _SEP.sub("-", text.strip().replace("－", "-")).strip("-")


def _upper(prefix: str) -> str:
    return prefix + "\uffff"


def search(s: Session, query: str, limit: int = 20) -> list[Hit]:
    q = (query or "").strip()
    if not q:
        return []
    found: list[tuple[str, str]] = []  # (room id, how)

    def add(ids, how: str) -> None:  # type: ignore[no-untyped-def]
        for rid in ids:
            if len(found) >= limit:
                return
            if all(rid != f for f, _ in found):
                found.append((rid, how))

    if q.startswith("PD1|"):
        receipt_no = q.split("|")[1] if q.count("|") >= 1 else ""
        add(s.scalars(select(Payment.room_id).join(Receipt, Receipt.payment_id == Payment.id)
                      .where(Receipt.receipt_no == receipt_no)), "qr")
        return _details(s, found)
    if q.startswith("PDR1|"):
        add(s.scalars(select(Room.id).where(Room.id == q.split("|", 1)[1].strip())), "qr")
        return _details(s, found)

    key = normalize_key(q)
    if re.fullmatch(r"[0-9A-Za-z]+(-[0-9A-Za-z]+)+", key) or (key.isdigit() is False and "-" in key):
        add(s.scalars(select(Room.id).where(Room.room_key == key)), "room")
        add(s.scalars(select(Room.id).where(Room.room_key > key + "-", Room.room_key < _upper(key + "-"))
                      .order_by(Room.room_key).limit(limit)), "room")
    if q.isdigit():
        if len(q) == 11:
            add(_rooms_of_parties(s, Party.phone == q, limit), "phone")
        if len(q) == 4:
            add(_rooms_of_parties(s, Party.phone_last4 == q, limit), "last4")
        add(s.scalars(select(Room.id).where(Room.number == q).order_by(Room.room_key).limit(limit)), "number")
    elif _HAN.search(q):
        add(_rooms_of_parties(s, Party.name == q, limit), "name")
        add(_rooms_of_parties(s, and_(Party.name > q, Party.name < _upper(q)), limit), "name")
    elif re.fullmatch(r"[A-Za-z]+", q):
        ini = q.lower()
        add(_rooms_of_parties(s, Party.name_initials == ini, limit), "initials")
        add(_rooms_of_parties(s, and_(Party.name_initials > ini, Party.name_initials < _upper(ini)), limit), "initials")
    return _details(s, found)


def _rooms_of_parties(s: Session, condition, limit: int) -> list[str]:  # type: ignore[no-untyped-def]
    return list(s.scalars(select(Occupancy.room_id).join(Party, Party.id == Occupancy.party_id)
                          .where(condition, Occupancy.end_date.is_(None)).limit(limit)))


def _details(s: Session, found: list[tuple[str, str]]) -> list[Hit]:
    if not found:
        return []
    ids = [rid for rid, _ in found]
    rows = s.execute(select(Room.id, Room.room_key, Community.name, Room.area, Room.usage)
                     .join(Community, Community.id == Room.community_id).where(Room.id.in_(ids))).all()
    owners: dict[str, tuple[str, str | None]] = {}
    for room_id, name, phone, role in s.execute(
            select(Occupancy.room_id, Party.name, Party.phone, Occupancy.role).join(Party, Party.id == Occupancy.party_id)
            .where(Occupancy.room_id.in_(ids), Occupancy.end_date.is_(None)).order_by(Occupancy.role)):
        owners.setdefault(room_id, (name, phone))
    by_id = {r[0]: r for r in rows}
    out = []
    for rid, how in found:
        r = by_id.get(rid)
        if r is None:
            continue
        name, phone = owners.get(rid, (None, None))
        out.append(Hit(rid, r[1], r[2], name, phone, format(r[3], "f"), r[4], how))
    return out
