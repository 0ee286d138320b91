"""CSV / XLSX files as a table of trimmed text cells keyed by column, with row numbers as the
spreadsheet shows them (header = row 1). File-format problems (encoding, header, formulas)
are raised here; what the values mean is checked by each import."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import InputError, Problem
from app.services.imports.xlsx import CellErrors, column_letter, read_xlsx_rows


@dataclass(frozen=True)
class Column:
    key: str  # English header, also the key of a row's dict
    zh: str  # Chinese header
    required: bool = False

    @property
    def label(self) -> str:
        return f"{self.key} ({self.zh})"


@dataclass
class Table:
    source: str
    columns: list[str]  # keys of the columns the file has
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _norm(header: str) -> str:
    # "Meter No", "meter-no" and "METER_NO" are the same column; Chinese names are kept as typed.
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").strip("*").strip()).lower()


def read_table(path: str | Path, columns: Sequence[Column]) -> Table:
    p = Path(path)
    source = p.name
    if not p.is_file():
        raise InputError(f"文件不存在 file not found: {path}", source=source)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows: Iterable[tuple[int, list[str], CellErrors]] = _csv_rows(p, source)
    elif suffix == ".xlsx":
        rows = read_xlsx_rows(p, source)
    elif suffix in (".xls", ".et", ".xlsm", ".xlsb"):
        raise InputError(f"不支持 {suffix} 文件 {suffix} files are not supported: save as .xlsx or CSV UTF-8",
                         source=source)
    else:
        raise InputError(f"文件类型不支持 unsupported file type {suffix or '(none)'}: use .csv or .xlsx",
                         source=source)
    return _build(source, iter(rows), columns)


def _csv_rows(p: Path, source: str) -> Iterator[tuple[int, list[str], CellErrors]]:
    data = p.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("文件是 UTF-16 编码 the file is UTF-16 (Excel 'Unicode text'), not UTF-8: "
                         "in Excel choose 另存为 Save As → 'CSV UTF-8 (逗号分隔)'", source=source)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError(
            f"文件不是 UTF-8 编码 the file is not UTF-8 (first bad byte on line {line}; GBK from Excel?): "
            "in Excel choose 另存为 Save As → 'CSV UTF-8 (逗号分隔)' and import that file",
            [Problem("not valid UTF-8", line)], source=source) from None
    if "\x00" in text:
        raise InputError("文件含有 NUL 字节 the file contains NUL bytes: it is not a CSV text file",
                         source=source)
    try:
        # A quoted cell may span lines; the spreadsheet row is the record's number, not a line's.
        for rownum, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield rownum, [cell.strip() for cell in record], []
    except csv.Error as e:
        raise InputError(f"CSV 格式错误 malformed CSV: {e}", source=source) from None


def _build(source: str, rows: Iterator[tuple[int, list[str], CellErrors]], columns: Sequence[Column]) -> Table:
    by_name: dict[str, Column] = {}
    for c in columns:
        by_name[_norm(c.key)] = c
        by_name[_norm(c.zh)] = c
    first = next(rows, None)
    if first is None:
        raise InputError("文件是空的 the file is empty: row 1 must be the header", source=source)
    _, header, header_errors = first
    problems = [Problem(reason, 1, column_letter(i)) for i, reason in header_errors]
    if not any(h.strip() for h in header):
        raise InputError("第1行必须是表头 row 1 must be the header (it is empty)", source=source)

    index: dict[int, str] = {}  # cell index -> column key
    seen: dict[str, str] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        if not name:
            continue
        col = by_name.get(_norm(name))
        if col is None:
            known = ", ".join(c.label for c in columns)
            hint = " — a CSV must be separated by commas 逗号" if (";" in name or "\t" in name) else ""
            problems.append(Problem(f"unknown column 未知列 {name!r} (known: {known}){hint}", 1, name))
        elif col.key in seen:
            problems.append(Problem(f"column {col.label} given twice: {seen[col.key]!r} and {name!r}", 1, name))
        else:
            seen[col.key] = name
            index[i] = col.key
    for c in columns:
        if c.required and c.key not in seen:
            problems.append(Problem(f"required column missing 缺少必填列 {c.label}", 1, c.key))
    if problems:
        raise InputError("表头有误 bad header", problems, source=source)

    table = Table(source=source, columns=list(seen))
    for rownum, cells, errors in rows:
        for i, reason in errors:
            problems.append(Problem(reason, rownum, _col_name(i, index)))
        texts = cells  # already trimmed (a DateText must stay one: no str methods here)
        if not any(texts) and not errors:
            continue  # blank rows are ignored, but keep counting them: numbers stay as Excel shows
        values = {key: "" for key in index.values()}
        for i, text in enumerate(texts):
            if i in index:
                values[index[i]] = text
            elif text:
                problems.append(Problem(f"value {text!r} in a column without a header 此列没有表头",
                                        rownum, column_letter(i)))
        table.rows.append((rownum, values))
    if problems:
        raise InputError(f"文件格式有误 the file has {len(problems)} bad cell(s); nothing was imported",
                         problems, source=source)
    if not table.rows:
        raise InputError("文件只有表头没有数据 the file has a header but no data rows", source=source)
    return table


def _col_name(i: int, index: dict[int, str]) -> str:
    letter = column_letter(i)
    return f"{letter} ({index[i]})" if i in index else letter
