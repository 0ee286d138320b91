"""Master data of the demo company (app.demo): one community's buildings and rooms,
who owns or rents them since when, their cars; then its meters and readings
(app.demo.readings).

Shape (N = rooms of the community, counted over flats + shops + parking spaces): ~1.5 %
shops, parking spaces for ~15 % of the households, the rest flats in buildings `1..k`:
high-rise buildings with 1-3 units and floors 2..33 (`3-2-1502`), low-rise ones without units
(`8-101`); shops in `S1` (`S1-101`), parking in `P` with basement levels as units
(`P-B1-023`). `charge_start` (handover): most rooms years ago; ~2 % inside the twelve demo
months (prorated bills); ~1 % of the flats in the future (not handed over: no owner, no
meters). Another ~2 % of the flats are handed over but unsold (no owner; meters that stand
still). Each owned flat has one owner (some own two), ~5 % also a tenant; shops often have a
business as tenant; parking spaces belong to flat owners of the same community.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

from app.db.models import Building, Occupancy, Party, Room, Vehicle
from app.ids import new_ids
from app.demo import names as N
from app.demo.readings import CHUNK, ReadingsBuilder, _Writer, dec2, demo_periods, month_add


class Initials:
    """Pinyin initials of a name ("张伟" -> "zw"), cached per character (pypinyin is slow)."""

    def __init__(self) -> None:
        from pypinyin import Style, lazy_pinyin

        self._lazy = lazy_pinyin
        self._style = Style.FIRST_LETTER
        self._cache: dict[str, str] = {}

    def __call__(self, name: str) -> str:
        cache = self._cache
        out = []
        for ch in name:
            v = cache.get(ch)
            if v is None:
                v = "".join(self._lazy(ch, style=self._style)).lower()
                cache[ch] = v
            out.append(v)
        return "".join(out)

    def phrase(self, text: str) -> str:
        """Initials of a phrase (business names), with pypinyin's word context."""
        return "".join(self._lazy(text, style=self._style)).lower()


BUILDING_COLS = ("id", "community_id", "name")
ROOM_COLS = ("id", "community_id", "building_id", "unit", "number", "room_key", "area", "usage",
             "charge_start", "created_at")
PARTY_COLS = ("id", "name", "name_initials", "phone", "phone_last4", "note")
OCC_COLS = ("id", "room_id", "party_id", "role", "start_date", "end_date", "is_payer")
VEHICLE_COLS = ("id", "plate", "party_id", "space_room_id", "home_room_id")


class MasterBuilder(ReadingsBuilder):
    """Builds communities' rooms, people and meters; `app.demo.build._Builder` adds the
    communities themselves and their fee items."""

    def __init__(self, writer: _Writer, rooms: int, seed: int, today: date) -> None:
        self.conn = writer.conn
        self.w = writer
        self.rng = random.Random(seed)
        self.rooms = rooms
        self.today = today
        self.periods = demo_periods(today)
        fy, fm = int(self.periods[0][:4]), int(self.periods[0][5:])
        ly, lm = int(self.periods[-1][:4]), int(self.periods[-1][5:])
        self.window_start = date(fy, fm, 1)
        ny, nm = month_add(ly, lm, 1)
        self.window_end = date(ny, nm, 1) - timedelta(days=1)  # last day of the last period
        self.period_months = [int(p[5:]) for p in self.periods]
        oy, om = month_add(fy, fm, -1)
        self.opening_month = (oy, om)
        self.initials = Initials()
        self.phones: set[str] = set()
        self.plates: set[str] = set()
        self.meter_seq = 0
        self.counts = dict.fromkeys(
            ("communities", "buildings", "rooms", "flats", "shops", "parking", "parties", "occupancies",
             "tenants", "vacant", "not_handed_over", "handed_over_in_window", "vehicles", "meters", "readings",
             "rollovers", "fee_items"), 0)
        self.first_reader: str | None = None
        self.first_community_id: str | None = None

    # ---------------------------------------------------------------- people

    def person_name(self) -> str:
        rng = self.rng
        surname = rng.choices(self._surnames, cum_weights=self._surname_cum)[0]
        chars = N.GIVEN_CHARS
        if len(surname) == 2 or rng.random() < 0.3:
            return surname + chars[rng.randrange(len(chars))]
        return surname + chars[rng.randrange(len(chars))] + chars[rng.randrange(len(chars))]

    def phone(self) -> str:
        rng = self.rng
        while True:
            p = N.MOBILE_PREFIXES[rng.randrange(len(N.MOBILE_PREFIXES))] + f"{rng.randrange(100_000_000):08d}"
            if p not in self.phones:
                self.phones.add(p)
                return p

    def plate(self, local: str) -> str:
        rng = self.rng
        while True:
            prefix = local if rng.random() < 0.85 else rng.choice(N.OTHER_PLATE_PREFIXES)
            if rng.random() < 0.6:
                tail = f"{rng.randrange(100_000):05d}"
            else:  # one letter among the digits, as many plates have
                pos = rng.randrange(5)
                digits = f"{rng.randrange(10_000):04d}"
                tail = digits[:pos] + rng.choice(N.PLATE_LETTERS) + digits[pos:]
            p = f"{prefix}·{tail}"
            if p not in self.plates:
                self.plates.add(p)
                return p

    # ---------------------------------------------------------------- run

    # ---------------------------------------------------------------- one community

    def community(self, cid: str, code: str, n: int) -> None:
        rng = self.rng
        w = self.w
        ws = self.window_start
        latest_delivery = ws - timedelta(days=400)
        delivered = date(rng.randrange(self.today.year - 16, self.today.year - 2), rng.randrange(1, 13),
                         rng.randrange(1, 29))
        delivered = min(delivered, latest_delivery)

        shops = 0 if n < 40 else max(2, round(n * rng.uniform(0.01, 0.02)))
        ratio = rng.uniform(0.13, 0.17)
        parking = round((n - shops) * ratio / (1 + ratio))
        flats = n - shops - parking

        readers = [self.person_name() for _ in range(2 + n // 15000)]
        if self.first_reader is None:
            self.first_reader = readers[0]

        # --- buildings and rooms: (building index, unit, number, key, area in 1/100 m², usage)
        bnames: list[str] = []
        bdates: list[date] = []
        rooms: list[tuple[int, str, str, str, int, str]] = []
        left = flats
        bno = 0
        while left > 0:
            bno += 1
            bi = len(bnames)
            bnames.append(str(bno))
            phase = 0 if rng.random() < 0.6 else 1
            bdates.append(min(delivered + timedelta(days=phase * rng.randrange(300, 500)), latest_delivery))
            if rng.random() < 0.78:  # high-rise with units, floors 2..top
                units = rng.choice((1, 2, 2, 2, 3, 3))
                top = rng.choice((11, 11, 18, 18, 18, 26, 28, 32, 33))
                per_floor = rng.choice((2, 2, 2, 3, 4))
                first_floor = 2
            else:  # low-rise without units, floors 1..top
                units = 0
                top = rng.randrange(4, 8)
                per_floor = rng.randrange(2, 5)
                first_floor = 1
            unit_names = [str(u) for u in range(1, units + 1)] or [""]
            stack = {(u, p): self.flat_area() for u in unit_names for p in range(1, per_floor + 1)}
            cap = len(unit_names) * per_floor * (top - first_floor + 1)
            slots = [(u, f, p) for f in range(first_floor, top + 1) for u in unit_names
                     for p in range(1, per_floor + 1)]
            if cap > left:  # the last building: the lowest floors first, the top floor maybe partial
                slots = slots[:left]
            slots.sort(key=lambda s: (s[0], s[1], s[2]))
            bname = bnames[bi]
            for u, f, p in slots:
                number = f"{f}{p:02d}"
                key = f"{bname}-{u}-{number}" if u else f"{bname}-{number}"
                rooms.append((bi, u, number, key, stack[(u, p)], "residential"))
            left -= len(slots)

        # shops: S1, S2… two floors, up to 15 a floor
        si = 0
        left = shops
        while left > 0:
            si += 1
            bi = len(bnames)
            bnames.append(f"S{si}")
            bdates.append(delivered)
            take = min(left, 30)
            for k in range(take):
                f, p = 1 + k // 15, 1 + k % 15
                number = f"{f}{p:02d}"
                area = rng.randrange(3000, 9000) if rng.random() < 0.7 else rng.randrange(9000, 20001)
                rooms.append((bi, "", number, f"S{si}-{number}", area, "shop"))
            left -= take

        # parking: garage P (or P1, P2… in big communities), basement levels B1..B3 as units
        garages = max(1, math.ceil(parking / 2997)) if parking else 0
        left = parking
        for g in range(garages):
            gname = "P" if garages == 1 else f"P{g + 1}"
            bi = len(bnames)
            bnames.append(gname)
            bdates.append(delivered)
            in_garage = min(left, math.ceil(parking / garages))
            levels = max(1, math.ceil(in_garage / 999))
            per_level = math.ceil(in_garage / levels)
            for k in range(in_garage):
                unit = f"B{1 + k // per_level}"
                number = f"{1 + k % per_level:03d}"
                rooms.append((bi, unit, number, f"{gname}-{unit}-{number}", rng.randrange(1200, 1501), "parking"))
            left -= in_garage

        bids = new_ids(len(bnames))
        w.insert(Building.__table__, BUILDING_COLS, [(bids[i], cid, nm) for i, nm in enumerate(bnames)])
        self.counts["buildings"] += len(bnames)

        # --- who and since when
        n_rooms = len(rooms)
        flat_idx = [i for i, r in enumerate(rooms) if r[5] == "residential"]
        shop_idx = [i for i, r in enumerate(rooms) if r[5] == "shop"]
        park_idx = [i for i, r in enumerate(rooms) if r[5] == "parking"]
        # status of a flat: "owned", "vacant" (handed over, unsold), "recent" (handed over in
        # the demo year), "future" (not yet handed over)
        status = ["owned"] * n_rooms
        pool = list(flat_idx)
        rng.shuffle(pool)
        k_future = max(1, round(len(flat_idx) * 0.01)) if len(flat_idx) >= 20 else 0
        k_recent = max(1, round(len(flat_idx) * 0.02)) if len(flat_idx) >= 20 else 0
        k_vacant = max(1, round(len(flat_idx) * 0.02)) if len(flat_idx) >= 20 else 0
        for i in pool[:k_future]:
            status[i] = "future"
        for i in pool[k_future:k_future + k_recent]:
            status[i] = "recent"
        for i in pool[k_future + k_recent:k_future + k_recent + k_vacant]:
            status[i] = "vacant"
        for idx, share in ((shop_idx, 0.05), (park_idx, 0.05)):
            for i in idx:
                if rng.random() < share:
                    status[i] = "vacant"
                elif rng.random() < 0.03:
                    status[i] = "recent"

        span_recent = (self.window_end - ws).days + 1
        starts: list[date] = []
        for i, r in enumerate(rooms):
            st = status[i]
            if st == "future":
                cs = self.today + timedelta(days=rng.randrange(10, 121))
            elif st == "recent":
                cs = ws + timedelta(days=rng.randrange(span_recent))
            else:
                base = bdates[r[0]]
                if r[5] == "parking":
                    cs = base + timedelta(days=rng.randrange(0, 1500))
                elif rng.random() < 0.75:
                    cs = base
                else:
                    cs = base + timedelta(days=rng.randrange(1, 400))
                cs = min(cs, ws - timedelta(days=1))
            starts.append(cs)

        room_ids = new_ids(n_rooms)
        d = w.date
        ts = w.ts
        room_rows = [(room_ids[i], cid, bids[r[0]], r[1], r[2], r[3], dec2(r[4]), r[5], d(starts[i]), ts)
                     for i, r in enumerate(rooms)]
        for k in range(0, n_rooms, CHUNK):
            w.insert(Room.__table__, ROOM_COLS, room_rows[k:k + CHUNK])
        del room_rows
        self.counts["flats"] += len(flat_idx)
        self.counts["shops"] += len(shop_idx)
        self.counts["parking"] += len(park_idx)
        self.counts["not_handed_over"] += k_future
        self.counts["handed_over_in_window"] += sum(1 for s in status if s == "recent")

        # --- parties and occupancies
        parties: list[tuple] = []
        occs: list[tuple] = []
        owner_of: dict[int, int] = {}  # room index -> party index
        owned_flats: list[int] = []
        initials = self.initials

        def new_person(note: str | None = None) -> int:
            name = self.person_name()
            phone = self.phone()
            parties.append((name, initials(name), phone, phone[-4:], note))
            return len(parties) - 1

        for i in flat_idx:
            if status[i] in ("future", "vacant"):
                continue
            if owned_flats and rng.random() < 0.03:  # an owner of another flat here
                pi = owner_of[owned_flats[rng.randrange(len(owned_flats))]]
            else:
                pi = new_person()
            owner_of[i] = pi
            owned_flats.append(i)
            occs.append((i, pi, "owner", starts[i], None, True))
        tenants = rng.sample(owned_flats, round(len(owned_flats) * 0.05)) if owned_flats else []
        tenants.sort()
        for i in tenants:
            occs.append((i, new_person(), "tenant", *self.lease(), False))
        for i in shop_idx:
            if status[i] == "vacant":
                continue
            owner_of[i] = new_person()
            occs.append((i, owner_of[i], "owner", starts[i], None, True))
            if rng.random() < 0.4:
                biz = rng.choice(N.SHOP_TENANTS)
                phone = self.phone()
                parties.append((biz, initials.phrase(biz), phone, phone[-4:], "商户"))
                occs.append((i, len(parties) - 1, "tenant", *self.lease(), False))
        # parking spaces belong to households of this community (one space each, mostly)
        buyers = list(owned_flats)
        rng.shuffle(buyers)
        vehicles: list[tuple[str, int, int, int]] = []  # plate, party, space room, home room
        for n_sp, i in enumerate(park_idx):
            if status[i] == "vacant" or not buyers:
                continue
            home = buyers[n_sp % len(buyers)]
            pi = owner_of[home]
            owner_of[i] = pi
            occs.append((i, pi, "owner", starts[i], None, True))
            if rng.random() < 0.75:
                vehicles.append((self.plate(self.plate_prefix), pi, i, home))

        party_ids = new_ids(len(parties))
        w.insert(Party.__table__, PARTY_COLS, [(party_ids[k], *p) for k, p in enumerate(parties)])
        occ_ids = new_ids(len(occs))
        w.insert(Occupancy.__table__, OCC_COLS,
                 [(occ_ids[k], room_ids[o[0]], party_ids[o[1]], o[2], d(o[3]), d(o[4]), o[5])
                  for k, o in enumerate(occs)])
        veh_ids = new_ids(len(vehicles))
        w.insert(Vehicle.__table__, VEHICLE_COLS,
                 [(veh_ids[k], v[0], party_ids[v[1]], room_ids[v[2]], room_ids[v[3]]) for k, v in enumerate(vehicles)])
        self.counts["parties"] += len(parties)
        self.counts["occupancies"] += len(occs)
        self.counts["tenants"] += sum(1 for o in occs if o[2] == "tenant")
        self.counts["vacant"] += sum(1 for i in flat_idx if status[i] in ("future", "vacant"))
        self.counts["vehicles"] += len(vehicles)
        del parties, occs, vehicles

        # --- meters and readings
        self.meters(cid, code, rooms, room_ids, status, starts, readers, len(flat_idx) + len(shop_idx))

    def flat_area(self) -> int:
        """Area of a flat layout in 1/100 m²: mostly 85-125 m², some small, some large."""
        rng = self.rng
        r = rng.random()
        if r < 0.15:
            return rng.randrange(5000, 8500)
        if r < 0.85:
            return int(rng.triangular(8500, 12500, 10200))
        return rng.randrange(12500, 18001)

    def lease(self) -> tuple[date, date]:
        """A current lease of one or two years: (start, end)."""
        start = self.today - timedelta(days=self.rng.randrange(20, 360))
        years = 1 if self.rng.random() < 0.7 else 2
        end = date(start.year + years, start.month, min(start.day, 28)) - timedelta(days=1)
        return start, end
