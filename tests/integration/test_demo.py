"""The demo company (`init --demo`): shape, plausibility, readings, determinism, re-run.

Built once per database kind (SQLite and PostgreSQL) with 300 rooms; the canonical dump
(business columns, no ids or timestamps) must be identical across runs with the same seed
and `today`, across the two databases, and different for another seed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

import pytest
from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, select

from app.context import AppContext
from app.db.models import (
    Building,
    Community,
    FeeItem,
    Meter,
    MeterReading,
    Occupancy,
    Party,
    Role,
    Room,
    TariffVersion,
    User,
    Vehicle,
)
from app.errors import InputError
from app.services import users
from app.demo import build_demo

TODAY = date(2026, 3, 10)
PERIODS = [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]
ROOMS = 300
HAN = re.compile(r"^[\u4e00-\u9fff]+$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def _open(url: str) -> AppContext:
    ctx = AppContext.open(url)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        users.ensure_terminal(s, "T1")
    return ctx


def canonical(ctx: AppContext) -> dict[str, list[tuple]]:
    """Every business column of the demo, keyed by natural keys, sorted: no ids, no timestamps."""
    out: dict[str, list[tuple]] = {}
    with ctx.engine.connect() as c:
        cname = dict(c.execute(select(Community.id, Community.name)).all())
        bname = dict(c.execute(select(Building.id, Building.name)).all())
        rkey = {rid: (cname[cid], key)
                for rid, cid, key in c.execute(select(Room.id, Room.community_id, Room.room_key))}
        pinfo = {r[0]: tuple(r[1:]) for r in c.execute(
            select(Party.id, Party.name, Party.name_initials, Party.phone, Party.phone_last4, Party.note))}
        mno = dict(c.execute(select(Meter.id, Meter.meter_no)).all())
        fcode = {fid: (cname[cid], code) for fid, cid, code in c.execute(
            select(FeeItem.id, FeeItem.community_id, FeeItem.code))}
        out["community"] = sorted((r.name, r.code, r.address, repr(r.options)) for r in c.execute(select(Community)))
        out["room"] = sorted((cname[r.community_id], bname[r.building_id], r.unit, r.number, r.room_key, str(r.area),
                              r.usage, r.charge_start) for r in c.execute(select(Room)))
        out["party"] = sorted(pinfo.values(), key=repr)
        out["occupancy"] = sorted((rkey[r.room_id], pinfo[r.party_id], r.role, r.start_date, r.end_date, r.is_payer)
                                  for r in c.execute(select(Occupancy)))
        out["vehicle"] = sorted((r.plate, pinfo[r.party_id], rkey[r.space_room_id], rkey[r.home_room_id])
                                for r in c.execute(select(Vehicle)))
        out["meter"] = sorted((r.meter_no, cname[r.community_id], rkey.get(r.room_id), r.kind, str(r.multiplier),
                               r.digits, str(r.initial), r.installed_on, r.active) for r in c.execute(select(Meter)))
        out["reading"] = sorted((mno[r.meter_id], r.period, r.revision, str(r.reading), r.read_at, r.reader, r.source,
                                 r.status, r.rollover) for r in c.execute(select(MeterReading)))
        out["fee_item"] = sorted((cname[r.community_id], r.code, r.name, r.basis, r.meter_kind, r.tier_period,
                                  repr(r.apportion), repr(r.usages), r.rounding, r.due_day, repr(r.late_fee), r.active)
                                 for r in c.execute(select(FeeItem)))
        out["tariff"] = sorted((fcode[r.fee_item_id], r.effective_from, str(r.unit_price), repr(r.tiers))
                               for r in c.execute(select(TariffVersion)))
    return out


@pytest.fixture(scope="module")
def sqlite_reference(tmp_path_factory) -> tuple[dict, dict]:
    """(summary, canonical dump) of the reference build on SQLite."""
    ctx = _open(f"sqlite:///{tmp_path_factory.mktemp('demo_ref') / 'ref.db'}")
    try:
        summary = build_demo(ctx, rooms=ROOMS, seed=7, today=TODAY)
        return summary, canonical(ctx)
    finally:
        ctx.close()


@pytest.fixture
def demo(any_db_url):  # type: ignore[no-untyped-def]
    ctx = _open(any_db_url)
    summary = build_demo(ctx, rooms=ROOMS, seed=7, today=TODAY)
    yield ctx, summary
    ctx.close()


def test_demo_on_each_database(demo, sqlite_reference):  # type: ignore[no-untyped-def]
    ctx, summary = demo
    dump = canonical(ctx)
    rooms = dump["room"]

    # --- counts and summary
    assert len(rooms) == ROOMS == summary["rooms"]
    assert summary["periods"] == [PERIODS[0], PERIODS[-1]]
    assert summary["meters"] == len(dump["meter"]) and summary["readings"] == len(dump["reading"])
    assert summary["communities"] == len(dump["community"]) == 1
    by_usage = Counter(r[6] for r in rooms)
    assert by_usage["shop"] >= 2 and 0.09 * ROOMS <= by_usage["parking"] <= 0.18 * ROOMS
    assert by_usage["residential"] == ROOMS - by_usage["shop"] - by_usage["parking"]

    # --- the same data as on SQLite, byte for byte (storage forms agree across databases)
    assert dump == sqlite_reference[1]

    # --- communities
    (name, code, address, options), = dump["community"]
    assert HAN.match(name) and code and re.match(r"^[\u4e00-\u9fff]+市.+号$", address)
    assert options == repr({"prepaid_deduction": False})

    # --- rooms: keys, areas, handover dates
    for comm, building, unit, number, key, area, usage, charge_start in rooms:
        area = Decimal(area)
        assert area == area.quantize(Decimal("0.01"))
        if usage == "residential":
            assert re.match(r"^\d+$", building) and 50 <= area <= 180
            if unit:
                assert re.match(r"^[1-3]$", unit) and 2 <= int(number[:-2]) <= 33
                assert key == f"{building}-{unit}-{number}"
            else:
                assert key == f"{building}-{number}"
            assert re.match(r"^\d{3,4}$", number)
        elif usage == "shop":
            assert re.match(r"^S\d+$", building) and unit == "" and 30 <= area <= 200
            assert key == f"{building}-{number}"
        else:
            assert usage == "parking" and re.match(r"^P\d*$", building) and re.match(r"^B[1-3]$", unit)
            assert re.match(r"^\d{3}$", number) and key == f"{building}-{unit}-{number}" and 12 <= area <= 15
        assert charge_start is not None
    assert len({r[4] for r in rooms}) == ROOMS
    flat_areas = [Decimal(r[5]) for r in rooms if r[6] == "residential"]
    assert 85 <= sum(flat_areas) / len(flat_areas) <= 125
    starts = [r[7] for r in rooms]
    future = [s for s in starts if s > TODAY]
    in_window = [s for s in starts if date(2025, 3, 1) <= s <= date(2026, 2, 28)]
    assert 1 <= len(future) <= 0.03 * ROOMS and 1 <= len(in_window) <= 0.08 * ROOMS
    assert sum(1 for s in starts if s < date(2025, 3, 1)) >= 0.9 * ROOMS

    # --- people
    owners = defaultdict(list)
    for room, party, role, start, end, payer in dump["occupancy"]:
        owners[(room, role)].append(party)
        if role == "tenant":
            assert start <= TODAY <= end and payer is False
    for name, initials, phone, last4, note in dump["party"]:
        assert HAN.match(name) and MOBILE.match(phone) and last4 == phone[-4:]
        if note is None:  # a person: surname + 1-2 characters
            assert 2 <= len(name) <= 4
            assert initials == "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
        assert re.match(r"^[a-z]+$", initials)
    assert len({p[2] for p in dump["party"]}) == len(dump["party"])  # phones unique
    owned_keys = {room for (room, role) in owners if role == "owner"}
    assert all(len(v) == 1 for (room, role), v in owners.items() if role == "owner")
    tenants = sum(1 for (room, role) in owners if role == "tenant")
    flats = [(r[0], r[4]) for r in rooms if r[6] == "residential"]
    vacant_flats = [k for k in flats if k not in owned_keys]
    assert 1 <= tenants and 1 <= len(vacant_flats) <= 0.06 * len(flats)
    for (comm, key) in [(r[0], r[4]) for r in rooms if r[7] > TODAY]:
        assert (comm, key) not in owned_keys  # not handed over: nobody owns it yet
    plates = [v[0] for v in dump["vehicle"]]
    assert plates and all(re.match(r"^[\u4e00-\u9fff][A-Z]·[0-9A-HJ-NP-Z]{5}$", p) for p in plates)
    for plate, party, space, home in dump["vehicle"]:
        assert space[1].startswith("P") and (space, "owner") in owners and owners[(space, "owner")] == [party]

    # --- meters: each handed-over flat has water and electricity; public meters per community
    meters = {m[0]: m for m in dump["meter"]}
    room_of = defaultdict(set)
    for no, comm, room, kind, mult, digits, initial, installed, active in dump["meter"]:
        if room is None:
            assert no in (f"PUB-E-{code}", f"PUB-W-{code}")
        else:
            room_of[room].add(kind)
            assert re.match(r"^[WE]-\d{7}$", no) and mult == "1"
            assert digits in ((6, 4) if kind == "water" else (8, 5))
        assert installed == date(2025, 2, installed.day) and 25 <= installed.day <= 28
    assert meters[f"PUB-E-{code}"][4] == "40" and meters[f"PUB-E-{code}"][3] == "electricity"
    for comm, building, unit, number, key, area, usage, charge_start in rooms:
        want = {"water", "electricity"} if usage == "residential" and charge_start <= TODAY else set()
        assert room_of.get((comm, key), set()) == want, key

    # --- readings: 12 a meter, one per period, non-decreasing except confirmed rollovers
    series = defaultdict(list)
    for no, period, revision, reading, read_at, reader, source, status, rollover in dump["reading"]:
        assert revision == 0 and source == "demo" and status == "valid" and HAN.match(reader)
        assert read_at.strftime("%Y-%m") == period and 25 <= read_at.day <= 28
        series[no].append((period, Decimal(reading), rollover))
    assert set(series) == set(meters)
    rollovers = 0
    usage_by_kind = defaultdict(list)
    for no, rows in series.items():
        assert [p for p, _, _ in rows] == PERIODS
        prev = Decimal(meters[no][6])
        digits, mult = meters[no][5], Decimal(meters[no][4])
        for _, value, rollover in rows:
            # what the register can show: 0 up to its digits, to the hundredth
            assert 0 <= value < 10 ** digits and value == value.quantize(Decimal("0.01"))
            if rollover:
                rollovers += 1
                assert value < prev
                used = value + 10 ** digits - prev
            else:
                assert value >= prev, no
                used = value - prev
            usage_by_kind[(meters[no][2] is None, meters[no][3])].append(used * mult)
            prev = value
    assert rollovers >= 2 and rollovers == summary["rollovers"]
    water = [u for u in usage_by_kind[(False, "water")] if u > 0]
    elec = [u for u in usage_by_kind[(False, "electricity")] if u > 0]
    assert 8 <= sum(water) / len(water) <= 20 and max(water) > 25  # m³ a month, some heavy users
    assert 150 <= sum(elec) / len(elec) <= 400 and max(elec) > 400  # kWh a month
    assert min(usage_by_kind[(True, "electricity")]) > 0

    # --- fee items and tariffs, in the JSON forms of billing-rules.md
    items = {r[1]: r for r in dump["fee_item"]}
    assert set(items) == {"PM", "PM-S", "WATER", "ELEC", "PUB-E", "PARK", "GARB"}
    assert items["PUB-E"][6] == repr({"by": "area", "meter_no": f"PUB-E-{code}", "scope": "community"})
    assert items["PARK"][7] == repr(["parking"]) and items["PM-S"][7] == repr(["shop"])
    assert items["PM"][10] == repr({"cap_ratio": "1", "daily_rate": "0.0003", "grace_days": 30})
    tariffs = {r[0][1]: r for r in dump["tariff"]}
    assert all(t[1] == date(2000, 1, 1) for t in tariffs.values())
    assert tariffs["PM"][2] == "2.50" and tariffs["PARK"][2] == "80" and tariffs["PUB-E"][2] == "0.65"
    assert tariffs["WATER"][3] == repr([{"unit_price": "5.00", "up_to": "180"}, {"unit_price": "7.00", "up_to": "260"},
                                        {"unit_price": "9.00", "up_to": None}])
    assert items["WATER"][5] == "year" and items["ELEC"][5] == "month" and items["ELEC"][4] == "electricity"

    # --- users and the counter
    with ctx.uow() as s:
        cashier = s.scalar(select(User).where(User.username == "cashier1"))
        reader = s.scalar(select(User).where(User.username == "reader1"))
        assert cashier.display_name == "张敏" and users.check_password("1234", cashier.password_hash)
        assert s.get(Role, cashier.role_id).code == "cashier" and s.get(Role, reader.role_id).code == "reader"
        assert HAN.match(reader.display_name)

    # --- a second run refuses and changes nothing
    with pytest.raises(InputError) as refused:
        build_demo(ctx, rooms=ROOMS, seed=7, today=TODAY)
    assert refused.value.code == "demo.not_empty" and "already has data" in refused.value.text("en")
    assert "已有数据" in refused.value.text("zh")
    with ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Room)) == ROOMS
        assert s.scalar(select(func.count()).select_from(User)) == 3


def test_same_seed_same_data_other_seed_other_data(tmp_path, sqlite_reference):  # type: ignore[no-untyped-def]
    dumps = {}
    for label, seed in (("again", 7), ("other", 8)):
        ctx = _open(f"sqlite:///{tmp_path / label}.db")
        try:
            build_demo(ctx, rooms=ROOMS, seed=seed, today=TODAY)
            dumps[label] = canonical(ctx)
        finally:
            ctx.close()
    assert dumps["again"] == sqlite_reference[1]
    other = dumps["other"]
    assert len(other["room"]) == ROOMS
    for table in ("room", "party", "meter", "reading"):
        assert other[table] != sqlite_reference[1][table]


@pytest.mark.parametrize("rooms", [1, 7, 45, 400])
def test_exact_room_count_at_any_size(tmp_path, monkeypatch, rooms):  # type: ignore[no-untyped-def]
    from app.demo import build as demo

    if rooms == 400:  # several communities without building 60,000 rooms
        monkeypatch.setattr(demo, "ROOMS_PER_COMMUNITY", 150)
    ctx = _open(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        summary = build_demo(ctx, rooms=rooms, seed=3, today=TODAY)
        with ctx.engine.connect() as c:
            assert c.scalar(select(func.count()).select_from(Room)) == rooms == summary["rooms"]
            n_comm = c.scalar(select(func.count()).select_from(Community))
            assert n_comm == max(1, round(rooms / demo.ROOMS_PER_COMMUNITY))
            assert c.scalar(select(func.count()).select_from(FeeItem)) == 7 * n_comm
            assert c.scalar(select(func.count()).select_from(MeterReading)) == 12 * c.scalar(
                select(func.count()).select_from(Meter))
            assert c.scalar(select(func.count()).select_from(Meter).where(Meter.room_id.is_(None))) == 2 * n_comm
            if n_comm > 1:
                opts = [o["prepaid_deduction"] for o in c.scalars(select(Community.options))]
                assert opts.count(True) == 1
                codes = list(c.scalars(select(Community.code)))
                assert len(set(codes)) == n_comm
    finally:
        ctx.close()
