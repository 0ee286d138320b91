"""Search results (lookup.Hit rows): one household per row."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from ui.models.base import RIGHT, RowsModel
from ui.texts import matched_name, usage_name


def masked_phone(phone: str | None) -> str:
    """138****1234: the screen faces the queue, the full number is not for everyone."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) == 11 and phone.isdigit() else phone


class HitsModel(RowsModel):
    COLUMNS = 7

    def headers(self) -> list[str]:
        return [self.tr("Room"), self.tr("Community"), self.tr("Owner"), self.tr("Phone"), self.tr("Area m²"),
                self.tr("Use"), self.tr("Matched by")]

    def cell(self, h: Any, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (h.room_key, h.community, h.owner or "", masked_phone(h.phone), h.area, usage_name(h.usage),
                    matched_name(h.matched))[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(RIGHT.value)
        return None
