"""CSV / XLSX files as a table of trimmed text cells keyed by column, with row numbers as the
spreadsheet shows them (header = row 1). File-format problems (encoding, header, quoting,
field counts, formulas) are raised here; what the values mean is checked by each import."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import InputError, Problem
from app.services.imports.csv_lines import RowErrors, cell_problem, csv_rows
from app.services.imports.fields import shown
from app.services.imports.xlsx import column_letter, read_xlsx_rows


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
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header as the file writes it


def _norm(header: str) -> str:
    # "Meter No", "meter-no" and "METER_NO" are the same column; Chinese names are kept as typed.
    return re.sub(r"[\s\-]+", "_", header.strip().lstrip("\ufeff").strip("*").strip()).lower()


def read_table(path: str | Path, columns: Sequence[Column]) -> Table:
    p = Path(path)
    source = p.name
    if not p.is_file():
        raise InputError("import.file_not_found", source=source, path=str(path))
    suffix = p.suffix.lower()
    if suffix == ".csv":
        rows: Iterable[tuple[int, list[str], RowErrors]] = csv_rows(_csv_text(p, source))
    elif suffix == ".xlsx":
        rows = read_xlsx_rows(p, source)
    elif suffix in (".xls", ".et", ".xlsm", ".xlsb"):
        raise InputError("import.old_excel", source=source, suffix=suffix)
    else:
        raise InputError("import.unsupported_type", source=source, suffix=suffix or "(none)")
    return _build(source, iter(rows), columns)


def _csv_text(p: Path, source: str) -> str:
    data = p.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("import.utf16", source=source)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputError("import.not_utf8", [Problem.of("import.not_utf8_line", row=line)], source=source,
                         line=line) from None
    if "\x00" in text:
        raise InputError("import.nul_bytes", source=source)
    return text


def _build(source: str, rows: Iterator[tuple[int, list[str], RowErrors]], columns: Sequence[Column]) -> Table:
    by_name: dict[str, Column] = {}
    for c in columns:
        by_name[_norm(c.key)] = c
        by_name[_norm(c.zh)] = c
    first = next(rows, None)
    if first is None:
        raise InputError("import.empty_file", source=source)
    _, header, header_errors = first
    problems = [Problem.of(m.code, row=1, column=None if i is None else column_letter(i), **m.params)
                for i, m in header_errors]
    if not any(h.strip() for h in header):
        raise InputError("import.header_empty", problems, source=source)

    index: dict[int, str] = {}  # cell index -> column key
    seen: dict[str, str] = {}
    for i, raw in enumerate(header):
        name = raw.strip().lstrip("\ufeff")
        if not name:
            continue
        col = by_name.get(_norm(name))
        if col is None:
            known = ", ".join(c.label for c in columns)
            code = "import.unknown_column_separator" if (";" in name or "\t" in name) else "import.unknown_column"
            problems.append(Problem.of(code, row=1, column=shown(name), name=shown(name), known=known))
        elif col.key in seen:
            problems.append(Problem.of("import.column_twice", row=1, column=name, label=col.label,
                                       first=seen[col.key], second=name))
        else:
            seen[col.key] = name
            index[i] = col.key
    for c in columns:
        if c.required and c.key not in seen:
            problems.append(Problem.of("import.column_missing", row=1, column=c.key, label=c.label))
    if problems:
        raise InputError("import.bad_header", problems, source=source)

    table = Table(source=source, columns=list(seen), headers=dict(seen))
    for rownum, cells, errors in rows:
        for i, m in errors:
            problems.append(Problem.of(m.code, row=rownum, column=None if i is None else _col_name(i, index, seen),
                                       **m.params))
        texts = cells  # already trimmed (a DateText must stay one: no str methods here)
        if not any(texts) and not errors:
            continue  # blank rows are ignored, but keep counting them: numbers stay as Excel shows
        values = {key: "" for key in index.values()}
        if errors:  # where the cells of a malformed line belong is not known: say only what is wrong
            table.rows.append((rownum, values))
            continue
        for i, text in enumerate(texts):
            if i in index:
                values[index[i]] = text
            elif text:
                problems.append(Problem.of("import.no_header_value", row=rownum, column=column_letter(i),
                                           value=shown(text)))
            bad = cell_problem(text) if text else None  # an XLSX cell with Alt+Enter, say
            if bad is not None:
                problems.append(Problem.of(bad.code, row=rownum, column=_col_name(i, index, seen), **bad.params))
        table.rows.append((rownum, values))
    if problems:
        raise InputError("import.bad_rows", problems, source=source, count=len(problems),
                         rows=len({p.row for p in problems}))
    if not table.rows:
        raise InputError("import.no_data_rows", source=source)
    return table


def _col_name(i: int, index: dict[int, str], headers: dict[str, str]) -> str:
    letter = column_letter(i)
    return f"{letter} ({headers[index[i]]})" if i in index else letter
