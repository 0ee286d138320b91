"""A room's unpaid bill lines, checkable, grouped by period (oldest first), late fees in
their own column and how each amount was made in a tooltip.

The checked lines are what Enter pays; the model only keeps which ids are checked and sums
the figures the billing service computed — it computes no amount of its own."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor

from app.money import fen_to_yuan_str
from app.services.receivables.bills import LineView
from ui import detail_text
from ui.models.base import RIGHT, Index, RowsModel

_GROUP_SHADES = (QColor("#ffffff"), QColor("#f3f6fa"))


def line_dict(v: LineView) -> dict:
    """The figures the detail panel shows, read by attribute (the view parses `detail`
    lazily, so it is a property rather than a dataclass field)."""
    return {"id": v.id, "fee_code": v.fee_code, "fee_name": v.fee_name, "period": v.period, "kind": v.kind,
            "amount_fen": v.amount_fen, "paid_fen": v.paid_fen, "late_fee_fen": v.late_fee_fen,
            "late_fee_detail": v.late_fee_detail, "due_date": v.due_date.isoformat(), "status": v.status,
            "detail": v.detail, "corrections": list(getattr(v, "corrections", []) or [])}


class BillLinesModel(RowsModel):
    COL_CHECK, COL_FEE, COL_AMOUNT, COL_PAID, COL_LATE, COL_DUE, COL_DATE, COL_HOW = range(8)
    checked_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.checked: set[str] = set()
        self._group: list[int] = []

    COLUMNS = 8

    def headers(self) -> list[str]:
        return [self.tr("Period"), self.tr("Fee"), self.tr("Amount"), self.tr("Paid"), self.tr("Late fee"),
                self.tr("To pay"), self.tr("Due date"), self.tr("How it is computed")]

    def set_lines(self, lines: list[LineView], check_all: bool = True) -> None:
        lines = sorted(lines, key=lambda v: (v.period, v.due_date, v.fee_code))
        self.checked = {v.id for v in lines} if check_all else set()
        # Alternate the shade per period, so a period's lines read as one group.
        shade, last, self._group = 0, None, []
        for v in lines:
            if last is not None and v.period != last:
                shade ^= 1
            self._group.append(shade)
            last = v.period
        self.set_rows(lines)
        self.checked_changed.emit()

    @staticmethod
    def to_pay(v: LineView) -> int:
        return v.outstanding_fen + v.late_fee_fen

    def checked_ids(self) -> list[str]:
        return [v.id for v in self.rows if v.id in self.checked]

    def checked_total(self) -> int:
        return sum(self.to_pay(v) for v in self.rows if v.id in self.checked)

    def set_checked(self, row: int, on: bool) -> None:
        v = self.row_at(row)
        if v is None or (v.id in self.checked) == on:
            return
        (self.checked.add if on else self.checked.discard)(v.id)
        i = self.index(row, self.COL_CHECK)
        self.dataChanged.emit(i, i, [Qt.ItemDataRole.CheckStateRole])
        self.checked_changed.emit()

    def toggle(self, row: int) -> None:
        v = self.row_at(row)
        if v is not None:
            self.set_checked(row, v.id not in self.checked)

    def check_all(self, on: bool) -> None:
        for r in range(len(self.rows)):
            self.set_checked(r, on)

    def cell(self, v: LineView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COL_CHECK:
                return v.period
            if column == self.COL_FEE:
                return v.fee_name + (" " + self.tr("(one-off)") if v.kind == "one_off" else "")
            if column == self.COL_AMOUNT:
                return fen_to_yuan_str(v.amount_fen)
            if column == self.COL_PAID:
                return fen_to_yuan_str(v.paid_fen) if v.paid_fen else ""
            if column == self.COL_LATE:
                return fen_to_yuan_str(v.late_fee_fen) if v.late_fee_fen else ""
            if column == self.COL_DUE:
                return fen_to_yuan_str(self.to_pay(v))
            if column == self.COL_DATE:
                return v.due_date.isoformat()
            if column == self.COL_HOW:
                late = detail_text.late_summary(v.late_fee_detail)
                return detail_text.summary(v.detail) + ("; " + self.tr("late fee {0}").format(late) if late else "")
        if role == Qt.ItemDataRole.CheckStateRole and column == self.COL_CHECK:
            return Qt.CheckState.Checked if v.id in self.checked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and self.COL_AMOUNT <= column <= self.COL_DUE:
            return int(RIGHT.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return detail_text.tooltip(line_dict(v))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_LATE and v.late_fee_fen:
            return QBrush(QColor("#b00020"))
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and index.row() < len(self._group):
            return QBrush(_GROUP_SHADES[self._group[index.row()]])
        return super().data(index, role)

    def flags(self, index: Index) -> Qt.ItemFlag:
        f = super().flags(index)
        if index.isValid() and index.column() == self.COL_CHECK:
            f |= Qt.ItemFlag.ItemIsUserCheckable
        return f

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != self.COL_CHECK or role != Qt.ItemDataRole.CheckStateRole:
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(value))
        self.set_checked(index.row(), state == Qt.CheckState.Checked)
        return True
