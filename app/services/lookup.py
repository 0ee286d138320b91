"""Household lookup (查户): one box, any key a cashier types or scans.

Accepted, in the order results are ranked:
1. a scanned QR: a receipt (`PD1|<receipt no>|…`) or a bill notice (`PDR1|<room id>`);
2. a room key: `3-2-1502`; separators may be space, '/', '.', '、' or full-width '－'
   (`3 2 1502`, `3/2/1502`), and a prefix lists that building or unit (`3-2`); the way it
   is said aloud works too (`3栋2单元1502`, `3号楼2单元1502`, `3幢2单元1502室`), full-width
   digits from an IME (`３－２－１５０２`), the command line's `小区/房号` (`阳光花园/3-2-1502`,
   that community only), and bare digits `321502` when exactly one room key reads so;
3. an 11-digit phone; 4 digits: the last 4 of a phone (尾号), then room numbers;
4. Chinese: the owner's name, exact first, then names starting with it;
5. Latin letters: the pinyin initials of the owner's name (`zs` for 张三).
Every query is an index range scan (docs/lookup.md); nothing scans the room table.
"""

from __future__ import annotations

import re
import unicodedata
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


# 栋/幢/座/号楼 end a building, 单元 a unit; 室/号 after the room number say nothing more.
_SPOKEN_PARTS = re.compile(r"(号楼|栋|幢|座|楼|单元)")
_SPOKEN_TAIL = re.compile(r"(室|号|房)$")
_ROOM_TAIL = re.compile(r"(?<=[0-9A-Za-z])(室|号|房)$")  # 3-2-1502室
_SPOKEN_KEY = re.compile(r"^[0-9A-Za-z]+(号楼|栋|幢|座|楼)([0-9A-Za-z]+单元)?[0-9A-Za-z]*(室|号|房)?$")


def normalize_key(text: str) -> str:
    """A room key as stored (`3-2-1502`) from any way a cashier writes one: full-width
    characters from an IME, any separator, or spoken parts (3栋2单元1502室)."""
    t = _ROOM_TAIL.sub("", unicodedata.normalize("NFKC", text or "").strip())
    if _SPOKEN_KEY.match(t):
        t = _SPOKEN_PARTS.sub("-", _SPOKEN_TAIL.sub("", t))
    return _SEP.sub("-", t.replace("－", "-")).strip("-")


def _digit_keys(digits: str) -> list[str]:
    """The room keys `321502` can be read as: building, unit and a 3–4 digit room number
    (3-2-1502, 32-1-502…), or building and room (32-1502)."""
    out = []
    for room_len in (4, 3):
        head, room = digits[:-room_len], digits[-room_len:]
        if not head or room.startswith("0"):
            continue
        if len(head) <= 3:
            out.append(f"{head}-{room}")
        for cut in range(1, len(head)):
            b, u = head[:cut], head[cut:]
            if len(b) <= 2 and len(u) <= 2 and not u.startswith("0") and not b.startswith("0"):
                out.append(f"{b}-{u}-{room}")
    return out


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

    q = unicodedata.normalize("NFKC", q)  # full-width digits and letters from an IME
    community = None
    head, slash, tail = q.partition("/")
    if slash and _HAN.search(head) and tail.strip():  # 小区/房号, as the command line takes it
        community, q = head.strip(), tail.strip()
    key = normalize_key(q)
    in_community = (lambda stmt: stmt) if community is None else (
        lambda stmt: stmt.join(Community, Community.id == Room.community_id).where(Community.name == community))
    spoken = bool(_SPOKEN_KEY.match(q))  # 3栋 lists building 3, like 3-
    if re.fullmatch(r"[0-9A-Za-z]+(-[0-9A-Za-z]+)+", key) or (key.isdigit() is False and "-" in key) or spoken:
        add(s.scalars(in_community(select(Room.id).where(Room.room_key == key))), "room")
        add(s.scalars(in_community(select(Room.id).where(Room.room_key > key + "-", Room.room_key < _upper(key + "-")))
                      .order_by(Room.room_key).limit(limit)), "room")
    if community is not None:
        return _details(s, found)
    if q.isdigit() and 5 <= len(q) <= 8:  # 321502: a room key typed without separators
        matches = list(s.scalars(select(Room.id).where(Room.room_key.in_(_digit_keys(q))).limit(2)))
        if len(matches) == 1:  # only when it reads one way; otherwise the cashier adds the dashes
            add(matches, "room")
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
