"""A small read-only table model over a list of rows: subclasses name the columns and say
how a row shows in each; resetting the rows is the only mutation."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    COLUMNS = 0  # a constant: Qt asks for the count far more often than for the titles

    def headers(self) -> list[str]:  # translated at call time: the language can change
        raise NotImplementedError

    def cell(self, row: Any, column: int, role: int) -> Any:
        raise NotImplementedError

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, r: int) -> Any | None:
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self.rows)):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            h = self.headers()
            return h[section] if 0 <= section < len(h) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def set_flag(widget, name: str, on: bool) -> None:  # type: ignore[no-untyped-def]
    """Set a dynamic property the stylesheet selects on (alert, short…) and re-polish only
    when it changed: a re-polish re-resolves the stylesheet and costs milliseconds."""
    if bool(widget.property(name)) == on and widget.property(name) is not None:
        return
    widget.setProperty(name, on)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def fit_columns(table, samples: list[str], stretch_last: bool = True) -> None:  # type: ignore[no-untyped-def]
    """Column widths from sample texts and the headers, set once. Why not ResizeToContents:
    it asks the model for every cell on every layout pass, and that Python work on the GUI
    thread is what made a search result take 50 ms to appear."""
    from PySide6.QtWidgets import QHeaderView

    header = table.horizontalHeader()
    fm = table.fontMetrics()
    hfm = header.fontMetrics()
    model = table.model()
    for col, sample in enumerate(samples):
        title = str(model.headerData(col, Qt.Orientation.Horizontal) or "")
        width = max(fm.horizontalAdvance(sample), hfm.horizontalAdvance(title)) + 24
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(col, width)
    header.setStretchLastSection(stretch_last)
