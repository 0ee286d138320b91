"""Input bounds (issue 9.5): what no property company means — thousands of digits, digits of
other scripts, NaN, 10^12 m², 10,000-character names, JSON nested 100,000 deep — is an
InputError naming the row/column (exit 2, nothing written), never a crash (exit 1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.db.models import Building, Community, FeeItem, Meter, MeterReading, Party, Room
from app.services.imports.fields import MAX_AREA, column_size
from tests.unit.import_support import (  # noqa: F401
    FIXTURES, METERS_HEADER, READINGS_HEADER, ROOMS_HEADER, db, fails, import_template_db, run, seed, write_csv,
    write_xlsx)

ROOM = ["阳光花园", "3", "2", "1502", "89.5", "residential", "2026-01-01", "张三", "13812345678"]
METER = ["W-1", "water", "3-2-1502", "阳光花园", "1", "5", "100"]
READING = ["W-3-2-1502", "2026-01", "110", "2026-01-28", "小刘"]
THOUSANDS = "9" * 5000  # int() of more than 4,300 digits raises ValueError in CPython


def _room(**changes: str) -> list[str]:
    row = list(ROOM)
    for k, v in changes.items():
        row[ROOMS_HEADER.index(k)] = v
    return row


def _meter(**changes: str) -> list[str]:
    row = list(METER)
    for k, v in changes.items():
        row[METERS_HEADER.index(k)] = v
    return row


@pytest.fixture
def company(db):
    seed(db)
    return db


@pytest.mark.parametrize("area, reason", [
    ("1000000000000", "too large"),  # 10^12 m²
    ("1000000.5", "too large (at most 1,000,000)"),
    (THOUSANDS, "too large"),
    ("NaN", "not a decimal number"), ("Infinity", "not a decimal number"), ("inf", "not a decimal number"),
    ("-0", "greater than 0"), ("1e3", "not a decimal number"),
    ("٣", "contains the digit '٣' (ARABIC-INDIC DIGIT THREE)"),  # Arabic-Indic
    ("8٩.5", "ARABIC-INDIC DIGIT NINE"),
    ("89²", "SUPERSCRIPT TWO"), ("①", "CIRCLED DIGIT ONE"), ("३", "DEVANAGARI"),
])
def test_absurd_or_foreign_areas(db, tmp_path, area, reason):
    e = fails(db, "rooms", write_csv(tmp_path / "r.csv", [ROOMS_HEADER, _room(area=area)]), "第2行", "列 area",
              reason)
    assert len(e.text("en")) < 1000  # a 5,000-digit value is quoted cut short


def test_full_width_room_numbers_and_areas_are_normalised(db, tmp_path):
    run(db, "rooms", write_csv(tmp_path / "r.csv", [ROOMS_HEADER, _room(building="３", room="１５０２", area="８９．５")]))
    with db.uow() as s:
        room = s.query(Room).one()
    assert (room.room_key, str(room.area)) == ("3-2-1502", "89.5")


def test_area_bound_is_what_the_docs_say():
    assert MAX_AREA == 1_000_000


@pytest.mark.parametrize("column, model_column", [
    ("community", Community.name), ("building", Building.name), ("unit", Room.unit), ("room", Room.number),
    ("owner", Party.name),
])
def test_every_room_text_is_checked_against_its_column_size(db, tmp_path, column, model_column):
    size = column_size(model_column)
    assert size == model_column.property.columns[0].type.length  # read from the model, not copied
    fails(db, "rooms", write_csv(tmp_path / "r.csv", [ROOMS_HEADER, _room(**{column: "五" * (size + 1)})]),
          "第2行", f"列 {column}", f"longer than {size} characters (it has {size + 1})")
    # exactly the size is fine
    assert run(db, "rooms", write_csv(tmp_path / "ok.csv", [ROOMS_HEADER, _room(**{column: "五" * size})]))["rows"] == 1


def test_ten_thousand_characters(db, tmp_path):
    e = fails(db, "rooms", write_csv(tmp_path / "r.csv", [ROOMS_HEADER, _room(owner="x" * 10_000)]),
              "第2行", "列 owner", "longer than 100 characters (it has 10000)")
    assert len(e.text("zh")) < 500


def test_room_key_longer_than_its_column(db, tmp_path):
    # building (40) + unit (20) + room (20) fit their columns but not room_key (60)
    row = _room(building="B" * 40, unit="U" * 20, room="1502")
    fails(db, "rooms", write_csv(tmp_path / "r.csv", [ROOMS_HEADER, row]), "第2行", "列 room",
          f"longer than {column_size(Room.room_key)} characters")


@pytest.mark.parametrize("column, value, reason", [
    ("meter_no", "M" * (column_size(Meter.meter_no) + 1), "longer than 40"),
    ("digits", THOUSANDS, "must be between 1 and 12"),
    ("digits", "١٢", "ARABIC-INDIC"),
    ("multiplier", "100001", "too large (at most 100,000)"),
    ("initial", THOUSANDS, "too large"),
    ("initial", "NaN", "not a decimal number"),
])
def test_meter_bounds(company, tmp_path, column, value, reason):
    row = _meter(**{"meter_no": "W-9", column: value})
    fails(company, "meters", write_csv(tmp_path / "m.csv", [METERS_HEADER, row]), "第2行", reason)


@pytest.mark.parametrize("column, value, reason", [
    ("reading", THOUSANDS, "too large"),
    ("reading", "１２٣", "ARABIC-INDIC"),
    ("reading", "Infinity", "not a decimal number"),
    ("period", "9999-01", "year must be between 1900 and 2100"),
    ("period", "２０２６－０１", None),  # full-width: fine
    ("read_at", "0001-01-01", "year must be between"),
    ("reader", "刘" * (column_size(MeterReading.reader) + 1), "longer than 40"),
])
def test_reading_bounds(company, tmp_path, column, value, reason):
    row = dict(zip(READINGS_HEADER, READING), **{column: value})
    f = write_csv(tmp_path / "r.csv", [READINGS_HEADER, list(row.values())])
    if reason is None:
        assert run(company, "readings", f)["created"] == 1
    else:
        fails(company, "readings", f, "第2行", f"列 {column}", reason)


def test_xlsx_cell_with_a_line_break_names_the_cell(db, tmp_path):
    f = write_xlsx(tmp_path / "r.xlsx", [ROOMS_HEADER, _room(owner="张\n三")])
    e = fails(db, "rooms", f, "第2行", "line break")
    assert e.problems[0].column == "H (owner)"


# --- the fee-items JSON

def _json(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "fees.json"
    f.write_text(text, encoding="utf-8")
    return f


PM = '{"code": "PM", "name": "物业服务费", "basis": "area", "unit_price": %s%s}'


@pytest.mark.parametrize("price, extra, path, reason", [
    ("NaN", "", "fee_items[0].unit_price", "got NaN"),
    ("Infinity", "", "fee_items[0].unit_price", "got Infinity"),
    ("-Infinity", "", "fee_items[0].unit_price", "got -Infinity"),
    (THOUSANDS, "", "fee_items[0].unit_price", "too large"),
    ('"1000000.01"', "", "fee_items[0].unit_price", "too large (at most 1,000,000)"),
    ('"٣"', "", "fee_items[0].unit_price", "ARABIC-INDIC"),
    ('"1"', ', "due_day": ' + THOUSANDS, "fee_items[0].due_day", "whole number 1..28"),
    ('"1"', ', "due_day": NaN', "fee_items[0].due_day", "got NaN"),
    ('"1"', ', "late_fee": {"daily_rate": "2"}', "fee_items[0].late_fee.daily_rate", "at most 1"),
    ('"1"', ', "code2": 1', "fee_items[0].code2", "unknown key"),
    ('"1"', ', "name": "%s"' % ("名" * 61), "fee_items[0].name", "longer than 60"),
])
def test_fee_item_bounds(company, tmp_path, price, extra, path, reason):
    item = PM % (price, extra)
    if '"name"' in extra:
        item = item.replace('"name": "物业服务费", ', "")
    f = _json(tmp_path, '{"community": "阳光花园", "fee_items": [%s]}' % item)
    e = fails(company, "fee-items", f, f"列 {path}", reason)
    assert len(e.text("en")) < 2000


def test_json_nested_beyond_the_recursion_limit(company, tmp_path):
    f = _json(tmp_path, '{"community": "阳光花园", "fee_items": ' + "[" * 100_000 + "]" * 100_000 + "}")
    fails(company, "fee-items", f, "nested more than 16 levels")


def test_json_nested_deeper_than_the_format(company, tmp_path):
    deep: Any = "x"
    for _ in range(40):
        deep = [deep]
    f = _json(tmp_path, json.dumps({"community": "阳光花园", "fee_items": deep}))
    fails(company, "fee-items", f, "nested more than 16 levels")


@pytest.mark.parametrize("kind, name, text", [
    ("meters", "m.csv", ",".join(METERS_HEADER) + "\nW-9,water,,阳光花园,1," + THOUSANDS + ",0\n"),
    ("rooms", "r.csv", ",".join(ROOMS_HEADER) + "\n阳光花园,3,2,1502," + THOUSANDS + ",,,,\n"),
    ("fee-items", "f.json", '{"community": "阳光花园", "fee_items": ' + "[" * 100_000 + "]" * 100_000 + "}"),
    ("fee-items", "f.json", '{"community": "阳光花园", "fee_items": [' + (PM % ("NaN", "")) + "]}"),
    ("fee-items", "f.json", '{"community": "阳光花园", "fee_items": [' + (PM % ('"1"', ', "due_day": ' + THOUSANDS))
     + "]}"),
])
def test_cli_exits_2_not_1(tmp_path, capsys, kind, name, text):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--db", url, "init"]) == 0
    for k, n in (("rooms", "rooms.csv"), ("meters", "meters.csv")):
        assert main(["--db", url, "import", k, str(FIXTURES / n)]) == 0
    capsys.readouterr()
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    assert main(["--db", url, "import", kind, str(f)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and "\nerror: " in err and len(err) < 3000


def test_fee_items_name_limits_come_from_the_model():
    assert (column_size(FeeItem.code), column_size(FeeItem.name)) == (
        FeeItem.__table__.c.code.type.length, FeeItem.__table__.c.name.type.length)


def test_xlsx_number_of_thousands_of_digits_is_a_bad_file_not_a_crash(db, tmp_path):
    import zipfile

    good = write_xlsx(tmp_path / "good.xlsx", [ROOMS_HEADER, _room(area=123457)])  # type: ignore[arg-type]
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = data.replace(b"<v>123457</v>", b"<v>" + THOUSANDS.encode() + b"</v>")
            out.writestr(item, data)
    fails(db, "rooms", bad, "not a valid XLSX file (ValueError)", "不是有效的 XLSX 文件")
