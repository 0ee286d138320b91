"""FormDialog: a form, an error line, OK/Cancel; `build()` turns the widgets into the
dialog's value or raises ValueError with a message for the error line."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget


class FormDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.value: Any = None
        self.outer = QVBoxLayout(self)
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        self.error = QLabel()
        self.error.setObjectName("errorLine")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        """Subclasses call this after adding their rows: the error line and buttons go last."""
        self.outer.addWidget(self.error)
        self.outer.addWidget(self.buttons)

    def build(self) -> Any:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.value = self.build()
        except ValueError as e:
            self.error.setText(str(e))
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None, *args: Any, **kwargs: Any) -> Any:
        """Show the dialog modally; the value, or None when cancelled."""
        d = cls(parent, *args, **kwargs)
        try:
            return d.value if d.exec() == QDialog.DialogCode.Accepted else None
        finally:
            d.deleteLater()
