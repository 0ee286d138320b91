"""The 报表 screen: a report's sections as a table with its total row and a chart, the range
and community choices, export to Excel and PDF off the GUI thread, the permission."""

from __future__ import annotations

from openpyxl import load_workbook

from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import parse_tender
from tests.ui.conftest import idle
from ui.reports import chart as report_chart
from ui.reports.view import ReportsView


def _screen(qtbot, window) -> ReportsView:  # type: ignore[no-untyped-def]
    view = next(s for s in window.screens if isinstance(s, ReportsView))
    window.tabs.setCurrentWidget(view)
    view.refresh()
    idle(qtbot, window)
    return view


def _cells(view: ReportsView) -> list[list[str]]:
    t = view.table
    return [[t.item(i, j).text() for j in range(t.columnCount())] for i in range(t.rowCount())]


def test_collections_and_arrears_show_table_total_and_chart(qtbot, window, ctx, tmp_path):
    with ctx.uow() as s:
        pay_bills(s, Counter("T1", "admin"), "1-1-101", [parse_tender("cash=500")])
    view = _screen(qtbot, window)
    assert window.errors == []
    assert view.kind.currentData() == "collections"
    assert [view.section.itemData(i) for i in range(view.section.count())][:2] == [
        "reports.sec.by_day", "reports.sec.by_tender"]
    rows = _cells(view)
    assert rows[0][0] == "2026-12-20" and rows[-1][0] == "Total" and rows[-1][-1] == "422.40"
    if report_chart.available():
        from PySide6.QtCharts import QChartView

        assert isinstance(view.chart, QChartView) and view.chart.chart().series()
    else:
        assert view.chart.objectName() == "reportChartMissing"

    view.kind.setCurrentIndex(view.kind.findData("arrears"))
    assert not view.date_from.isEnabled()  # aging is as of today
    view.run()
    idle(qtbot, window)
    rows = _cells(view)
    assert rows[0][:3] == ["阳光花园", "1", "1"] and rows[-1][0] == "Total" and rows[-1][-1] == "340.00"
    view.section.setCurrentIndex(1)  # top debtors
    assert _cells(view)[0][1] == "1-1-102"

    xlsx, pdf = tmp_path / "a.xlsx", tmp_path / "a.pdf"
    view.export("xlsx", str(xlsx))
    view.export("pdf", str(pdf))
    idle(qtbot, window)
    assert window.errors == []
    wb = load_workbook(xlsx)
    assert wb.sheetnames[0] == "Aging by building" or wb.sheetnames[0] == "按楼栋账龄"
    assert len(wb[wb.sheetnames[0]]._charts) == 1
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Saved" in view.status.text()


def test_a_cashier_is_refused_reports(qtbot, window):
    window.counter = lambda: Counter("T1", "cashier1")
    view = next(s for s in window.screens if isinstance(s, ReportsView))
    view.counter = window.counter
    view.run()
    idle(qtbot, window)
    assert window.errors and "cashier1" in window.errors[-1]
    assert view.report is None and not view.xlsx_button.isEnabled()
