"""报表 (reports): pick a report, the range of days and a community; the section's table
and its chart; export to Excel or PDF. The reports are app.services.reports (one registry);
every database read runs on a worker thread through ui.ops, and so does writing a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFont, QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.services import reports
from app.services.cashier.payments import Counter
from app.services.reports.export import write
from app.services.reports.model import FEN, INT, PCT, Report, display, text
from app.services.reports.scope import community_names
from ui import i18n
from ui.ops import Ops
from ui.reports.chart import build_chart


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class ReportsView(QWidget):
    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        self.report: Report | None = None
        self.lang = i18n.message_lang()
        self.kind = QComboBox()
        self.kind.setObjectName("reportKind")
        for code, k in reports.KINDS.items():
            self.kind.addItem(text(k.title, self.lang), code)
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.community = QComboBox()
        self.community.setObjectName("reportCommunity")
        self.community.addItem(self.tr("All communities"), "")
        self.run_button = QPushButton(self.tr("Show (F5)"))
        self.xlsx_button = QPushButton(self.tr("Export Excel…"))
        self.pdf_button = QPushButton(self.tr("Export PDF…"))
        self.section = QComboBox()
        self.section.setObjectName("reportSection")
        for combo in (self.kind, self.section, self.community):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.table = QTableWidget()
        self.table.setObjectName("reportTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.chart_box = QWidget()
        self.chart_layout = QVBoxLayout(self.chart_box)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart: QWidget | None = None

        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Report")))
        bar.addWidget(self.kind)
        self.from_label, self.to_label = QLabel(self.tr("From")), QLabel(self.tr("to"))
        for w in (self.from_label, self.date_from, self.to_label, self.date_to):
            bar.addWidget(w)
        bar.addWidget(QLabel(self.tr("Community")))
        bar.addWidget(self.community)
        bar.addWidget(self.run_button)
        bar.addStretch(1)
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)
        sec_bar = QHBoxLayout()
        sec_bar.addWidget(QLabel(self.tr("Section")))
        sec_bar.addWidget(self.section)
        sec_bar.addWidget(self.status, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.chart_box)
        split.addWidget(self.table)
        split.setSizes([300, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(sec_bar)
        layout.addWidget(split, 1)

        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.run_button.clicked.connect(self.run)
        QShortcut(QKeySequence("F5"), self, self.run, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.section.currentIndexChanged.connect(self._show_section)
        self.xlsx_button.clicked.connect(lambda: self._ask_export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self._ask_export("pdf"))
        self._kind_changed()
        self._set_exportable(False)

    def tab_title(self) -> str:
        return self.tr("Reports")

    def refresh(self) -> None:
        """Shown: the community list, then the current report (a screen always shows fresh numbers)."""
        self.ops.query(community_names, self._set_communities, on_error=lambda e: None)
        self.run()

    def _set_communities(self, names: list[str]) -> None:
        current = self.community.currentData()
        self.community.blockSignals(True)
        self.community.clear()
        self.community.addItem(self.tr("All communities"), "")
        for n in names:
            self.community.addItem(n, n)
        i = self.community.findData(current)
        self.community.setCurrentIndex(max(i, 0))
        self.community.blockSignals(False)

    def _kind_changed(self) -> None:
        code = self.kind.currentData()
        start, end = reports.default_range(code)
        self.date_from.setDate(_qdate(start))
        self.date_to.setDate(_qdate(end))
        ranged = reports.KINDS[code].uses_range
        for w in (self.from_label, self.date_from, self.to_label, self.date_to):
            w.setEnabled(ranged)

    def run(self) -> None:
        code, user = self.kind.currentData(), self.counter().user
        start, end = _pydate(self.date_from.date()), _pydate(self.date_to.date())
        community = self.community.currentData() or None
        self.status.setText(self.tr("Working…"))
        self.ops.run(lambda s: reports.run(s, user, code, start=start, end=end, community=community),
                     self.show_report, on_error=lambda e: self.status.setText(""))

    def show_report(self, report: Report) -> None:
        self.report = report
        self.section.blockSignals(True)
        self.section.clear()
        for sec in report.sections:
            self.section.addItem(text(sec.name, self.lang), sec.name)
        self.section.blockSignals(False)
        self.section.setCurrentIndex(0)
        self._show_section()
        self._set_exportable(True)
        p = report.params
        self.status.setText(self.tr("{0}: {1} to {2}").format(text(report.title, self.lang), p.start.isoformat(),
                                                              p.end.isoformat()))

    def _set_exportable(self, on: bool) -> None:
        self.xlsx_button.setEnabled(on)
        self.pdf_button.setEnabled(on)

    def _show_section(self) -> None:
        if self.report is None or self.section.currentIndex() < 0:
            return
        sec = self.report.sections[self.section.currentIndex()]
        self.table.clear()
        self.table.setColumnCount(len(sec.columns))
        self.table.setRowCount(len(sec.rows) + 1)
        self.table.setHorizontalHeaderLabels([text(c.label, self.lang) for c in sec.columns])
        bold = QFont()
        bold.setBold(True)
        for i, row in enumerate([*sec.rows, None]):
            for j, col in enumerate(sec.columns):
                if row is None:  # the total row
                    value = text("reports.total", self.lang) if j == 0 else (
                        display(col, sec.totals[col.key], self.lang) if col.key in sec.totals else "")
                else:
                    value = display(col, row.get(col.key), self.lang)
                item = QTableWidgetItem(value)
                if col.kind in (FEN, INT, PCT):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if row is None:
                    item.setFont(bold)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()
        if self.chart is not None:
            self.chart_layout.removeWidget(self.chart)
            self.chart.deleteLater()
        self.chart = build_chart(sec, self.lang, self.chart_box)
        self.chart_layout.addWidget(self.chart)

    def _ask_export(self, fmt: str) -> None:
        if self.report is None:
            return
        title = text(self.report.title, self.lang)
        suggested = f"{title}-{self.report.params.end.isoformat()}.{fmt}"
        pattern = self.tr("Excel workbook (*.xlsx)") if fmt == "xlsx" else self.tr("PDF document (*.pdf)")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export report"), suggested, pattern)
        if path:
            self.export(fmt, path)

    def export(self, fmt: str, path: str) -> None:
        """Write the report shown to `path` on a worker thread (the file dialog's answer)."""
        report, lang = self.report, self.lang
        if report is None:
            return
        self.status.setText(self.tr("Exporting…"))
        self.ops.run(lambda s: write(report, fmt, path, lang),
                     lambda out: self.status.setText(self.tr("Saved {0}").format(str(out))),
                     on_error=lambda e: self.status.setText(""))
