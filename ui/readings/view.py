"""Readings review (抄表审核): the flagged readings — rollover doubt, usage far above the
meter's history, zero usage in an occupied room — with the reason, the usage and a sparkline
of the last 12 months; a manager accepts (billed at the next bill run) or rejects (to be
read again) each, with a reason. The services check the permission (readings_review)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.services import meter_review
from app.services.cashier.payments import Counter
from ui.ops import Ops
from ui.widgets.sparkline import Sparkline


class ReadingsReviewView(QWidget):
    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        self.rows: list[dict] = []
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("flaggedReadings")
        self.table.setHorizontalHeaderLabels([self.tr("Period"), self.tr("Meter"), self.tr("Room"), self.tr("Reading"),
                                              self.tr("Previous"), self.tr("Usage"), self.tr("Why flagged")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.empty = QLabel(self.tr("No flagged readings: every reading can be billed."))
        self.empty.setObjectName("noFlagged")
        self.title = QLabel()
        self.title.setObjectName("historyTitle")
        self.spark = Sparkline()
        self.spark.setObjectName("historySparkline")
        self.history_text = QLabel()
        self.history_text.setObjectName("historyText")
        self.history_text.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("decisionReason")
        self.reason.setPlaceholderText(self.tr("Reason (required), e.g. owner confirmed a burst pipe"))
        self.accept_button = QPushButton(self.tr("Accept (bill it)"))
        self.accept_button.setObjectName("acceptReading")
        self.reject_button = QPushButton(self.tr("Reject (read again)"))
        self.reject_button.setObjectName("rejectReading")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.accept_button.clicked.connect(lambda: self._decide(True))
        self.reject_button.clicked.connect(lambda: self._decide(False))
        self.refresh_button.clicked.connect(self.refresh)

        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(QLabel(self.tr("Usage, last 12 months")))
        side.addWidget(self.spark)
        side.addWidget(self.history_text)
        side.addStretch(1)
        side.addWidget(self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        side.addLayout(buttons)
        side_w = QWidget()
        side_w.setLayout(side)
        side_w.setFixedWidth(360)
        top = QHBoxLayout()
        top.addWidget(self.empty, 1)
        top.addWidget(self.refresh_button)
        left = QVBoxLayout()
        left.addLayout(top)
        left.addWidget(self.table, 1)
        main = QHBoxLayout(self)
        main.addLayout(left, 1)
        main.addWidget(side_w)
        self._enable(False)

    def tab_title(self) -> str:
        return self.tr("Readings review")

    def refresh(self) -> None:
        user = self.counter().user
        self.ops.run(lambda s: meter_review.flagged(s, user=user), self._show, busy=False)

    def _show(self, rows: list[dict]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [r["period"], r["meter_no"], r["room"] or "", r["reading"], r["previous"], r["usage"] or "",
                     r["reason_text"] if self._zh() else r["reason_en"]]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j in (3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        for j in range(6):  # the reason column takes the rest of the width
            self.table.resizeColumnToContents(j)
        self.empty.setText(self.tr("No flagged readings: every reading can be billed.") if not rows else "")
        if rows:
            self.table.selectRow(0)
        else:
            self._clear_side()

    @staticmethod
    def _zh() -> bool:
        from ui import i18n

        return i18n.message_lang() == "zh"

    def current(self) -> dict | None:
        i = self.table.currentRow()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _enable(self, on: bool) -> None:
        for w in (self.accept_button, self.reject_button, self.reason):
            w.setEnabled(on)

    def _clear_side(self) -> None:
        self.title.setText("")
        self.spark.set_values([])
        self.history_text.setText("")
        self._enable(False)

    def _selected(self) -> None:
        r = self.current()
        if r is None:
            self._clear_side()
            return
        self._enable(True)
        self.title.setText(self.tr("{0} · room {1} · {2}").format(r["meter_no"], r["room"] or "-", r["period"]))
        no, period = r["meter_no"], r["period"]
        self.ops.run(lambda s: meter_review.history(s, no, upto=period, months=12), self._show_history, busy=False)

    def _show_history(self, hist: list[dict]) -> None:
        self.history_text.setText("  ".join(f"{h['period'][2:]}: {h['usage'] if h['usage'] is not None else '—'}"
                                            for h in hist[-6:]))
        # display-only: pixels, never money
        self.spark.set_values([float(h["usage"]) if h["usage"] is not None else None for h in hist])

    def _decide(self, accept: bool) -> None:
        r = self.current()
        if r is None:
            return
        reason = self.reason.text().strip()
        if not reason:
            self.ops.report(self.tr("Write the reason for the decision first."))
            self.reason.setFocus()
            return
        c = self.counter()
        no, period = r["meter_no"], r["period"]

        def done(_res: Any) -> None:
            self.reason.clear()
            self.refresh()

        self.ops.run(lambda s: meter_review.decide(s, user=c.user, terminal=c.terminal, meter_no=no, period=period,
                                                   accept=accept, reason=reason), done, changed="readings")
