"""A serial port picker: an editable combo listing the ports the system knows (COM3, /dev/ttyUSB0,
with their descriptions) that also takes a typed path (a pty, a port that is not plugged in
yet). Used by the meter reading and handheld dialogs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

Lister = Callable[[], list[tuple[str, str]]]


def _system_ports() -> list[tuple[str, str]]:
    from drivers.serial.line import list_ports

    return list_ports()


class PortPicker(QWidget):
    def __init__(self, parent: QWidget | None = None, *, lister: Lister = _system_ports, port: str = "") -> None:
        super().__init__(parent)
        self._lister = lister
        self.combo = QComboBox()
        self.combo.setObjectName("portCombo")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setMinimumContentsLength(18)
        self.combo.lineEdit().setPlaceholderText(self.tr("COM3 or /dev/ttyUSB0"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("portRefresh")
        self.refresh_button.setToolTip(self.tr("List the serial ports again (after plugging in an adapter)"))
        self.refresh_button.clicked.connect(self.refresh)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.refresh_button)
        self.refresh()
        if port:
            self.set_port(port)

    def refresh(self) -> None:
        typed = self.port()
        self.combo.clear()
        for device, description in self._lister():
            label = f"{device} — {description}" if description and description != "n/a" else device
            self.combo.addItem(label, device)
        self.set_port(typed)

    def set_port(self, port: str) -> None:
        i = self.combo.findData(port)
        if i >= 0:
            self.combo.setCurrentIndex(i)
        else:
            self.combo.setEditText(port)

    def port(self) -> str:
        """The chosen device (a listed one's device name, or the typed path)."""
        text = self.combo.currentText().strip()
        i = self.combo.currentIndex()
        if i >= 0 and self.combo.itemText(i) == text:
            return str(self.combo.itemData(i))
        return text
