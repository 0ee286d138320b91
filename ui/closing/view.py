"""日结对账 (day close): the manager picks the business day and the day's statement files
(WeChat Pay 交易账单, Alipay 业务明细, the bank's POS settlement), sees the totals by tender,
cashier and fee item, how many lines matched and every discrepancy with its reason, then
locks the day after a confirmation. All work goes through app.services.closing.day_close
(preview first, nothing written; close_day on confirmation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app import clock
from app.money import fen_to_yuan_str
from app.services.cashier.payments import Counter
from app.services.closing import day_close
from ui.ops import Ops
from ui.texts import kind_name, message_lang, method_name

SOURCES = ("wechat", "alipay", "pos")


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    it = QTableWidgetItem(text)
    it.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if right:
        it.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return it


def _table(headers: list[str], name: str) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().setVisible(False)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _fill(t: QTableWidget, rows: list[list[tuple[str, bool]]]) -> None:
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, (text, right) in enumerate(row):
            t.setItem(r, c, _item(text, right))


class DayCloseView(QWidget):
    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        self.result: dict[str, Any] | None = None
        self.ask: Callable[[str, str], bool] = self._ask  # tests answer instead of a modal box
        self.day = QDateEdit(QDate.fromString(clock.today().isoformat(), Qt.DateFormat.ISODate))
        self.day.setObjectName("closeDay")
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.dateChanged.connect(lambda _d: self._clear())
        labels = {"wechat": self.tr("WeChat Pay statement (ALL)"), "alipay": self.tr("Alipay business detail"),
                  "pos": self.tr("Bank POS settlement")}
        self.files: dict[str, QLineEdit] = {}
        files = QGroupBox(self.tr("Statements of the day"))
        grid = QGridLayout(files)
        grid.addWidget(QLabel(self.tr("Business day")), 0, 0)
        grid.addWidget(self.day, 0, 1)
        for row, src in enumerate(SOURCES, start=1):
            edit = QLineEdit()
            edit.setObjectName(f"file_{src}")
            edit.setPlaceholderText(self.tr("(none: not reconciled)"))
            edit.textChanged.connect(lambda _t: self._clear())
            browse = QPushButton(self.tr("Choose…"))
            browse.clicked.connect(lambda _c=False, s=src: self._choose(s))
            grid.addWidget(QLabel(labels[src]), row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(browse, row, 2)
            self.files[src] = edit
        self.check_btn = QPushButton(self.tr("Reconcile"))
        self.check_btn.setObjectName("reconcile")
        self.check_btn.clicked.connect(self.reconcile)
        self.lock_btn = QPushButton(self.tr("Lock the day…"))
        self.lock_btn.setObjectName("lockDay")
        self.lock_btn.setEnabled(False)
        self.lock_btn.clicked.connect(self.confirm_lock)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_btn)
        buttons.addWidget(self.lock_btn)
        buttons.addStretch(1)
        grid.addLayout(buttons, len(SOURCES) + 1, 0, 1, 3)

        self.tenders = _table([self.tr("Tender"), self.tr("Amount")], "byTender")
        self.cashiers = _table([self.tr("Cashier"), self.tr("Payments"), self.tr("Amount")], "byCashier")
        self.fees = _table([self.tr("Fee item"), self.tr("Amount")], "byFeeItem")
        totals = QHBoxLayout()
        for title, t in ((self.tr("By tender"), self.tenders), (self.tr("By cashier"), self.cashiers),
                         (self.tr("By fee item"), self.fees)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(t)
            totals.addWidget(box)
        top = QHBoxLayout()
        top.addWidget(files, 3)
        top.addLayout(totals, 5)

        self.summary = QLabel(self.tr("Choose the day and its statement files, then Reconcile."))
        self.summary.setObjectName("closeSummary")
        self.summary.setWordWrap(True)
        self.issues = _table([self.tr("Source"), self.tr("Reference"), self.tr("Amount"), self.tr("Reason")],
                             "discrepancies")
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(self.summary)
        layout.addWidget(self.issues, 2)

    def tab_title(self) -> str:
        return self.tr("Day close")

    def refresh(self) -> None:
        pass  # nothing is read until the manager asks: a reconcile reads the files

    def _choose(self, source: str) -> None:
        from app.demo.day_statements import statements_dir

        folder = statements_dir(self.ops.ctx, self._day())  # the demo's files, when this is the demo
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the statement file"),
                                              str(folder) if folder.is_dir() else "",
                                              self.tr("Statements (*.csv *.txt);;All files (*)"))
        if path:
            self.files[source].setText(path)

    def _clear(self) -> None:
        self.result = None
        self.lock_btn.setEnabled(False)

    def _day(self):  # type: ignore[no-untyped-def]
        from datetime import date

        return date.fromisoformat(self.day.date().toString(Qt.DateFormat.ISODate))

    def _paths(self) -> dict[str, str | None]:
        return {src: (e.text().strip() or None) for src, e in self.files.items()}

    def reconcile(self) -> None:
        c, day, paths = self.counter(), self._day(), self._paths()
        self._clear()
        self.ops.run(lambda s: day_close.preview(s, c.terminal, c.user, day, paths), self.show_result)

    def confirm_lock(self) -> None:
        if self.result is None:
            return
        n = len(self.result["unmatched"])
        text = self.tr("Lock {0}? After locking, no receipt of that day can be voided or changed; "
                       "corrections are made on a later day.").format(self.result["date"])
        if n:
            text += "\n" + self.tr("{0} discrepancies will be opened as exceptions for follow-up.").format(n)
        if self.ask(self.tr("Lock the day"), text):
            self.lock()

    def _ask(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def lock(self) -> None:
        c, day, paths = self.counter(), self._day(), self._paths()
        self.ops.run(lambda s: day_close.close_day(s, c.terminal, c.user, day, paths), self.show_result,
                     changed="day_close")

    def show_result(self, r: dict[str, Any]) -> None:
        self.result = r
        en = message_lang() == "en"
        _fill(self.tenders, [[(method_name(m), False), (fen_to_yuan_str(v), True)] for m, v in r["totals"].items()]
              + [[(self.tr("Total"), False), (fen_to_yuan_str(sum(r["totals"].values())), True)]])
        _fill(self.cashiers, [[(x["name"], False), (str(x["payments"]), True), (fen_to_yuan_str(x["amount_fen"]), True)]
                              for x in r["by_cashier"]])
        _fill(self.fees, [[(f["name"] or kind_name(f.get("kind") or f["code"]), False),
                           (fen_to_yuan_str(f["amount_fen"]), True)] for f in r["by_fee_item"]])
        src_names = {"wechat": method_name("wechat"), "alipay": method_name("alipay"), "pos": method_name("pos"),
                     "sync": self.tr("Sync")}
        _fill(self.issues, [[(src_names.get(d["source"], d["source"]), False), (d["ref"], False),
                             (fen_to_yuan_str(d["amount_fen"]), True),
                             (d["message_en"] if en else d["message"], False)] for d in r["unmatched"]])
        state = self.tr("Locked") if r["locked"] else self.tr("Preview — not locked yet")
        self.summary.setText(self.tr("{0} {1}: {2} payments, {3} statement lines matched, {4} discrepancies. {5}")
                             .format(r["terminal"], r["date"], r["payments"], r["matched"], len(r["unmatched"]), state))
        self.lock_btn.setEnabled(not r["locked"])
