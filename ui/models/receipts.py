"""Receipt history rows (receipts_query.search_receipts dicts); void receipts struck out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app import clock
from app.money import fen_to_yuan_str
from ui.models.base import RIGHT, RowsModel
from ui.texts import kind_name, status_name, tenders_text


def local_time(iso: str) -> str:
    """A stored time (UTC) as the company's local time — the business zone, not the PC's."""
    return clock.local_text(datetime.fromisoformat(iso))


class ReceiptsModel(RowsModel):
    COL_STATUS = 8

    COLUMNS = 9

    def headers(self) -> list[str]:
        return [self.tr("Receipt no."), self.tr("Time"), self.tr("Room"), self.tr("Payer"), self.tr("Type"),
                self.tr("Amount"), self.tr("Tenders"), self.tr("Cashier"), self.tr("Status")]

    def cell(self, r: dict, column: int, role: int) -> Any:
        void = r["status"] == "void"
        if role == Qt.ItemDataRole.DisplayRole:
            return (r["receipt_no"], local_time(r["issued_at"]), r["room_key"], r["payer"] or "",
                    kind_name(r["kind"]) + (f" · {r['note']}" if r["kind"] in ("deposit",) and r["note"] else ""),
                    fen_to_yuan_str(r["total_fen"]), tenders_text(r["tenders"]),
                    r["cashier_name"] or r["cashier"] or "", status_name(r["status"]))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 5:
            return int(RIGHT.value)
        if role == Qt.ItemDataRole.ForegroundRole and void:
            return QBrush(QColor("#b00020") if column == self.COL_STATUS else QColor("#888888"))
        if role == Qt.ItemDataRole.FontRole and void and column == 5:
            f = QFont()
            f.setStrikeOut(True)
            return f
        if role == Qt.ItemDataRole.ToolTipRole and void:
            return self.tr("Void: {0}").format(r.get("void_reason") or "")
        return None
