"""Rooms import: values, duplicates, re-import (no-op, changes, owner changes)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEvent, Building, Community, Occupancy, Party, Room
from app.errors import PermissionDenied
from tests.unit.import_support import (  # noqa: F401
    FIXTURES, ROOMS_HEADER, db, fails, import_template_db, run, snapshot, write_csv)

ROW = ["阳光花园", "3", "2", "1502", "89.5", "residential", "2026-01-01", "张三", "13812345678"]


def _with(**changes: str) -> list[str]:
    row = list(ROW)
    for k, v in changes.items():
        row[ROOMS_HEADER.index(k)] = v
    return row


def test_sample_file_creates_everything(db):
    result = run(db, "rooms", FIXTURES / "rooms.csv")
    assert result == {"kind": "rooms", "rows": 4, "created": 4, "updated": 0, "unchanged": 0,
                      "communities_created": 1, "buildings_created": 2}
    with db.uow() as s:
        assert s.scalars(select(Community.name)).all() == ["阳光花园"]
        assert sorted(s.scalars(select(Building.name))) == ["3", "P"]
        rooms = {r.room_key: r for r in s.scalars(select(Room))}
        assert sorted(rooms) == ["3-101", "3-2-1501", "3-2-1502", "P-B1001"]
        assert rooms["3-2-1501"].usage == "residential"  # 住宅
        assert rooms["P-B1001"].usage == "parking" and rooms["P-B1001"].charge_start is None
        owners = {p.name: p for p in s.scalars(select(Party))}
        assert owners["李四"].phone == "010-12345678" and owners["李四"].name_initials == "ls"
        assert owners["王五"].phone is None
        occ = s.scalars(select(Occupancy)).all()
        assert len(occ) == 3 and {o.role for o in occ} == {"owner"} and all(o.end_date is None for o in occ)
        assert s.scalar(select(AuditEvent.action)) == "import.rooms"


@pytest.mark.parametrize("area, reason", [
    ("abc", "'abc' is not a decimal number"), ("-5", "'-5' must be greater than 0"),
    ("0", "'0' must be greater than 0"), ("1.2.3", "'1.2.3' is not a decimal number"),
    ("89.12345", "more than 4 decimals"), ("", "required value missing"),
])
def test_bad_area(db, tmp_path, area, reason):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, _with(room="1501"), _with(area=area)])
    e = fails(db, "rooms", f, "第3行", "列 area", reason)
    assert [(p.row, p.column) for p in e.problems] == [(3, "area")]


@pytest.mark.parametrize("column, value, reason", [
    ("charge_start", "2026-02-30", "not a real date"), ("charge_start", "01/02/2026", "not a date YYYY-MM-DD"),
    ("phone", "1381234567", "not a mobile number"), ("phone", "12812345678", "not a mobile number"),
    ("usage", "villa", "not one of"), ("building", "3-1", "may not contain '-'"), ("room", "", "required"),
    ("community", "x" * 101, "longer than 100"), ("owner", "", "needs the owner's name"),
])
def test_bad_values(db, tmp_path, column, value, reason):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, _with(**{column: value})])
    fails(db, "rooms", f, "第2行", reason)


def test_duplicate_room_names_both_rows(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, ROW, _with(room="1501"), _with(area="90")])
    e = fails(db, "rooms", f, "第4行", "duplicate room 3-2-1502", "rows 2 and 4")
    assert len(e.problems) == 1


def test_same_room_number_in_another_unit_or_community_is_fine(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, ROW, _with(unit="1"), _with(community="翠湖苑"), _with(unit="")])
    assert run(db, "rooms", f)["created"] == 4
    with db.uow() as s:
        assert sorted(s.scalars(select(Room.room_key))) == ["3-1-1502", "3-1502", "3-2-1502", "3-2-1502"]


def test_every_problem_is_reported_at_once(db, tmp_path):
    rows = [ROOMS_HEADER, _with(room="1500", area="abc"), ROW,
            _with(room="1501", phone="123", charge_start="2026-13-01"),
            _with(room="1503", usage="别墅"), _with(room="1504", area="-1")]
    e = fails(db, "rooms", write_csv(tmp_path / "r.csv", rows), "5 problem(s)")
    assert [(p.row, p.column) for p in e.problems] == [
        (2, "area"), (4, "charge_start"), (4, "phone"), (5, "usage"), (6, "area")]
    text = str(e)
    for n in (2, 4, 5, 6):
        assert f"第{n}行" in text
    assert "第3行" not in text


def test_reimport_changes_nothing(db):
    run(db, "rooms", FIXTURES / "rooms.csv")
    before = snapshot(db)
    result = run(db, "rooms", FIXTURES / "rooms.csv")
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 4)
    assert snapshot(db) == before  # not even an audit event


def test_reimport_updates_changed_fields_with_audit(db, tmp_path):
    run(db, "rooms", write_csv(tmp_path / "a.csv", [ROOMS_HEADER, ROW]))
    changed = _with(area="90.25", usage="office", charge_start="2026-02-01")
    result = run(db, "rooms", write_csv(tmp_path / "b.csv", [ROOMS_HEADER, changed]))
    assert (result["updated"], result["unchanged"]) == (1, 0)
    with db.uow() as s:
        room = s.scalar(select(Room))
        assert (room.area, room.usage, room.charge_start) == (Decimal("90.25"), "office", date(2026, 2, 1))
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.rooms.update"))
    assert ev.entity == "room" and ev.entity_id == room.id and ev.user == "admin"
    assert ev.detail["changes"] == {"area": ["89.5", "90.25"], "usage": ["residential", "office"],
                                    "charge_start": ["2026-01-01", "2026-02-01"]}
    assert ev.detail["file"] == "b.csv"


def test_empty_optional_cells_keep_stored_values(db, tmp_path):
    run(db, "rooms", write_csv(tmp_path / "a.csv", [ROOMS_HEADER, _with(usage="shop")]))
    sparse = _with(usage="", charge_start="", owner="", phone="")
    assert run(db, "rooms", write_csv(tmp_path / "b.csv", [ROOMS_HEADER, sparse]))["unchanged"] == 1
    with db.uow() as s:
        room = s.scalar(select(Room))
        assert room.usage == "shop" and room.charge_start == date(2026, 1, 1)
        assert s.scalar(select(func.count()).select_from(Occupancy)) == 1


def test_owner_change_keeps_history(db, tmp_path, monkeypatch):
    from datetime import datetime, timezone

    from app import clock

    run(db, "rooms", write_csv(tmp_path / "a.csv", [ROOMS_HEADER, ROW]))
    # 2026-03-01 20:00 UTC is already 2 March in Shanghai: the change is dated on the business day
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 1, 20, 0, tzinfo=timezone.utc))
    result = run(db, "rooms", write_csv(tmp_path / "b.csv", [ROOMS_HEADER, _with(owner="李四", phone="13900001111")]))
    assert result["updated"] == 1
    with db.uow() as s:
        occ = s.execute(select(Occupancy, Party.name).join(Party, Party.id == Occupancy.party_id)
                        .order_by(Occupancy.id)).all()
        assert [(name, o.start_date, o.end_date) for o, name in occ] == [
            ("张三", None, date(2026, 3, 2)), ("李四", date(2026, 3, 2), None)]
        assert s.scalar(select(func.count()).select_from(Party)) == 2  # the old owner is kept
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.rooms.update"))
    assert ev.detail["changes"]["owner"] == ["张三", "李四"]
    # and importing the new state again is a no-op
    assert run(db, "rooms", tmp_path / "b.csv")["unchanged"] == 1


def test_phone_change_of_the_same_owner_updates_the_party(db, tmp_path):
    run(db, "rooms", write_csv(tmp_path / "a.csv", [ROOMS_HEADER, ROW]))
    run(db, "rooms", write_csv(tmp_path / "b.csv", [ROOMS_HEADER, _with(phone="0571-88886666")]))
    with db.uow() as s:
        party = s.scalar(select(Party))
        assert (party.phone, party.phone_last4) == ("0571-88886666", "6666")
        assert s.scalar(select(func.count()).select_from(Occupancy)) == 1


def test_owner_of_two_rooms_is_one_party(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, ROW, _with(building="P", unit="", room="B1002", usage="车位")])
    run(db, "rooms", f)
    with db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Party)) == 1
        assert s.scalar(select(func.count()).select_from(Occupancy)) == 2


def test_a_cashier_may_not_import(db):
    before = snapshot(db)
    with pytest.raises(PermissionDenied):
        run(db, "rooms", FIXTURES / "rooms.csv", user="cashier1")
    assert snapshot(db) == before
