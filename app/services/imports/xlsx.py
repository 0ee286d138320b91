"""The first sheet of an XLSX workbook as rows of cell text.

openpyxl gives typed values: int, float, datetime, formula text. Floats are turned into
decimal text through their shortest round-trip repr (89.5 -> "89.5"), and refused when that
takes more digits than Excel itself keeps (15): such a value was calculated, not typed, and
no exact decimal can honestly be read from it.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from app.errors import InputError
from app.services.imports.fields import DateText, FieldError

EXCEL_DIGITS = 15


def float_text(v: float) -> str:
    if not math.isfinite(v):
        raise FieldError(f"{v!r} is not a number")
    if v.is_integer() and abs(v) < 10**EXCEL_DIGITS:
        return str(int(v))
    d = Decimal(repr(v))
    if len(d.normalize().as_tuple().digits) > EXCEL_DIGITS:
        raise FieldError(f"{v!r} cannot be read as an exact decimal (a calculated value?); "
                         "round it or format the column as text 设置为文本")
    return format(d, "f")


def cell_text(value: Any, data_type: str | None) -> str:
    """One cell's value as text; FieldError for a formula or an inexact number."""
    if value is None:
        return ""
    if data_type == "f":
        raise FieldError(f"contains a formula {str(value)!r}: paste values 请复制后“选择性粘贴→数值”")
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


CellErrors = list[tuple[int, str]]  # (column index, reason)


def read_xlsx_rows(path: Path, source: str) -> Iterator[tuple[int, list[str], CellErrors]]:
    """(row number, cell texts, bad cells) for every row of the first sheet, blank rows
    included, so the numbers are the ones Excel shows. A bad cell reads as ''."""
    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as e:
        raise InputError(f"不是有效的 XLSX 文件 not a valid XLSX file ({type(e).__name__}); "
                         "save it again from Excel as .xlsx", source=source) from None
    try:
        if not wb.worksheets:
            raise InputError("工作簿没有工作表 the workbook has no sheet", source=source)
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # a stale <dimension> would hide rows; read what is really there
        for rownum, cells in enumerate(ws.iter_rows(min_row=1), start=1):
            texts: list[str] = []
            errors: CellErrors = []
            for i, cell in enumerate(cells):
                try:
                    texts.append(cell_text(cell.value, getattr(cell, "data_type", None)))
                except FieldError as e:
                    errors.append((i, f"cell {column_letter(i)}{rownum} {e}"))
                    texts.append("")
            yield rownum, texts, errors
    finally:
        wb.close()
