"""A report as an A4 landscape PDF: per section a heading, a reportlab.graphics chart of the
section's chart spec, and the table (repeating its header on each page), in the embedded CJK
font app.printing.fonts finds."""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app import clock
from app.printing.fonts import pdf_font
from app.services.reports.model import FEN, INT, PCT, Report, Section, display, text

PALETTE = [colors.HexColor(c) for c in ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000", "#5B9BD5", "#70AD47",
                                        "#264478", "#9E480E", "#636363", "#997300")]
MAX_CHART_POINTS = 40  # a chart of more bars is unreadable: the table has them all
MAX_TABLE_ROWS = 2000


def _num(col, value) -> float:  # type: ignore[no-untyped-def]
    """Chart heights only (never stored or summed): yuan or percent as a float for drawing."""
    if value is None:
        return 0.0
    return int(value) / 100 if col.kind == FEN else float(value)


def _chart(sec: Section, font: str, lang: str, width: float) -> Drawing | None:
    spec = sec.chart
    if spec is None or not sec.rows:
        return None
    cols = {c.key: c for c in sec.columns}
    rows = sec.chart_rows(MAX_CHART_POINTS)
    labels = [display(cols[spec.category], r.get(spec.category), lang)[:12] for r in rows]
    series = [[_num(cols[k], r.get(k)) for r in rows] for k in spec.series]
    names = [text(cols[k].label, lang) for k in spec.series]
    d = Drawing(width, 62 * mm)
    if spec.kind == "pie":
        pie = Pie()
        pie.x, pie.y, pie.width, pie.height = 20, 10, 50 * mm, 50 * mm
        pie.data = [max(v, 0.0) for v in series[0]]
        pie.labels = None
        for i in range(len(pie.data)):
            pie.slices[i].fillColor = PALETTE[i % len(PALETTE)]
        d.add(pie)
        legend = Legend()
        legend.x, legend.y = 70 * mm, 55 * mm
        legend.fontName, legend.fontSize = font, 8
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], f"{labels[i]}  {display(cols[spec.series[0]], rows[i].get(spec.series[0]), lang)}")
                                 for i in range(len(labels))]
        d.add(legend)
        return d
    chart = HorizontalLineChart() if spec.kind == "line" else VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 45, 28, width - 200, 62 * mm - 40
    chart.data = series
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30 if len(labels) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(labels) > 8 else "n"
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.forceZero = True
    if isinstance(chart, VerticalBarChart):
        if spec.kind == "stacked":
            chart.categoryAxis.style = "stacked"
        for i in range(len(series)):
            chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
            chart.bars[i].strokeColor = None
    else:
        for i in range(len(series)):
            chart.lines[i].strokeColor = PALETTE[i % len(PALETTE)]
            chart.lines[i].strokeWidth = 1.5
    d.add(chart)
    legend = Legend()
    legend.x, legend.y = width - 140, 62 * mm - 10
    legend.fontName, legend.fontSize = font, 8
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], n) for i, n in enumerate(names)]
    d.add(legend)
    if len(sec.rows) > MAX_CHART_POINTS:
        d.add(String(45, 62 * mm - 8, text("reports.chart_part", lang, shown=MAX_CHART_POINTS, total=len(sec.rows)),
                     fontName=font, fontSize=7))
    return d


def _table(sec: Section, font: str, lang: str, width: float) -> Table:
    head = [text(c.label, lang) for c in sec.columns]
    body = [[display(c, r.get(c.key), lang) for c in sec.columns] for r in sec.rows[:MAX_TABLE_ROWS]]
    total = [text("reports.total", lang)] + [display(c, sec.totals[c.key], lang) if c.key in sec.totals else ""
                                              for c in sec.columns[1:]]
    t = Table([head] + body + [total], repeatRows=1, hAlign="LEFT")
    style = [("FONT", (0, 0), (-1, -1), font, 8), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
             ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for j, c in enumerate(sec.columns):
        if c.kind in (FEN, INT, PCT):
            style.append(("ALIGN", (j, 1), (j, -1), "RIGHT"))
    t.setStyle(TableStyle(style))
    return t


def write_pdf(report: Report, path: str | Path, lang: str = "zh") -> Path:
    font = pdf_font()[0]
    out = Path(path)
    page = landscape(A4)
    doc = SimpleDocTemplate(str(out), pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title=text(report.title, lang))
    width = page[0] - 24 * mm
    h1 = ParagraphStyle("h1", fontName=font, fontSize=16, leading=20)
    h2 = ParagraphStyle("h2", fontName=font, fontSize=12, leading=16, spaceBefore=6)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10, textColor=colors.grey)
    title = text(report.title, lang)
    community = report.params.community or text("reports.all_communities", lang)
    story = [Paragraph(title, h1),
             Paragraph(text("reports.footer", lang, title=title, start=report.params.start.isoformat(),
                            end=report.params.end.isoformat(), community=community,
                            now=clock.local_text(clock.now())), small), Spacer(1, 4 * mm)]
    for i, sec in enumerate(report.sections):
        if i:
            story.append(PageBreak())
        chart = _chart(sec, font, lang, width)
        head = [Paragraph(text(sec.name, lang), h2)] + ([chart] if chart is not None else [])
        story.append(KeepTogether(head))
        story.append(Spacer(1, 3 * mm))
        story.append(_table(sec, font, lang, width))
    doc.build(story)
    return out
