"""What every report is: titled sections of rows with their totals and a chart spec.

A report is data only (no Qt, no openpyxl): the JSON output, the Excel and PDF writers
(app/printing/report_xlsx.py, report_pdf.py) and the GUI's table and QtCharts chart all read
the same `Report`. Labels are message codes, so one report speaks Chinese or English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.errors import Msg

# Column kinds: how a value is shown. Money is integer fen everywhere ('fen').
# 'tender' holds a tender method code (shown by its name); 'label' a message code or plain text.
TEXT, FEN, INT, PCT, TENDER, LABEL = "text", "fen", "int", "pct", "tender", "label"


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # message code
    kind: str = TEXT


@dataclass(frozen=True)
class Chart:
    """What to draw: `kind` bar | stacked | pie | line; one category column (x axis or pie
    slices) and the value columns drawn as series."""

    kind: str
    category: str
    series: tuple[str, ...]


@dataclass
class Section:
    name: str  # message code of the section's title
    columns: list[Column]
    rows: list[dict[str, Any]]
    totals: dict[str, Any] = field(default_factory=dict)  # the same keys; text columns absent
    chart: Chart | None = None

    def chart_rows(self, limit: int) -> list[dict[str, Any]]:
        """The rows a chart draws when it can show only `limit` of them: the latest of a time
        series (days, periods), else the first (sections are sorted by what matters most)."""
        if len(self.rows) <= limit:
            return self.rows
        if self.chart is not None and self.chart.category in ("day", "period"):
            return self.rows[-limit:]
        return self.rows[:limit]

    def as_json(self) -> dict:
        return {"name": self.name, "columns": [c.key for c in self.columns], "rows": self.rows,
                "totals": self.totals, "chart": None if self.chart is None else
                {"kind": self.chart.kind, "category": self.chart.category, "series": list(self.chart.series)}}


@dataclass(frozen=True)
class Params:
    start: date
    end: date
    community: str | None = None


@dataclass
class Report:
    kind: str
    title: str  # message code
    params: Params
    sections: list[Section]

    def section(self, name: str) -> Section:
        return next(s for s in self.sections if s.name == name)

    def as_json(self) -> dict:
        """The CLI's `--format json`: the first section's rows and totals, then every section."""
        first = self.sections[0]
        return {"kind": self.kind, "from": self.params.start.isoformat(), "to": self.params.end.isoformat(),
                "community": self.params.community, "rows": first.rows, "totals": first.totals,
                "sections": [s.as_json() for s in self.sections]}


def text(code: str, lang: str, **params: Any) -> str:
    from app.messages import render

    return render(Msg(code, params), lang)


def rate_pct(part: int, whole: int) -> float | None:
    """A share in percent with two decimals for display (collection rate): None when nothing is due.
    Only a ratio of integer fen, never money itself."""
    if not whole:
        return None
    return round(part * 10000 / whole) / 100


def display(col: Column, value: Any, lang: str) -> str:
    """A cell as the table, the PDF and the chart labels show it."""
    from app import tender_methods
    from app.messages import catalog, yuan

    if value is None:
        return "—"
    if col.kind == FEN:
        return yuan(int(value))
    if col.kind == PCT:
        return f"{value:.2f}%"
    if col.kind == TENDER:
        return tender_methods.label(str(value), lang)
    if col.kind == LABEL and str(value) in catalog():
        return text(str(value), lang)
    return str(value)
