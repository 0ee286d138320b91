"""File formats: encodings, headers, blank rows, XLSX cells. Each bad file names where and
why, and leaves the database as it was."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from app.db.models import Party, Room
from app.services.imports.reader import Column, read_table
from tests.unit.import_support import (  # noqa: F401
    ROOMS_HEADER, db, fails, import_template_db, run, write_csv, write_xlsx)

GOOD = ["阳光花园", "3", "2", "1502", "89.5", "", "", "张三", "13812345678"]


def test_gbk_csv_is_refused_with_what_to_do(db, tmp_path):
    f = write_csv(tmp_path / "gbk.csv", [ROOMS_HEADER, GOOD], encoding="gbk")
    fails(db, "rooms", f, "gbk.csv", "not UTF-8", "CSV UTF-8", "line 2")


def test_utf16_csv_is_refused(db, tmp_path):
    f = tmp_path / "u16.csv"
    f.write_bytes("小区,楼栋\n".encode("utf-16"))
    fails(db, "rooms", f, "UTF-16", "CSV UTF-8")


def test_bom_is_accepted(db, tmp_path):
    f = write_csv(tmp_path / "bom.csv", [ROOMS_HEADER, GOOD], bom=True)
    assert run(db, "rooms", f)["created"] == 1


def test_missing_required_column(db, tmp_path):
    header = [h for h in ROOMS_HEADER if h != "area"]
    row = [v for h, v in zip(ROOMS_HEADER, GOOD) if h != "area"]
    e = fails(db, "rooms", write_csv(tmp_path / "r.csv", [header, row]), "第1行", "area (建筑面积)",
              "required column missing")
    assert [p.column for p in e.problems] == ["area"]


def test_unknown_column(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER + ["颜色"], GOOD + ["red"]])
    e = fails(db, "rooms", f, "unknown column", "'颜色'", "列 颜色")
    assert e.problems[0].row == 1


def test_same_column_twice_in_two_languages(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER + ["建筑面积"], GOOD + ["90"]])
    fails(db, "rooms", f, "given twice", "'area'", "'建筑面积'")


def test_empty_file(db, tmp_path):
    f = tmp_path / "empty.csv"
    f.write_bytes(b"")
    fails(db, "rooms", f, "empty")


def test_header_only(db, tmp_path):
    fails(db, "rooms", write_csv(tmp_path / "h.csv", [ROOMS_HEADER]), "no data rows")


def test_header_and_blank_rows_only(db, tmp_path):
    fails(db, "rooms", write_csv(tmp_path / "h.csv", [ROOMS_HEADER, [], ["", " ", ""]]), "no data rows")


def test_blank_rows_are_skipped_but_counted(db, tmp_path):
    bad = GOOD[:3] + ["1503", "abc"] + GOOD[5:]
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, GOOD, [], ["", ""], bad])
    e = fails(db, "rooms", f, "第5行", "列 area", "'abc' is not a decimal number")
    assert [(p.row, p.column) for p in e.problems] == [(5, "area")]


def test_line_break_inside_a_quoted_value_is_refused_naming_the_row(db, tmp_path):
    # The formats have no line breaks inside a value; every line is one row, so a quoted value
    # spanning two lines is an unclosed quote on the first (and a stray quote on the second).
    owner = GOOD[:7] + ["张\n三", GOOD[8]]
    e = fails(db, "rooms", write_csv(tmp_path / "r.csv", [ROOMS_HEADER, owner, GOOD]), "第2行", "row 2",
              "not closed on this row", "第3行", "quote")
    assert [(p.row, p.column) for p in e.problems] == [(2, "H (owner)"), (3, "A (community)")]


def test_csv_row_with_more_fields_than_the_header(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, GOOD + ["", "stray"]])
    e = fails(db, "rooms", f, "第2行", "11 fields but the header has 9")
    assert [(p.row, p.column) for p in e.problems] == [(2, None)]


def test_csv_row_with_fewer_fields_than_the_header(db, tmp_path):
    f = write_csv(tmp_path / "r.csv", [ROOMS_HEADER, GOOD, GOOD[:8]], pad=False)
    e = fails(db, "rooms", f, "第3行", "8 fields but the header has 9", "本行有 8 个字段，表头有 9 个")
    assert [(p.row, p.column) for p in e.problems] == [(3, None)]


def test_value_in_a_column_without_header(db, tmp_path):
    f = write_xlsx(tmp_path / "r.xlsx", [ROOMS_HEADER, GOOD + [None, "stray"]])
    fails(db, "rooms", f, "第2行", "列 K", "without a header")


def test_whitespace_is_trimmed_and_headers_are_forgiving(db, tmp_path):
    header = [" Community ", "BUILDING", "unit", "room", "area*", "usage", "Charge Start", "owner", "phone"]
    row = [" 阳光花园 ", " 3", "2 ", " 1502 ", " 89.5 ", " 商铺 ", "", " 张三 ", " 138 1234 5678 "]
    assert run(db, "rooms", write_csv(tmp_path / "r.csv", [header, row]))["created"] == 1
    with db.uow() as s:
        room = s.scalar(select(Room))
        party = s.scalar(select(Party))
    assert (room.room_key, room.area, room.usage) == ("3-2-1502", Decimal("89.5"), "shop")
    assert (party.name, party.phone, party.phone_last4, party.name_initials) == ("张三", "13812345678", "5678", "zs")


def test_unsupported_extensions(db, tmp_path):
    old = tmp_path / "rooms.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    fails(db, "rooms", old, ".xls", ".xlsx")
    txt = tmp_path / "rooms.txt"
    txt.write_text("x")
    fails(db, "rooms", txt, "unsupported file type")
    fails(db, "rooms", tmp_path / "missing.csv", "file not found")


def test_corrupt_xlsx(db, tmp_path):
    f = tmp_path / "broken.xlsx"
    f.write_bytes(b"this is not a zip")
    fails(db, "rooms", f, "not a valid XLSX")


def test_xlsx_with_a_formula_names_the_cell(db, tmp_path):
    rows = [ROOMS_HEADER, GOOD, ["阳光花园", "3", "2", "1501", "=E2*2", None, None, None, None]]
    e = fails(db, "rooms", write_xlsx(tmp_path / "f.xlsx", rows), "第3行", "E3", "formula", "paste values")
    assert e.problems[0].column == "E (area)"


def test_xlsx_with_chinese_headers_numbers_and_dates(db, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "建筑面积", "房屋类型", "计费开始日期", "业主姓名", "联系电话"]
    rows = [header,
            ["阳光花园", 3, 2, 1502, 89.5, "住宅", datetime(2026, 1, 1), "张三", 13812345678],
            [None] * 9,
            ["阳光花园", 3, None, 101, 45, "商铺", "2025-06-15", "王五", "010-12345678"]]
    result = run(db, "rooms", write_xlsx(tmp_path / "good.xlsx", rows))
    assert result["rows"] == 2 and result["created"] == 2
    with db.uow() as s:
        rooms = {r.room_key: r for r in s.scalars(select(Room))}
    assert rooms["3-2-1502"].area == Decimal("89.5") and str(rooms["3-2-1502"].charge_start) == "2026-01-01"
    assert rooms["3-101"].usage == "shop"


def test_xlsx_inexact_float_is_refused(db, tmp_path):
    rows = [ROOMS_HEADER, ["阳光花园", 3, 2, 1502, 1 / 3, None, None, None, None]]
    fails(db, "rooms", write_xlsx(tmp_path / "f.xlsx", rows), "第2行", "exact decimal")


def test_read_table_keeps_spreadsheet_row_numbers(tmp_path):
    cols = [Column("a", "甲", required=True), Column("b", "乙")]
    f = write_xlsx(tmp_path / "t.xlsx", [["甲", "b"], [1, None], [None, None], [None, None], ["x", "y"]])
    table = read_table(f, cols)
    assert table.rows == [(2, {"a": "1", "b": ""}), (5, {"a": "x", "b": "y"})]
    assert table.columns == ["a", "b"]


def test_semicolon_separated_file_gets_a_hint(db, tmp_path):
    f = tmp_path / "semi.csv"
    f.write_text(";".join(ROOMS_HEADER) + "\n" + ";".join(GOOD) + "\n", encoding="utf-8")
    fails(db, "rooms", f, "unknown column", "separated by commas")


def test_problems_name_the_column_as_the_file_writes_it(db, tmp_path):
    header = ["小区", "楼栋", "单元", "房号", "建筑面积", "房屋类型", "计费开始日期", "业主姓名", "联系电话"]
    bad = GOOD[:4] + ["abc"] + GOOD[5:]
    e = fails(db, "rooms", write_csv(tmp_path / "r.csv", [header, bad]), "第2行，列 建筑面积", "row 2, column 建筑面积")
    assert [(p.row, p.column) for p in e.problems] == [(2, "建筑面积")]
