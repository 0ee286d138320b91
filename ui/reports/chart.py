"""A report section's chart spec (app/services/reports/model.py `Chart`) drawn with QtCharts:
bar, stacked bar, line or pie.

QtCharts ships in PySide6-Addons (pyproject.toml). Where only PySide6-Essentials is
installed the screen still works: the chart area says what is missing and the table and
the exports (whose charts are drawn by openpyxl and reportlab) are unaffected."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLabel, QWidget

from app.services.reports.model import FEN, Section, display, text

try:
    from PySide6 import QtCharts
except ImportError:  # PySide6-Addons not installed
    QtCharts = None

# The same colours as the PDF's charts (app/printing/report_pdf.py), so a printout matches the screen.
PALETTE = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47", "#264478", "#9E480E", "#636363",
           "#997300")
MAX_POINTS = 40  # more bars than this are unreadable: the table shows them all


def available() -> bool:
    return QtCharts is not None


def _num(col, value) -> float:  # type: ignore[no-untyped-def]
    """Drawing heights only: yuan or percent as a float, never stored or summed."""
    if value is None:
        return 0.0
    return int(value) / 100 if col.kind == FEN else float(value)


def build_chart(sec: Section, lang: str, parent: QWidget | None = None) -> QWidget:
    if QtCharts is None:
        label = QLabel(QCoreApplication.translate("ReportChart", "Charts need the PySide6-Addons package; the "
                                                  "table and the Excel/PDF exports have them."), parent)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setObjectName("reportChartMissing")
        return label
    chart = QtCharts.QChart()
    chart.setTitle(text(sec.name, lang))
    chart.setAnimationOptions(QtCharts.QChart.AnimationOption.NoAnimation)
    spec = sec.chart
    if spec is not None and sec.rows:
        cols = {c.key: c for c in sec.columns}
        rows = sec.chart_rows(MAX_POINTS)
        labels = [display(cols[spec.category], r.get(spec.category), lang) for r in rows]
        if spec.kind == "pie":
            series = QtCharts.QPieSeries()
            key = spec.series[0]
            for label, r in zip(labels, rows):
                v = _num(cols[key], r.get(key))
                if v > 0:
                    series.append(f"{label} {display(cols[key], r.get(key), lang)}", v)
            for i, sl in enumerate(series.slices()):  # the legend names them; labels on slices collide
                sl.setColor(QColor(PALETTE[i % len(PALETTE)]))
            chart.addSeries(series)
        elif spec.kind == "line":
            axis_x = QtCharts.QBarCategoryAxis()
            axis_x.append(labels)
            axis_y = QtCharts.QValueAxis()
            chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
            top = 0.0
            for key in spec.series:
                line = QtCharts.QLineSeries()
                line.setName(text(cols[key].label, lang))
                for i, r in enumerate(rows):
                    v = _num(cols[key], r.get(key))
                    top = max(top, v)
                    line.append(i, v)
                chart.addSeries(line)
                line.attachAxis(axis_x)
                line.attachAxis(axis_y)
            axis_y.setRange(0, top * 1.1 or 1)
            axis_y.applyNiceNumbers()
        else:
            series = QtCharts.QStackedBarSeries() if spec.kind == "stacked" else QtCharts.QBarSeries()
            for key in spec.series:
                bars = QtCharts.QBarSet(text(cols[key].label, lang))
                bars.append([_num(cols[key], r.get(key)) for r in rows])
                series.append(bars)
            chart.addSeries(series)
            axis_x = QtCharts.QBarCategoryAxis()
            axis_x.append(labels)
            chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
            series.attachAxis(axis_x)
            for i, bars in enumerate(series.barSets()):
                bars.setColor(QColor(PALETTE[i % len(PALETTE)]))
            axis_y = QtCharts.QValueAxis()
            axis_y.setLabelFormat("%.0f")
            chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
            series.attachAxis(axis_y)
            axis_y.applyNiceNumbers()
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
    view = QtCharts.QChartView(chart, parent)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setObjectName("reportChart")
    return view
