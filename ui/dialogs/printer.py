"""Printer settings (打印机设置) of this counter, kept in Terminal.printer through
app.services.terminal_settings; a test page goes through the hook the window passes in
(the print queue is connected there, not here)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QWidget)

from app import devices, printer_transports
from app.errors import InputError
from app.services.terminal_settings import DEFAULT_PRINTER, TRANSPORTS, WIDTHS, validate_printer
from ui.dialogs.base import FormDialog
from ui.messages import describe
from ui.texts import message_lang, profile_name


class PrinterDialog(FormDialog):
    """Value: the settings dict (validated) for terminal_settings.save_printer. `read_only`:
    the user may look (and print a test page) but not change anything — no OK button."""

    def __init__(self, parent: QWidget | None, settings: dict | None,
                 test_page: Callable[[dict], None] | None = None, read_only: bool = False) -> None:
        super().__init__(parent, self.tr("Printer settings"))
        self.read_only = read_only
        cur = {**DEFAULT_PRINTER, **(settings or {})}
        self.test_hook = test_page
        self.transport = QComboBox()
        for t in TRANSPORTS:  # names and labels from the registry app.printer_transports
            self.transport.addItem(printer_transports.get(t).name_in(message_lang()), t)
        self.transport.setCurrentIndex(self.transport.findData(cur["transport"]))
        self.target = QLineEdit(str(cur["target"]))
        self.target.setPlaceholderText(self.tr("COM3 · /dev/ttyUSB0 · 192.168.1.50:9100 · /tmp/receipts.bin"))
        self.width = QComboBox()
        for w in WIDTHS:
            self.width.addItem(self.tr("{0} mm").format(w), w)
        self.width.setCurrentIndex(self.width.findData(cur["width_mm"]))
        # The built-in profile is stored as "default"; the field shows it as an empty box
        # with 标准 as its placeholder, so no English word is on screen.
        self.profile = QLineEdit("" if cur["profile"] in (None, "", "default") else str(cur["profile"]))
        self.profile.setPlaceholderText(profile_name("default"))
        self.drawer = QCheckBox(self.tr("Open the cash drawer after a cash payment"))
        self.drawer.setChecked(bool(cur["cash_drawer"]))
        self.display = QCheckBox(self.tr("Customer pole display"))
        self.display.setChecked(bool(cur["customer_display"]))
        # The pole display's serial port and rate (app.devices): driven when ticked and a port is set.
        self.display_port = QLineEdit(str(cur["display_port"] or ""))
        self.display_port.setPlaceholderText(self.tr("Display port: COM4 · /dev/ttyUSB1"))
        self.display_baud = QComboBox()
        for b in devices.BAUDRATES:
            self.display_baud.addItem(str(b), b)
        self.display_baud.setCurrentIndex(max(0, self.display_baud.findData(cur["display_baudrate"])))
        display_row = QHBoxLayout()
        display_row.addWidget(self.display)
        display_row.addWidget(self.display_port, 1)
        display_row.addWidget(self.display_baud)
        self.form.addRow(self.tr("Connection"), self.transport)
        self.form.addRow(self.tr("Port / address"), self.target)
        self.form.addRow(self.tr("Paper width"), self.width)
        self.form.addRow(self.tr("Printer profile"), self.profile)
        self.form.addRow("", self.drawer)
        self.form.addRow("", display_row)
        self.test_button = QPushButton(self.tr("Print a test page"))
        self.test_button.clicked.connect(self.test_page)
        self.form.addRow("", self.test_button)
        self.encoding = cur["encoding"]
        self.display_parity = cur["display_parity"]  # kept as stored (8N1 unless set otherwise)
        if read_only:
            note = QLabel(self.tr("Only a manager can change the printer settings. You can print a test page."))
            note.setObjectName("readOnlyNote")
            note.setWordWrap(True)
            self.outer.addWidget(note)
            for w in (self.transport, self.width, self.drawer, self.display, self.display_baud):
                w.setEnabled(False)
            for w in (self.target, self.profile, self.display_port):
                w.setReadOnly(True)
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.finish_layout()

    def accept(self) -> None:
        if self.read_only:
            self.reject()
            return
        super().accept()

    def build(self) -> dict:
        raw = {"transport": self.transport.currentData(), "target": self.target.text().strip(),
               "width_mm": self.width.currentData(), "profile": self.profile.text().strip() or "default",
               "encoding": self.encoding, "cash_drawer": self.drawer.isChecked(),
               "customer_display": self.display.isChecked(), "display_port": self.display_port.text().strip(),
               "display_baudrate": self.display_baud.currentData(), "display_parity": self.display_parity}
        try:
            return validate_printer(raw)
        except InputError as e:
            raise ValueError(describe(e)) from None

    def test_page(self) -> None:
        try:
            settings = self.build()
        except ValueError as e:
            self.error.setText(str(e))
            return
        self.error.clear()
        if self.test_hook is not None:
            self.test_hook(settings)
