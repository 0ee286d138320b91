"""Small dialogs: a void reason (作废原因, required) and a scanned receipt QR to verify."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from ui.dialogs.base import FormDialog

VOID_REASONS = ("收错房号", "金额错误", "重复收费", "住户取消")


class VoidDialog(FormDialog):
    """Value: the reason (str) for voids.void_receipt."""

    def __init__(self, parent: QWidget | None, receipt_no: str, summary: str = "", reminder: str = "") -> None:
        super().__init__(parent, self.tr("Void receipt"))
        self.form.addRow(self.tr("Receipt"), QLabel(f"<b>{receipt_no}</b>"))
        if summary:
            self.form.addRow("", QLabel(summary))
        # A card or scan payment is not reversed by the void: say what else to do.
        self.reminder = QLabel(reminder)
        self.reminder.setObjectName("errorLine")
        self.reminder.setWordWrap(True)
        self.reminder.setVisible(bool(reminder))
        self.form.addRow("", self.reminder)
        self.reason = QComboBox()
        self.reason.setObjectName("voidReason")
        self.reason.setEditable(True)
        self.reason.addItems(("",) + VOID_REASONS)
        self.reason.setCurrentIndex(0)
        self.form.addRow(self.tr("Reason (required)"), self.reason)
        self.finish_layout()
        self.reason.setFocus()

    def build(self) -> str:
        reason = self.reason.currentText().strip()
        if not reason:
            raise ValueError(self.tr("A void needs a reason"))
        return reason


class ScanDialog(FormDialog):
    """Value: the scanned text (a receipt QR payload `PD1|…`)."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str) -> None:
        super().__init__(parent, title)
        self.setMinimumWidth(520)
        self.text = QLineEdit()
        self.text.setObjectName("scanText")
        self.form.addRow(prompt, self.text)
        self.finish_layout()
        self.text.setFocus()

    def build(self) -> str:
        text = self.text.text().strip()
        if not text:
            raise ValueError(self.tr("Scan or type the code"))
        return text
