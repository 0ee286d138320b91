"""A report as an Excel workbook: one formatted sheet per section (title, header, rows, a
total row) and a native Excel chart of the section's chart spec beside the table.

Money cells hold exact decimals of yuan (Decimal(fen) / 100, shown `#,##0.00`), never a
float made from fen; rates are fractions shown as percentages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app import clock
from app.services.reports.model import FEN, INT, PCT, Column, Report, Section, display, text

_HEAD = PatternFill("solid", fgColor="DDE6F0")
_THIN = Side(style="thin", color="A0A0A0")
_BOX = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
MONEY_FORMAT = "#,##0.00"


def _cell_value(col: Column, value, lang: str):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    if col.kind == FEN:
        return Decimal(int(value)) / 100
    if col.kind == PCT:
        return Decimal(str(value)) / 100
    if col.kind == INT:
        return int(value)
    return display(col, value, lang)


def _sheet_title(name: str, used: set[str]) -> str:
    for ch in "[]:*?/\\":
        name = name.replace(ch, " ")
    name = name[:28] or "Sheet"
    base, n = name, 2
    while name in used:
        name, n = f"{base[:25]}({n})", n + 1
    used.add(name)
    return name


def write_xlsx(report: Report, path: str | Path, lang: str = "zh") -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    title = text(report.title, lang)
    community = report.params.community or text("reports.all_communities", lang)
    footer = text("reports.footer", lang, title=title, start=report.params.start.isoformat(),
                  end=report.params.end.isoformat(), community=community, now=clock.local_text(clock.now()))
    for sec in report.sections:
        ws = wb.create_sheet(_sheet_title(text(sec.name, lang), used))
        _write_section(ws, sec, f"{title} — {text(sec.name, lang)}", footer, lang)
    out = Path(path)
    wb.save(out)
    return out


def _write_section(ws, sec: Section, heading: str, footer: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    ncols = len(sec.columns)
    ws.cell(row=1, column=1, value=heading).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=footer).font = Font(size=9, color="606060")
    head_row = 4
    for j, col in enumerate(sec.columns, start=1):
        c = ws.cell(row=head_row, column=j, value=text(col.label, lang))
        c.font, c.fill, c.border = Font(bold=True), _HEAD, _BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, row in enumerate(sec.rows, start=head_row + 1):
        for j, col in enumerate(sec.columns, start=1):
            _put(ws.cell(row=i, column=j), col, row.get(col.key), lang)
    last = head_row + len(sec.rows)
    total_row = last + 1
    ws.cell(row=total_row, column=1, value=text("reports.total", lang)).font = Font(bold=True)
    for j, col in enumerate(sec.columns, start=1):
        if j > 1 and col.key in sec.totals:
            c = ws.cell(row=total_row, column=j)
            _put(c, col, sec.totals[col.key], lang)
            c.font = Font(bold=True)
        ws.cell(row=total_row, column=j).border = _BOX
    for j, col in enumerate(sec.columns, start=1):
        width = max([len(text(col.label, lang)) * 2] + [len(display(col, r.get(col.key), lang)) * 1.3
                                                         for r in sec.rows[:200]] + [10])
        ws.column_dimensions[get_column_letter(j)].width = min(40, width + 2)
    ws.freeze_panes = ws.cell(row=head_row + 1, column=2)
    if sec.chart is not None and sec.rows:
        chart = _chart(ws, sec, head_row, last, lang)
        if chart is not None:
            ws.add_chart(chart, f"{get_column_letter(ncols + 2)}{head_row}")


def _put(cell, col: Column, value, lang: str) -> None:  # type: ignore[no-untyped-def]
    cell.value = _cell_value(col, value, lang)
    cell.border = _BOX
    if col.kind == FEN:
        cell.number_format = MONEY_FORMAT
    elif col.kind == PCT:
        cell.number_format = "0.00%"


def _chart(ws, sec: Section, head_row: int, last: int, lang: str):  # type: ignore[no-untyped-def]
    keys = [c.key for c in sec.columns]
    cat_col = keys.index(sec.chart.category) + 1
    cats = Reference(ws, min_col=cat_col, min_row=head_row + 1, max_row=last)
    kind = sec.chart.kind
    chart = {"pie": PieChart, "line": LineChart}.get(kind, BarChart)()
    if isinstance(chart, BarChart):
        chart.type = "col"
        if kind == "stacked":
            chart.grouping, chart.overlap = "stacked", 100
    for key in sec.chart.series:
        j = keys.index(key) + 1
        chart.add_data(Reference(ws, min_col=j, min_row=head_row, max_row=last), titles_from_data=True)
    chart.set_categories(cats)
    chart.title = text(sec.name, lang)
    chart.height, chart.width = 9, 16
    return chart
