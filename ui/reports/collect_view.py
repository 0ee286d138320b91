"""托收 (bank collection): export a period's debit batch in a bank layout, book the bank's
return file, and the latest batches with how many debits were paid or failed. The work is
app.services.collect (docs/bank-collection.md), run on a worker thread through ui.ops; the
failed debits' reasons show in the arrears report (报表)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app import clock
from app.messages import render, yuan
from app.errors import Msg
from app.services.cashier.payments import Counter
from app.services.collect import layouts
from app.services.collect.batches import export_batch, import_return
from app.services.collect.query import batch_list
from ui import i18n
from ui.ops import Ops


def _last_month() -> str:
    d = clock.today()
    y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    return f"{y:04d}-{m:02d}"


class CollectView(QWidget):
    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        lang = i18n.message_lang()
        self.layout_box = QComboBox()
        self.layout_box.setObjectName("collectLayout")
        for code, lay in layouts.LAYOUTS.items():
            self.layout_box.addItem(render(Msg(lay.label), lang), code)
        self.period = QLineEdit(_last_month())
        self.period.setObjectName("collectPeriod")
        self.period.setMaximumWidth(90)
        self.export_button = QPushButton(self.tr("Export debit file…"))
        self.import_button = QPushButton(self.tr("Book return file…"))
        self.status = QLabel()
        self.status.setObjectName("collectStatus")
        self.table = QTableWidget()
        self.table.setObjectName("collectBatches")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("Period")))
        bar.addWidget(self.period)
        bar.addWidget(QLabel(self.tr("Bank file layout")))
        bar.addWidget(self.layout_box)
        bar.addWidget(self.export_button)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.export_button.clicked.connect(self._ask_export)
        self.import_button.clicked.connect(self._ask_import)

    def tab_title(self) -> str:
        return self.tr("Bank collection")

    def refresh(self) -> None:
        self.ops.query(batch_list, self._show_batches, on_error=lambda e: None)

    def _show_batches(self, rows: list[dict]) -> None:
        heads = [self.tr("Batch"), self.tr("Period"), self.tr("Layout"), self.tr("Debits"), self.tr("Amount"),
                 self.tr("Returned"), self.tr("Paid"), self.tr("Failed")]
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            cells = [r["batch"], r["period"], r["layout"], str(r["rows"]), yuan(r["total_fen"]),
                     self.tr("yes") if r["status"] == "returned" else self.tr("waiting"), str(r["paid"]),
                     str(r["failed"])]
            for j, value in enumerate(cells):
                item = QTableWidgetItem(value)
                if j in (3, 4, 6, 7):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self.table.resizeColumnsToContents()

    def _ask_export(self) -> None:
        suggested = f"托收-{self.period.text().strip()}.txt"
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save debit file"), suggested)
        if path:
            self.export(path)

    def export(self, path: str) -> None:
        """Make the batch and write its file (both or neither: the file is written inside the
        unit of work)."""
        user, code, period = self.counter().user, self.layout_box.currentData(), self.period.text()

        def run(s):  # type: ignore[no-untyped-def]
            out, data = export_batch(s, user, code, period)
            Path(path).write_bytes(data)
            return out

        self.ops.run(run, lambda out: self._done(self.tr("Batch {0}: {1} debits, {2} yuan, saved to {3}").format(
            out["batch"], out["rows"], yuan(out["total_fen"]), path)), on_error=lambda e: self.status.setText(""))

    def _ask_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open the bank's return file"))
        if path:
            self.book(path)

    def book(self, path: str) -> None:
        c = self.counter()
        try:
            data = Path(path).read_bytes()
        except OSError as e:
            self.ops.report(render(Msg("collect.file_unreadable", {"file": path, "reason": e.strerror or str(e)}),
                                   i18n.message_lang()))
            return
        self.ops.run(lambda s: import_return(s, c, data),
                     lambda r: self._done(self.tr("Batch {0}: {1} paid, {2} failed").format(
                         r["batch"], r["paid"], r["failed"])), changed="payment",
                     on_error=lambda e: self.status.setText(""))

    def _done(self, message: str) -> None:
        self.status.setText(message)
        self.refresh()
