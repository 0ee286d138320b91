"""The first sheet of an XLSX workbook as rows of cell text.

openpyxl gives typed values: int, float, datetime, formula text. Floats are turned into
decimal text through their shortest round-trip repr (89.5 -> "89.5"), and refused when that
takes more digits than Excel itself keeps (15): such a value was calculated, not typed, and
no exact decimal can honestly be read from it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any


from app.errors import InputError, Msg
from app.services.imports.fields import DateText, FieldError, shown

EXCEL_DIGITS = 15


def float_text(v: float) -> str:
    if not math.isfinite(v):
        raise FieldError("import.xlsx_not_finite", value=repr(v))
    if v.is_integer() and abs(v) < 10**EXCEL_DIGITS:
        return str(int(v))
    d = Decimal(repr(v))
    if len(d.normalize().as_tuple().digits) > EXCEL_DIGITS:
        raise FieldError("import.xlsx_inexact", value=repr(v))
    return format(d, "f")


def cell_text(value: Any, data_type: str | None) -> str:
    """One cell's value as text; FieldError for a formula or an inexact number."""
    if value is None:
        return ""
    if data_type == "f":
        raise FieldError("import.xlsx_formula", formula=shown(value))
    if isinstance(value, bool):  # before int: bool is an int
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return float_text(value)
    if isinstance(value, datetime):
        # A date cell is a datetime at midnight; a time of day adds nothing a date column needs.
        return DateText(value.date())
    if isinstance(value, date):
        return DateText(value)
    if isinstance(value, time):
        return value.isoformat()
    return str(value).strip()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    out = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


CellErrors = list[tuple[int | None, Msg]]  # (column index, reason)


def read_xlsx_rows(path: Path, source: str) -> Iterator[tuple[int, list[str], CellErrors]]:
    """(row number, cell texts, bad cells) for every row of the first sheet, blank rows
    included, so the numbers are the ones Excel shows. A bad cell reads as ''."""
    from openpyxl import load_workbook  # here: not loaded at every CLI start

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise
    except Exception as e:  # noqa: BLE001 — whatever openpyxl trips over in a file, the file is bad
        raise InputError("import.xlsx_invalid", source=source, kind=type(e).__name__) from None
    try:
        if not wb.worksheets:
            raise InputError("import.xlsx_no_sheet", source=source)
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # a stale <dimension> would hide rows; read what is really there
        for rownum, cells in enumerate(_rows(ws, source), start=1):
            texts: list[str] = []
            errors: CellErrors = []
            for i, cell in enumerate(cells):
                try:
                    texts.append(cell_text(cell.value, getattr(cell, "data_type", None)))
                except FieldError as e:
                    errors.append((i, Msg.of("import.in_cell", cell=f"{column_letter(i)}{rownum}",
                                             reason=Msg(e.code, e.params))))
                    texts.append("")
            yield rownum, texts, errors
    finally:
        wb.close()


def _rows(ws: Any, source: str) -> Iterator[Any]:
    """The sheet's rows; a workbook openpyxl cannot read (a number of thousands of digits
    written by another program, a broken XML part) is an input error, not a crash. Only
    openpyxl's own reading is inside the `try`: errors of our code are not masked."""
    rows = ws.iter_rows(min_row=1)
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as e:  # noqa: BLE001 — openpyxl reading a malformed sheet: the file is bad, not us
            raise InputError("import.xlsx_invalid", source=source, kind=type(e).__name__) from None
        yield row
