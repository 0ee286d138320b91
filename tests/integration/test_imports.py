"""Imports on SQLite and on PostgreSQL: the same results, all or nothing, re-import no-op."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import clock
from app.context import AppContext
from app.db.models import AuditEvent, Meter, MeterReading, Occupancy, Party, Room, TariffVersion
from app.services import users
from tests.unit.import_support import (
    FIXTURES, METERS_HEADER, READINGS_HEADER, ROOMS_HEADER, fails, run, snapshot, write_csv, write_xlsx)


@pytest.fixture
def ctx_any(any_db_url):
    c = AppContext.open(any_db_url)
    with c.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员")
    yield c
    c.close()


def _count(ctx: AppContext, model: type) -> int:
    with ctx.uow() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_whole_company_then_reimport_changes_nothing(ctx_any):
    files = [("rooms", "rooms.csv"), ("meters", "meters.csv"), ("readings", "readings.csv"),
             ("fee-items", "fee_items.json")]
    for kind, name in files:
        assert run(ctx_any, kind, FIXTURES / name)["created"] >= 4
    before = snapshot(ctx_any)
    for kind, name in files:
        result = run(ctx_any, kind, FIXTURES / name)
        assert (result["created"], result["updated"]) == (0, 0) and result["unchanged"] == result["rows"]
    assert snapshot(ctx_any) == before
    assert _count(ctx_any, TariffVersion) == 5


def test_a_bad_row_anywhere_imports_nothing(ctx_any, tmp_path):
    run(ctx_any, "rooms", FIXTURES / "rooms.csv")
    run(ctx_any, "meters", FIXTURES / "meters.csv")
    rows = [READINGS_HEADER] + [["W-3-2-1502", f"2025-{m:02d}", str(100 + m), "", ""] for m in range(1, 13)]
    rows.append(["NOPE", "2025-12", "1", "", ""])
    fails(ctx_any, "readings", write_csv(tmp_path / "r.csv", rows), "第14行", "unknown meter")
    assert _count(ctx_any, MeterReading) == 0


def test_overlong_values_are_input_errors_not_database_errors(ctx_any, tmp_path):
    # PostgreSQL enforces varchar lengths; the import must say so before the database does.
    rows = [ROOMS_HEADER, ["阳光花园", "3", "2" * 21, "1502", "89.5", "", "", "", ""]]
    fails(ctx_any, "rooms", write_csv(tmp_path / "r.csv", rows), "列 unit", "longer than 20")
    rows = [ROOMS_HEADER, ["阳光花园", "B" * 40, "U" * 20, "1502", "89.5", "", "", "张" * 10_000, ""]]
    fails(ctx_any, "rooms", write_csv(tmp_path / "r.csv", rows), "第2行", "列 room", "longer than 60",
          "列 owner", "longer than 100 characters (it has 10000)")
    run(ctx_any, "rooms", FIXTURES / "rooms.csv")
    rows = [METERS_HEADER, ["M" * 41, "water", "", "阳光花园", "", "", ""]]
    fails(ctx_any, "meters", write_csv(tmp_path / "m.csv", rows), "列 meter_no", "longer than 40")


def test_changes_on_reimport(ctx_any, tmp_path):
    run(ctx_any, "rooms", FIXTURES / "rooms.csv")
    run(ctx_any, "meters", FIXTURES / "meters.csv")
    rooms = [ROOMS_HEADER, ["阳光花园", "3", "2", "1502", "90", "", "", "赵六", "13700001111"]]
    assert run(ctx_any, "rooms", write_csv(tmp_path / "r.csv", rooms))["updated"] == 1
    meters = [METERS_HEADER, ["W-3-2-1502", "water", "3-2-1501", "阳光花园", "", "", ""]]
    assert run(ctx_any, "meters", write_csv(tmp_path / "m.csv", meters))["updated"] == 1
    with ctx_any.uow() as s:
        room = s.scalar(select(Room).where(Room.room_key == "3-2-1502"))
        assert room.area == Decimal(90)
        owners = s.execute(select(Party.name, Occupancy.end_date).join(Party, Party.id == Occupancy.party_id)
                           .where(Occupancy.room_id == room.id).order_by(Occupancy.id)).all()
        assert [tuple(o) for o in owners] == [("张三", clock.today()), ("赵六", None)]
        meter = s.scalar(select(Meter).where(Meter.meter_no == "W-3-2-1502"))
        assert meter.room_id == s.scalar(select(Room.id).where(Room.room_key == "3-2-1501"))
        actions = sorted(s.scalars(select(AuditEvent.action)))
    assert actions.count("import.rooms.update") == 1 and actions.count("import.meters.update") == 1


def test_rollover_and_xlsx(ctx_any, tmp_path):
    run(ctx_any, "rooms", FIXTURES / "rooms.csv")
    run(ctx_any, "meters", FIXTURES / "meters.csv")
    rows = [["表号", "账期", "本次读数", "抄表日期", "抄表员"],
            ["W-3-2-1502", "2026-01", 99999, date(2026, 1, 28), "小刘"],
            ["W-3-2-1502", "2026-02", 12.5, date(2026, 2, 27), "小刘"]]
    f = write_xlsx(tmp_path / "readings.xlsx", rows)
    fails(ctx_any, "readings", f, "第3行", "lower than the previous reading 99999")
    assert run(ctx_any, "readings", f, rollover=["W-3-2-1502"])["rollovers"] == 1
    with ctx_any.uow() as s:
        got = s.execute(select(MeterReading.period, MeterReading.reading, MeterReading.rollover)
                        .order_by(MeterReading.period)).all()
    assert [tuple(g) for g in got] == [("2026-01", Decimal(99999), False), ("2026-02", Decimal("12.5"), True)]


def test_bulk_rooms(ctx_any, tmp_path):
    rows = [ROOMS_HEADER] + [["大社区", str(b), str(u), f"{f:02d}01", "88.88", "", "2025-01-01", f"业主{b}{u}{f}",
                              f"139{b:02d}{u:02d}{f:04d}"]
                             for b in range(1, 11) for u in range(1, 5) for f in range(1, 51)]
    f = write_csv(tmp_path / "big.csv", rows)
    assert run(ctx_any, "rooms", f)["created"] == 2000
    assert _count(ctx_any, Room) == 2000 and _count(ctx_any, Party) == 2000 and _count(ctx_any, Occupancy) == 2000
    assert run(ctx_any, "rooms", f)["unchanged"] == 2000
    for i, row in enumerate(rows[1:]):  # change every room's area, and half of them their usage too
        row[4] = "90.5"
        row[5] = "office" if i % 2 else ""
    assert run(ctx_any, "rooms", write_csv(tmp_path / "big2.csv", rows))["updated"] == 2000
    with ctx_any.uow() as s:
        assert set(s.scalars(select(Room.area))) == {Decimal("90.5")}
        assert s.scalar(select(func.count()).where(Room.usage == "office")) == 1000
        assert s.scalar(select(func.count()).where(AuditEvent.action == "import.rooms.update")) == 2000


def test_xlsx_sample_equals_csv_sample(ctx_any):
    run(ctx_any, "rooms", FIXTURES / "rooms.csv")
    result = run(ctx_any, "rooms", FIXTURES / "rooms.xlsx")  # the same rooms, typed into Excel
    assert (result["rows"], result["unchanged"]) == (4, 4)


def test_an_imported_one_off_item_can_be_charged_at_the_counter(ctx_any, tmp_path):
    """Issue 10: `charge` used to work only on demo data, because no file could create a
    one-off item. Imported rooms + an imported one-off item + a counter charge."""
    import json

    from app.services.cashier.payments import Counter, charge_one_off
    from app.services.cashier.shifts import open_shift
    from app.services.cashier.tenders import TenderInput
    from app.services.imports.fee_items import community_options

    run(ctx_any, "rooms", FIXTURES / "rooms.csv")
    f = tmp_path / "fees.json"
    f.write_text(json.dumps({"community": "阳光花园", "options": {"prepaid_deduction": True},
                             "fee_items": [{"code": "ZX", "name": "装修垃圾清运费", "basis": "one_off"}]},
                            ensure_ascii=False), encoding="utf-8")
    assert run(ctx_any, "fee-items", f)["created"] == 1
    with ctx_any.uow() as s:
        users.ensure_user(s, "cashier1", "cashier", "收银员")
        users.ensure_terminal(s, "T1")
        open_shift(s, "T1", "cashier1", 0)
    with ctx_any.uow() as s:
        result = charge_one_off(s, Counter("T1", "cashier1"), "3-2-1502", "ZX", 8000, "装修垃圾清运",
                                [TenderInput("cash", 8000)])
        assert community_options(s, "阳光花园") == {"prepaid_deduction": True}
    assert result["total_fen"] == 8000 and result["receipt_no"]
    assert run(ctx_any, "fee-items", f)["unchanged"] == 1


def test_probe_file_with_an_unclosed_quote_imports_nothing(ctx_any, tmp_path):
    f = tmp_path / "rooms.csv"
    f.write_text(",".join(ROOMS_HEADER) + "\n阳光花园,3,2,1502,89.5,residential,2026-01-01,\"张三,\n"
                 "阳光花园,3,2,1501,90,,,,\n", encoding="utf-8")
    e = fails(ctx_any, "rooms", f, "第2行")
    assert [p.row for p in e.problems] == [2]
    assert _count(ctx_any, Room) == 0
