"""异常处理 (exceptions): what a manager must look at — double payments turned into credit,
payments that arrived after their shift or day was closed, sync conflicts, events central
refused — with a note when handled; and this counter's own events central refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from app import clock
from app.central import exceptions
from app.services.cashier.payments import Counter
from app.services.sync.rejected import rejected_events
from app import messages
from ui import i18n
from ui.models.base import RIGHT, RowsModel, fit_columns
from ui.ops import Ops
from ui.texts import yuan


def render(m: Any) -> str:
    return messages.render(m, i18n.message_lang()) if not isinstance(m, str) else m


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    from datetime import datetime

    return clock.local(datetime.fromisoformat(iso)).strftime("%Y-%m-%d %H:%M")


class CasesModel(RowsModel):
    COLUMNS = 6

    def headers(self) -> list[str]:
        return [self.tr("Time"), self.tr("Kind"), self.tr("Room"), self.tr("Amount"), self.tr("What happened"),
                self.tr("Status")]

    def cell(self, row: dict, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return _when(row["created_at"])
        if column == 1:
            return render(exceptions.kind_label(row["kind"]))
        if column == 2:
            return row["room"] or ""
        if column == 3:
            return yuan(row["amount_fen"]) if row["amount_fen"] is not None else ""
        if column == 4:
            return render(exceptions.summary(row))
        if row["status"] == "open":
            return self.tr("Open")
        return self.tr("Handled by {0}: {1}").format(row["resolved_by"] or "", row["resolution"] or "")


class RefusedModel(RowsModel):
    COLUMNS = 5

    def headers(self) -> list[str]:
        return [self.tr("Time"), self.tr("No."), self.tr("Receipt"), self.tr("Amount"), self.tr("Why central refused it")]

    def cell(self, row: dict, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 3:
            return RIGHT
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return [_when(row["created_at"]), str(row["device_seq"]), row["receipt_no"] or row["event_type"],
                yuan(row["amount_fen"]) if isinstance(row["amount_fen"], int) else "", row["reason"]][column]


class ExceptionsView(QWidget):
    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        self.open_only = QCheckBox(self.tr("Open only"))
        self.open_only.setChecked(True)
        self.open_only.toggled.connect(lambda _=False: self.refresh())
        self.resolve_button = QPushButton(self.tr("Mark handled…"))
        self.resolve_button.setObjectName("resolveException")
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.cases = CasesModel(self)
        self.table = QTableView()
        self.table.setObjectName("exceptionsTable")
        self.table.setModel(self.cases)
        self.refused = RefusedModel(self)
        self.refused_table = QTableView()
        self.refused_table.setObjectName("refusedEvents")
        self.refused_table.setModel(self.refused)
        for t in (self.table, self.refused_table):
            t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            t.verticalHeader().hide()
            t.setWordWrap(False)
        self.table.doubleClicked.connect(lambda _i: self.resolve_selected())
        self.refused_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Business exceptions for the manager")))
        top.addStretch(1)
        top.addWidget(self.open_only)
        top.addWidget(self.resolve_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.table, 3)
        lay.addWidget(self.refused_label)
        lay.addWidget(self.refused_table, 1)

    def tab_title(self) -> str:
        return self.tr("Exceptions")

    def refresh(self) -> None:
        open_only = self.open_only.isChecked()

        def load(s):  # type: ignore[no-untyped-def]
            return exceptions.list_cases(s, open_only=open_only)[::-1], rejected_events(s)

        self.ops.query(load, self._loaded)

    def _loaded(self, result: tuple[list[dict], list[dict]]) -> None:
        cases, refused = result
        self.cases.set_rows(cases)
        self.refused.set_rows(refused)
        self.refused_label.setText(self.tr("This counter's records central refused: {0} (kept, never dropped)")
                                   .format(len(refused)))
        self.refused_table.setVisible(bool(refused))
        fit_columns(self.table, ["2026-12-20 18:30", "已结班/日结后到达", "12-3-1502", "12,345.00",
                                 "T1-20261220-0001 · T1 · payment · 12"])
        fit_columns(self.refused_table, ["2026-12-20 18:30", "1234", "T1-20261220-0001", "12,345.00"])

    def selected_case(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows()
        return self.cases.row_at(rows[0].row()) if rows else None

    def ask_note(self, case: dict) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("Mark handled"),
                                        self.tr("How was it handled? (e.g. refunded to the owner, credit kept)"),
                                        QLineEdit.EchoMode.Normal, "")
        return text if ok else None

    def resolve_selected(self) -> None:
        case = self.selected_case()
        if case is None or case["status"] != "open":
            return
        note = self.ask_note(case)
        if note is None:
            return
        user, case_id = self.counter().user, case["id"]
        self.ops.run(lambda s: exceptions.resolve_case(s, case_id, note, user), lambda _r: self.refresh(),
                     changed="exceptions")
