"""Owners of imported rooms: parties and owner occupancies.

A person is recognised by (name, phone): the same owner of a flat and a parking space becomes
one party, so the cashier finds both. Without a phone a name alone does not identify anyone
(张伟 is very common), so each such row gets its own party. An owner change ends the current
occupancy on the import day and starts a new one: who owned what, when, is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Occupancy, Party, Room
from app.services.imports.common import Collector, IdPool, bulk_insert, chunks, name_initials
from app.services.imports.fields import column_size, parse_phone, parse_text


@dataclass(frozen=True)
class OwnerIn:
    name: str
    phone: str | None
    last4: str | None


def parse(c: Collector, row: int, name_text: str, phone_text: str) -> OwnerIn | None:
    name = c.value(row, "owner", name_text, parse_text, size_of=Party.name)
    phone = c.value(row, "phone", phone_text, parse_phone)
    if phone is not None and len(phone[0]) > column_size(Party.phone):
        c.add(row, "phone", "import.too_long", value=phone[0], max=column_size(Party.phone), length=len(phone[0]))
        phone = None
    if phone_text and not name_text:
        c.add(row, "phone", "import.phone_without_owner", owner=c.headers.get("owner", "owner (业主姓名)"))
    if name is None:
        return None
    return OwnerIn(name, phone[0] if phone else None, phone[1] if phone else None)


@dataclass
class OwnerBook:
    """Current owners of the rooms concerned, loaded in one query, and the changes to write."""

    today: date
    current: dict[str, list[dict[str, Any]]]  # room id -> [{"occ", "party"}]
    parties: dict[str, dict[str, Any]]  # party id -> {"name", "phone"}
    by_name_phone: dict[tuple[str, str], str]
    new_parties: list[dict[str, Any]] = field(default_factory=list)
    new_occupancies: list[dict[str, Any]] = field(default_factory=list)
    ended: list[str] = field(default_factory=list)
    phone_updates: dict[str, tuple[str, str]] = field(default_factory=dict)
    ids: IdPool = field(default_factory=IdPool)

    @classmethod
    def load(cls, s: Session, community_ids: list[str]) -> "OwnerBook":
        current: dict[str, list[dict[str, Any]]] = {}
        parties: dict[str, dict[str, Any]] = {}
        q = (select(Occupancy.id, Occupancy.room_id, Party.id, Party.name, Party.phone)
             .join(Party, Party.id == Occupancy.party_id).join(Room, Room.id == Occupancy.room_id)
             .where(Room.community_id.in_(community_ids), Occupancy.role == "owner", Occupancy.end_date.is_(None))
             .order_by(Occupancy.id))
        for occ_id, room_id, party_id, name, phone in s.execute(q):
            current.setdefault(room_id, []).append({"occ": occ_id, "party": party_id})
            parties[party_id] = {"name": name, "phone": phone}
        by_name_phone = {(name, phone): id_ for id_, name, phone in
                         s.execute(select(Party.id, Party.name, Party.phone).where(Party.phone.is_not(None)))}
        return cls(clock.today(), current, parties, by_name_phone)  # the business day, not the PC's

    def _party(self, owner: OwnerIn) -> str:
        if owner.phone and (owner.name, owner.phone) in self.by_name_phone:
            return self.by_name_phone[(owner.name, owner.phone)]
        party_id = self.ids.take()
        self.new_parties.append({"id": party_id, "name": owner.name, "name_initials": name_initials(owner.name),
                                 "phone": owner.phone, "phone_last4": owner.last4})
        self.parties[party_id] = {"name": owner.name, "phone": owner.phone}
        if owner.phone:
            self.by_name_phone[(owner.name, owner.phone)] = party_id
        return party_id

    def create(self, room_id: str, owner: OwnerIn) -> None:
        """The first known owner of a new room; since when is unknown, so no start date."""
        self.new_occupancies.append({"room_id": room_id, "party_id": self._party(owner), "role": "owner",
                                     "start_date": None, "end_date": None, "is_payer": True})

    def update(self, room_id: str, owner: OwnerIn) -> dict[str, list[Any]]:
        """Bring a room's owner in line with the file; returns {field: [old, new]} changes."""
        current = self.current.get(room_id, [])
        for occ in current:
            party = self.parties[occ["party"]]
            if party["name"] == owner.name:
                if owner.phone and party["phone"] != owner.phone:
                    old = party["phone"]
                    party["phone"] = owner.phone  # the party may own more rooms: change it once
                    self.phone_updates[occ["party"]] = (owner.phone, owner.last4 or "")
                    return {"phone": [old, owner.phone]}
                return {}
        old_names = "、".join(self.parties[o["party"]]["name"] for o in current) or None
        for occ in current:
            self.ended.append(occ["occ"])
        party_id = self._party(owner)
        occ_rec = {"room_id": room_id, "party_id": party_id, "role": "owner", "is_payer": True, "end_date": None,
                   "start_date": self.today if current else None}
        self.new_occupancies.append(occ_rec)
        self.current[room_id] = [{"occ": None, "party": party_id}]
        changes: dict[str, list[Any]] = {"owner": [old_names, owner.name]}
        if owner.phone:
            changes["phone"] = [None, owner.phone]
        return changes

    def flush(self, s: Session) -> None:
        bulk_insert(s, Party, self.new_parties)
        for chunk in chunks(self.ended):
            # The old owner's last day is the day the change was recorded.
            s.execute(update(Occupancy).where(Occupancy.id.in_(chunk)).values(end_date=self.today))
        bulk_insert(s, Occupancy, self.new_occupancies)
        for party_id, (phone, last4) in self.phone_updates.items():
            s.execute(update(Party).where(Party.id == party_id).values(phone=phone, phone_last4=last4))
