"""Small hand-made datasets for integration tests (no import files, no demo)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from app.db.models import Building, Community, FeeItem, Meter, MeterReading, Occupancy, Party, Room, TariffVersion


class World:
    def __init__(self, s: Session, name: str = "阳光花园", options: dict | None = None) -> None:
        self.s = s
        self.community = Community(name=name, code="YG", options=options or {})
        s.add(self.community)
        s.flush()
        self.buildings: dict[str, Building] = {}
        self.rooms: dict[str, Room] = {}
        self.meters: dict[str, Meter] = {}
        self.items: dict[str, FeeItem] = {}

    def room(self, key: str, area: str, usage: str = "residential", charge_start: date | None = None,
             owner: str | None = None, phone: str | None = None) -> Room:
        parts = key.split("-")
        bname = parts[0]
        if bname not in self.buildings:
            self.buildings[bname] = Building(community_id=self.community.id, name=bname)
            self.s.add(self.buildings[bname])
            self.s.flush()
        r = Room(community_id=self.community.id, building_id=self.buildings[bname].id,
                 unit=parts[1] if len(parts) == 3 else "", number=parts[-1], room_key=key, area=Decimal(area),
                 usage=usage, charge_start=charge_start)
        self.s.add(r)
        self.s.flush()
        if owner:
            from pypinyin import Style, lazy_pinyin

            p = Party(name=owner, name_initials="".join(lazy_pinyin(owner, style=Style.FIRST_LETTER)).lower(),
                      phone=phone, phone_last4=phone[-4:] if phone else None)
            self.s.add(p)
            self.s.flush()
            self.s.add(Occupancy(room_id=r.id, party_id=p.id, role="owner"))
        self.rooms[key] = r
        return r

    def meter(self, meter_no: str, kind: str, room_key: str | None, multiplier: str = "1", digits: int = 8,
              initial: str = "0") -> Meter:
        m = Meter(meter_no=meter_no, community_id=self.community.id,
                  room_id=self.rooms[room_key].id if room_key else None, kind=kind, multiplier=Decimal(multiplier),
                  digits=digits, initial=Decimal(initial))
        self.s.add(m)
        self.s.flush()
        self.meters[meter_no] = m
        return m

    def reading(self, meter_no: str, period: str, value: str, rollover: bool = False, status: str = "valid",
                revision: int = 0) -> MeterReading:
        r = MeterReading(meter_id=self.meters[meter_no].id, period=period, reading=Decimal(value), rollover=rollover,
                         status=status, revision=revision, source="manual")
        self.s.add(r)
        self.s.flush()
        return r

    def fee(self, code: str, basis: str, unit_price: str | None = None, tiers: list | None = None,
            effective_from: date = date(2000, 1, 1), **kw) -> FeeItem:
        usages = kw.pop("usages", ["parking"] if basis == "parking" else ["residential", "shop", "office"])
        item = FeeItem(community_id=self.community.id, code=code, name=kw.pop("name", code), basis=basis,
                       usages=usages, **kw)
        self.s.add(item)
        self.s.flush()
        self.s.add(TariffVersion(fee_item_id=item.id, effective_from=effective_from,
                                 unit_price=Decimal(unit_price) if unit_price else None, tiers=tiers))
        self.s.flush()
        self.items[code] = item
        return item

    def price(self, code: str, effective_from: date, unit_price: str | None = None, tiers: list | None = None) -> None:
        self.s.add(TariffVersion(fee_item_id=self.items[code].id, effective_from=effective_from,
                                 unit_price=Decimal(unit_price) if unit_price else None, tiers=tiers))
        self.s.flush()
