"""Meters import: references to communities and rooms, values, re-import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Meter, Room
from tests.unit.import_support import (  # noqa: F401
    FIXTURES, METERS_HEADER, db, fails, import_template_db, run, snapshot, write_csv)

ROW = ["W-1", "water", "3-2-1502", "阳光花园", "1", "5", "100"]


def _with(**changes: str) -> list[str]:
    row = list(ROW)
    for k, v in changes.items():
        row[METERS_HEADER.index(k)] = v
    return row


@pytest.fixture
def rooms(db):
    run(db, "rooms", FIXTURES / "rooms.csv")
    return db


def test_sample_file(rooms):
    result = run(rooms, "meters", FIXTURES / "meters.csv")
    assert (result["rows"], result["created"]) == (4, 4)
    with rooms.uow() as s:
        meters = {m.meter_no: m for m in s.scalars(select(Meter))}
        room_1502 = s.scalar(select(Room.id).where(Room.room_key == "3-2-1502"))
    assert meters["E-3-2-1502"].kind == "electricity" and meters["E-3-2-1502"].room_id == room_1502
    w = meters["W-3-2-1501"]  # empty cells take the defaults
    assert (w.multiplier, w.digits, w.initial) == (Decimal(1), 8, Decimal(0))
    pub = meters["PUB-E-1"]
    assert pub.room_id is None and pub.multiplier == 80 and pub.initial == Decimal("1000.5")


def test_unknown_community_room_and_room_of_another_community(rooms, tmp_path):
    run(rooms, "rooms", write_csv(tmp_path / "r.csv", [
        ["小区", "楼栋", "房号", "建筑面积"], ["翠湖苑", "1", "101", "50"]]))
    rows = [METERS_HEADER, _with(community="不存在小区"), _with(meter_no="W-2", room="9-9-999"),
            _with(meter_no="W-3", room="1-101"), _with(meter_no="W-4", room="1-101", community="翠湖苑")]
    e = fails(rooms, "meters", write_csv(tmp_path / "m.csv", rows), "第2行", "unknown community",
              "第3行", "unknown room", "'9-9-999'", "第4行")
    assert [(p.row, p.column) for p in e.problems] == [(2, "community"), (3, "room"), (4, "room")]


@pytest.mark.parametrize("column, value, reason", [
    ("kind", "steam", "not one of"), ("multiplier", "0", "greater than 0"), ("multiplier", "x", "not a decimal"),
    ("digits", "13", "between 1 and 12"), ("digits", "0", "between 1 and 12"), ("digits", "7.5", "whole number"),
    ("initial", "-1", "at least 0"), ("initial", "100000", "does not fit a 5-digit register"),
    ("meter_no", "", "required"),
])
def test_bad_values(rooms, tmp_path, column, value, reason):
    fails(rooms, "meters", write_csv(tmp_path / "m.csv", [METERS_HEADER, _with(**{column: value})]),
          "第2行", f"列 {column}", reason)


def test_chinese_kinds_and_headers(rooms, tmp_path):
    header = ["表号", "表类型", "房号", "小区", "倍率", "位数", "初始读数"]
    rows = [header, ["G-1", "燃气", "3-2-1502", "阳光花园", "", "", ""], ["H-1", "热水", "", "阳光花园", "", "", ""]]
    run(rooms, "meters", write_csv(tmp_path / "m.csv", rows))
    with rooms.uow() as s:
        assert sorted(s.scalars(select(Meter.kind))) == ["gas", "hot_water"]


def test_duplicate_meter_no(rooms, tmp_path):
    rows = [METERS_HEADER, ROW, _with(meter_no="W-2"), _with(room="3-2-1501")]
    fails(rooms, "meters", write_csv(tmp_path / "m.csv", rows), "第4行", "duplicate meter W-1",
          "rows 2 and 4")


def test_reimport_is_a_no_op(rooms):
    run(rooms, "meters", FIXTURES / "meters.csv")
    before = snapshot(rooms)
    assert run(rooms, "meters", FIXTURES / "meters.csv")["unchanged"] == 4
    assert snapshot(rooms) == before


def test_reimport_with_changes_updates_and_audits(rooms, tmp_path):
    run(rooms, "meters", write_csv(tmp_path / "a.csv", [METERS_HEADER, ROW]))
    result = run(rooms, "meters", write_csv(tmp_path / "b.csv", [METERS_HEADER, _with(room="", multiplier="2")]))
    assert result["updated"] == 1
    with rooms.uow() as s:
        m = s.scalar(select(Meter))
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.meters.update"))
    assert m.room_id is None and m.multiplier == 2  # an empty room cell makes it a public meter
    assert set(ev.detail["changes"]) == {"room_id", "multiplier"} and ev.entity_id == m.id


def test_without_a_room_column_the_room_is_kept(rooms, tmp_path):
    run(rooms, "meters", write_csv(tmp_path / "a.csv", [METERS_HEADER, ROW]))
    header = [h for h in METERS_HEADER if h != "room"]
    row = [v for h, v in zip(METERS_HEADER, ROW) if h != "room"]
    assert run(rooms, "meters", write_csv(tmp_path / "b.csv", [header, row]))["unchanged"] == 1


def test_read_meter_keeps_kind_digits_and_initial(rooms, tmp_path):
    run(rooms, "meters", write_csv(tmp_path / "a.csv", [METERS_HEADER, ROW]))
    readings = [["meter_no", "period", "reading"], ["W-1", "2026-01", "120"]]
    run(rooms, "readings", write_csv(tmp_path / "r.csv", readings))
    fails(rooms, "meters", write_csv(tmp_path / "b.csv", [METERS_HEADER, _with(initial="50", kind="gas")]),
          "第2行", "already has readings", "meter replacement")
    # the multiplier (a new current transformer ratio) may still change
    assert run(rooms, "meters", write_csv(tmp_path / "c.csv", [METERS_HEADER, _with(multiplier="3")]))["updated"] == 1
