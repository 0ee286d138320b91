"""Login (登录): user name and password, checked by app.services.users on a worker thread
(scrypt takes tens of milliseconds by design; the GUI thread does not wait for it)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLineEdit, QWidget
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.services import users
from ui.dialogs.base import FormDialog
from ui.ops import Ops


def authenticate(s: Session, username: str, password: str) -> dict | None:
    """The user as a plain dict when the password matches, else None (no hint which part
    was wrong)."""
    try:
        user = users.get_user(s, username)
    except NotFound:
        return None
    if not users.check_password(password, user.password_hash):
        return None
    return {"username": user.username, "display_name": user.display_name}


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
        self.ops.run(lambda s: authenticate(s, name, pw), self._checked, busy=False, quiet=True,
                     on_error=lambda e: self._checked(None))

    def _checked(self, user: dict | None) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        if user is None:
            self.error.setText(self.tr("Wrong user name or password"))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.value = user
        QDialog.accept(self)
