"""Readings import: unknown meters, order of periods, lower readings and confirmed rollovers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.db.models import Meter, MeterReading
from tests.unit.import_support import (  # noqa: F401
    FIXTURES, READINGS_HEADER, db, fails, import_template_db, run, seed, snapshot, write_csv, write_xlsx)

# W-3-2-1502: 5 digits, initial 100. PUB-E-1: 6 digits, initial 1000.5.


@pytest.fixture
def meters(db):
    seed(db)
    return db


def _readings(ctx, meter_no: str) -> list[tuple[str, Decimal, bool]]:
    with ctx.uow() as s:
        q = (select(MeterReading.period, MeterReading.reading, MeterReading.rollover)
             .join(Meter, Meter.id == MeterReading.meter_id).where(Meter.meter_no == meter_no)
             .order_by(MeterReading.period))
        return [tuple(r) for r in s.execute(q)]


def test_sample_file(meters):
    result = run(meters, "readings", FIXTURES / "readings.csv")
    assert (result["rows"], result["created"], result["rollovers"]) == (4, 4, 0)
    with meters.uow() as s:
        r = s.scalar(select(MeterReading).where(MeterReading.period == "2026-02"))
    assert (r.reading, r.read_at, r.reader, r.source, r.status, r.revision, r.created_by) == (
        Decimal("120.5"), date(2026, 2, 27), "小刘", "import", "valid", 0, "admin")


def test_unknown_meter(meters, tmp_path):
    rows = [READINGS_HEADER, ["W-3-2-1502", "2026-01", "110", "", ""], ["NOPE", "2026-01", "1", "", ""]]
    e = fails(meters, "readings", write_csv(tmp_path / "r.csv", rows), "第3行", "unknown meter", "'NOPE'")
    assert [(p.row, p.column) for p in e.problems] == [(3, "meter_no")]


@pytest.mark.parametrize("column, value, reason", [
    ("period", "2026-13", "not a valid month"), ("period", "202601", "not a period"),
    ("reading", "-1", "at least 0"), ("reading", "abc", "not a decimal"), ("reading", "100000", "5-digit register"),
    ("read_at", "2026-02-30", "not a real date"),
])
def test_bad_values(meters, tmp_path, column, value, reason):
    row = dict(zip(READINGS_HEADER, ["W-3-2-1502", "2026-01", "110", "2026-01-28", "小刘"]), **{column: value})
    fails(meters, "readings", write_csv(tmp_path / "r.csv", [READINGS_HEADER, list(row.values())]),
          "第2行", f"列 {column}", reason)


def test_duplicate_meter_and_period(meters, tmp_path):
    rows = [READINGS_HEADER, ["W-3-2-1502", "2026-01", "110"], ["W-3-2-1502", "2026/1", "111"]]
    fails(meters, "readings", write_csv(tmp_path / "r.csv", rows), "第3行", "rows 2 and 3")


def test_lower_than_initial_is_rejected_with_the_reason(meters, tmp_path):
    f = write_csv(tmp_path / "r.csv", [READINGS_HEADER, ["W-3-2-1502", "2026-01", "90"]])
    fails(meters, "readings", f, "第2行", "lower than the initial reading 100", "--rollover W-3-2-1502")


def test_lower_than_previous_in_the_same_file_rejected_then_accepted_with_rollover(meters, tmp_path):
    rows = [READINGS_HEADER, ["W-3-2-1502", "2026-02", "5"], ["W-3-2-1502", "2026-01", "99990"]]
    f = write_csv(tmp_path / "r.csv", rows)
    fails(meters, "readings", f, "第2行", "lower than the previous reading 99990 (2026-01)")
    result = run(meters, "readings", f, rollover=["W-3-2-1502"])
    assert (result["created"], result["rollovers"]) == (2, 1)
    assert _readings(meters, "W-3-2-1502") == [("2026-01", Decimal(99990), False), ("2026-02", Decimal(5), True)]
    assert run(meters, "readings", f)["unchanged"] == 2  # the re-import needs no confirmation


def test_lower_than_a_stored_reading(meters, tmp_path):
    run(meters, "readings", write_csv(tmp_path / "a.csv", [READINGS_HEADER, ["PUB-E-1", "2026-01", "999000"]]))
    f = write_csv(tmp_path / "b.csv", [READINGS_HEADER, ["PUB-E-1", "2026-03", "120"]])
    fails(meters, "readings", f, "lower than the previous reading 999000 (2026-01)")
    assert run(meters, "readings", f, rollover=["PUB-E-1"])["rollovers"] == 1


def test_rollover_names_must_be_known_and_in_the_file(meters, tmp_path):
    f = write_csv(tmp_path / "r.csv", [READINGS_HEADER, ["W-3-2-1502", "2026-01", "110"]])
    e = fails(meters, "readings", f, "--rollover", "unknown meter", "'X-9'", "PUB-E-1 has no reading",
              rollover=["X-9", "PUB-E-1"])
    assert {p.column for p in e.problems} == {"--rollover"}


def test_an_existing_reading_with_another_value_is_an_error(meters, tmp_path):
    run(meters, "readings", FIXTURES / "readings.csv")
    rows = [READINGS_HEADER, ["W-3-2-1502", "2026-01", "113"], ["E-3-2-1502", "2026-02", "260"]]
    fails(meters, "readings", write_csv(tmp_path / "r.csv", rows), "第2行",
          "already has reading 112 for 2026-01", "correction")


def test_earlier_period_than_a_stored_one_is_an_error(meters, tmp_path):
    run(meters, "readings", FIXTURES / "readings.csv")  # W-3-2-1502: 2026-01, 2026-02
    f = write_csv(tmp_path / "r.csv", [READINGS_HEADER, ["W-3-2-1502", "2025-12", "105"]])
    fails(meters, "readings", f, "第2行", "later period 2026-02")


def test_reimport_is_a_no_op_and_new_months_append(meters, tmp_path):
    run(meters, "readings", FIXTURES / "readings.csv")
    before = snapshot(meters)
    assert run(meters, "readings", FIXTURES / "readings.csv")["unchanged"] == 4
    assert snapshot(meters) == before
    rows = [READINGS_HEADER, ["W-3-2-1502", "2026-02", "120.50"], ["W-3-2-1502", "2026-03", "130"]]
    result = run(meters, "readings", write_csv(tmp_path / "r.csv", rows))
    assert (result["created"], result["unchanged"]) == (1, 1)  # 120.50 equals 120.5


def test_xlsx_period_typed_into_excel_becomes_a_date(meters, tmp_path):
    rows = [["表号", "账期", "本次读数", "抄表日期", "抄表员"],
            ["W-3-2-1502", date(2026, 1, 1), 112, date(2026, 1, 28), "小刘"]]
    run(meters, "readings", write_xlsx(tmp_path / "r.xlsx", rows))
    assert _readings(meters, "W-3-2-1502") == [("2026-01", Decimal(112), False)]


def test_several_problems_at_once(meters, tmp_path):
    rows = [READINGS_HEADER, ["W-3-2-1502", "2026-01", "90"], ["NOPE", "2026-01", "1"], ["PUB-E-1", "2026-1x", "5"]]
    e = fails(meters, "readings", write_csv(tmp_path / "r.csv", rows), "3 problem(s)")
    assert sorted(p.row for p in e.problems) == [2, 3, 4]
