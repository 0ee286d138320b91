"""Login (登录): user name and password, checked by app.services.users.authenticate on a worker thread
(argon2id takes tens of milliseconds by design; the GUI thread does not wait for it). Five wrong
passwords in a row lock the user; the coded message says so and who unlocks."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLineEdit, QWidget

from app.services import users
from ui.dialogs.base import FormDialog
from ui.messages import describe
from ui.ops import Ops


class LoginDialog(FormDialog):
    def __init__(self, parent: QWidget | None, ops: Ops, username: str = "", terminal: str = "") -> None:
        super().__init__(parent, self.tr("PropDesk — log in"))
        self.ops = ops
        self.user = QLineEdit(username)
        self.user.setObjectName("loginUser")
        self.password = QLineEdit()
        self.password.setObjectName("loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("Counter"), QLineEdit(terminal, readOnly=True))
        self.form.addRow(self.tr("User"), self.user)
        self.form.addRow(self.tr("Password"), self.password)
        self.finish_layout()
        (self.password if username else self.user).setFocus()
        self.checking = False

    def accept(self) -> None:
        if self.checking:
            return
        name, pw = self.user.text().strip(), self.password.text()
        if not name:
            self.error.setText(self.tr("Type your user name"))
            return
        self.checking = True
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Checking…"))
        self.ops.run(lambda s: users.authenticate(s, name, pw), self._checked, busy=False, quiet=True,
                     on_error=self._refused)

    def _refused(self, e: BaseException) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.error.setText(describe(e))
        self.password.selectAll()
        self.password.setFocus()

    def _checked(self, user: dict) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.value = user
        QDialog.accept(self)
