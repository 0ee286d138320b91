"""The audit trail of a receipt or a room: every recorded action about it, oldest first —
who, when, at which counter, what (app/services/audit.py). Read-only."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app import clock
from app.services import audit
from ui.ops import Ops


class AuditTrailDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, events: list[dict[str, Any]]) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self.tr("{0} recorded actions").format(len(events)) if events
                              else self.tr("No recorded actions"))
        layout.addWidget(self.summary)
        self.table = QTableWidget(len(events), 5)
        self.table.setObjectName("auditTrail")
        self.table.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Counter"), self.tr("User"), self.tr("Action"),
                                              self.tr("Details")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, e in enumerate(events):
            from datetime import datetime

            at = clock.local_text(datetime.fromisoformat(e["at"]), "%Y-%m-%d %H:%M:%S")
            detail = json.dumps(e["detail"], ensure_ascii=False, sort_keys=True) if e["detail"] else ""
            for col, text in enumerate((at, e["terminal"] or "—", e["user"] or "—", e["action"], detail)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def rows(self) -> list[list[str]]:
        return [[self.table.item(r, c).text() for c in range(self.table.columnCount())]
                for r in range(self.table.rowCount())]


def _show(parent: QWidget | None, title: str, events: list[dict]) -> AuditTrailDialog:
    d = AuditTrailDialog(parent, title, events)
    d.show()
    return d


def open_receipt_trail(parent: QWidget, ops: Ops, receipt_no: str) -> None:
    title = QCoreApplication.translate("AuditTrailDialog", "Audit trail of receipt {0}").format(receipt_no)
    ops.query(lambda s: audit.receipt_trail(s, receipt_no), lambda ev: setattr(parent, "trail_dialog",
                                                                              _show(parent, title, ev)))


def open_room_trail(parent: QWidget, ops: Ops, room_key: str) -> None:
    title = QCoreApplication.translate("AuditTrailDialog", "Audit trail of room {0}").format(room_key)
    ops.query(lambda s: audit.room_trail(s, room_key), lambda ev: setattr(parent, "trail_dialog",
                                                                         _show(parent, title, ev)))
