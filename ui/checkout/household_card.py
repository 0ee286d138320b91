"""The household card: who lives there, the area, and the balances that matter at the
counter (prepaid, deposits, arrears), read from receivables.bills.room_bills."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QWidget

from app.services.lookup import Hit
from ui.models.base import set_flag
from ui.models.hits import masked_phone
from ui.texts import usage_name, yuan


class HouseholdCard(QFrame):
    trail_requested = Signal(str)  # "community/room key"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("householdCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        grid.addWidget(self.title, 0, 0, 1, 2)
        self.values: dict[str, QLabel] = {}
        labels = [("owner", self.tr("Owner")), ("phone", self.tr("Phone")), ("area", self.tr("Area")),
                  ("prepaid", self.tr("Prepaid balance")), ("deposits", self.tr("Deposits held")),
                  ("owed", self.tr("Arrears")), ("late", self.tr("Late fees"))]
        for row, (key, text) in enumerate(labels, start=1):
            name = QLabel(text)
            name.setObjectName("cardLabel")
            value = QLabel()
            value.setObjectName(f"card_{key}")
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.values[key] = value
        # The room's audit trail (ui/dialogs/audit_trail.py; the main window opens it).
        self.trail_button = QPushButton(self.tr("Audit trail…"))
        self.trail_button.setObjectName("cardTrail")
        self.trail_button.clicked.connect(lambda: self.room and self.trail_requested.emit(self.room))
        grid.addWidget(self.trail_button, len(labels) + 1, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(labels) + 2, 1)
        self.clear()

    def clear(self) -> None:
        self.room: str | None = None  # community/room key of the household shown
        self.trail_button.setEnabled(False)
        self.title.setText(self.tr("No household selected"))
        for v in self.values.values():
            v.setText("—")

    def show_hit(self, hit: Hit) -> None:
        self.title.setText(f"{hit.room_key}  ·  {hit.community}")
        self.room = f"{hit.community}/{hit.room_key}"
        self.trail_button.setEnabled(True)
        self.values["owner"].setText(hit.owner or self.tr("(no owner on record)"))
        self.values["phone"].setText(masked_phone(hit.phone) or "—")
        self.values["area"].setText(f"{hit.area} m² · {usage_name(hit.usage)}")

    def show_bills(self, bills: dict) -> None:
        self.values["prepaid"].setText(yuan(bills["prepaid_fen"]))
        self.values["deposits"].setText(yuan(bills["deposits_fen"]))
        owed = bills["owed_fen"] + bills["late_fee_fen"]
        self.values["owed"].setText(yuan(owed))
        set_flag(self.values["owed"], "alert", owed > 0)
        self.values["late"].setText(yuan(bills["late_fee_fen"]))
