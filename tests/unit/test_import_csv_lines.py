"""CSV never loses a row: every physical line is one row or a problem naming it (issue 9.3).

The probe's file: one unclosed quote (`…,2026-01-01,"张三,`) made Python's csv module read
every following row into that one cell, and the import then said it had imported one row.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.errors import InputError
from app.services.imports.csv_lines import csv_rows, split_line
from app.services.imports.reader import Column, _build
from tests.unit.import_support import (  # noqa: F401
    ROOMS_HEADER, db, fails, import_template_db, run, seed, write_csv)

PROBE_ROOMS = ("community,building,unit,room,area,usage,charge_start,owner,phone\r\n"
               "阳光花园,3,2,1502,89.5,residential,2026-01-01,\"张三,\r\n"
               "阳光花园,3,2,1501,90,,,,\r\n"
               "阳光花园,3,2,1503,91,,,,\r\n")
PROBE_READINGS = ("meter_no,period,reading,read_at,reader\r\n"
                  "W-3-2-1502,2026-01,112,2026-01-01,\"张三,\r\n"
                  "PUB-E-1,2026-01,1100,,\r\n")


def test_probe_rooms_file_fails_naming_the_row(db, tmp_path):
    f = tmp_path / "rooms.csv"
    f.write_text(PROBE_ROOMS, encoding="utf-8")
    e = fails(db, "rooms", f, "第2行", "row 2", "not closed on this row", "引号没有在本行闭合")
    assert [(p.row, p.column) for p in e.problems] == [(2, "H (owner)")]


def test_probe_readings_file_fails_naming_the_row(db, tmp_path):
    seed(db)
    f = tmp_path / "readings.csv"
    f.write_text(PROBE_READINGS, encoding="utf-8")
    e = fails(db, "readings", f, "第2行", "not closed on this row")
    assert [p.row for p in e.problems] == [2]


@pytest.mark.parametrize("line, fields, problem", [
    ('a,b,c', ["a", "b", "c"], None),
    ('"a,b",c', ["a,b", "c"], None),
    ('"say ""hi""",c', ['say "hi"', "c"], None),
    (' "a" ,b', ["a", "b"], None),
    (',,', ["", "", ""], None),
    ('"a', ["a"], "import.csv_unclosed_quote"),
    ('a,"b,c', ["a", "b,c"], "import.csv_unclosed_quote"),
    ('张"三,b', ['张"三', "b"], "import.csv_stray_quote"),
    ('"张三"x,b', ["张三"], "import.csv_after_quote"),
    ('a,b"', ["a", 'b"'], "import.csv_stray_quote"),
])
def test_split_line(line, fields, problem):
    got, errors = split_line(line)
    assert got == fields
    assert [m.code for _, m in errors] == ([problem] if problem else [])


def test_line_endings_and_control_characters():
    rows = list(csv_rows("a,b\r\n1,2\n3,4\r5,6\r\n\r\n7,\x01\r\n8,9\u2028x"))
    assert [(n, cells) for n, cells, errors in rows if not errors] == [
        (1, ["a", "b"]), (2, ["1", "2"]), (3, ["3", "4"]), (4, ["5", "6"]), (5, [])]
    bad = {n: [m.code for _, m in errors] for n, _, errors in rows if errors}
    assert bad == {6: ["import.control_char"], 7: ["import.line_break_in_cell"]}


def test_blank_lines_are_commas_and_spaces_only(db, tmp_path):
    good = ["阳光花园", "3", "2", "1502", "89.5", "", "", "张三", "13812345678"]
    f = tmp_path / "r.csv"
    f.write_text(",".join(ROOMS_HEADER) + "\r\n\r\n,,,,,,,,\r\n  ,\t, \r\n" + ",".join(good) + "\r\n\r\n",
                 encoding="utf-8")
    assert run(db, "rooms", f)["created"] == 1
    e = fails(db, "rooms", write_csv(tmp_path / "b.csv", [ROOMS_HEADER, [], good[:3] + ["1503", "x"] + good[5:]]),
              "第3行")
    assert [p.row for p in e.problems] == [3]


# --- fuzzing: no text of any shape makes the reader drop a row silently

COLUMNS = [Column("a", "甲"), Column("b", "乙"), Column("c", "丙")]
HEADER = "a,b,c\r\n"
PIECES = ["x", "张", "1", ",", '"', '""', " ", "\t", "\n", "\r\n", "\r", ",,", '",', ',"']


def _blank(line: str) -> bool:
    """The oracle: a line is blank when Python's csv module, reading that one line alone,
    finds no cell with anything but white space in it — after the one leniency the reader
    documents: spaces and tabs before an opening quote are skipped (`, ""` is an empty cell;
    hypothesis found the case)."""
    lenient = re.sub(r'(^|,)[ \t]+"', r'\1"', line)
    cells = next(csv.reader([lenient]), [])
    return not any(c.strip() for c in cells)


def _read(text: str):  # type: ignore[no-untyped-def]
    return _build("fuzz.csv", csv_rows(text), COLUMNS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
@example(',, ""')  # found by hypothesis: a space before an empty quoted cell
def test_fuzz_every_line_is_a_row_or_a_named_problem(body):
    text = HEADER + body
    lines = re.split(r"\r\n|\r|\n", text)
    data = [(n, line) for n, line in enumerate(lines, start=1) if n > 1 and not _blank(line)]
    try:
        table = _read(text)
    except InputError as e:
        if e.code == "import.no_data_rows":
            assert data == []
        else:
            assert e.problems and all(p.row is not None and 1 <= p.row <= len(lines) for p in e.problems), e.text("en")
        return
    assert [n for n, _ in table.rows] == [n for n, _ in data]  # one row per non-blank line, same numbers
    for _, values in table.rows:
        assert not any(ch in v for v in values.values() for ch in "\r\n")


CELL = st.text(alphabet=st.sampled_from(list('x张1,"; \t')), max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.lists(CELL, min_size=3, max_size=3), st.just([])), min_size=1, max_size=12))
def test_fuzz_what_excel_writes_is_read_back_exactly(rows):
    """Whatever cells a sheet holds (commas, quotes, spaces), the CSV Excel writes of it is read
    back cell for cell, each on the row number it was written on."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["a", "b", "c"])
    for r in rows:
        writer.writerow(r if r else ["", "", ""])
    expected = [(n, dict(zip("abc", (c.strip() for c in r))))
                for n, r in enumerate(rows, start=2) if r and any(c.strip() for c in r)]
    if not expected:
        with pytest.raises(InputError):
            _read(buf.getvalue())
        return
    assert _read(buf.getvalue()).rows == expected
