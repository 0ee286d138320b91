"""Change one's password (修改密码): old, new, new again; checked and stored by
app.services.users.set_password on a worker thread. `forced`: the password was set by someone
else (the first admin, a new user, a reset) and must be changed before the counter is used."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from app.services import users
from ui.dialogs.base import FormDialog
from ui.messages import describe
from ui.ops import Ops


class ChangePasswordDialog(FormDialog):
    def __init__(self, parent: QWidget | None, ops: Ops, username: str, forced: bool = False) -> None:
        super().__init__(parent, self.tr("Change password"))
        self.ops, self.username, self.checking = ops, username, False
        if forced:
            note = QLabel(self.tr("Your password was set by someone else: choose your own before you go on."))
            note.setWordWrap(True)
            note.setObjectName("forcedChange")
            self.form.addRow(note)
        self.form.addRow(self.tr("User"), QLineEdit(username, readOnly=True))
        self.old, self.new, self.again = QLineEdit(), QLineEdit(), QLineEdit()
        for w, name, label in ((self.old, "oldPassword", self.tr("Current password")),
                               (self.new, "newPassword", self.tr("New password")),
                               (self.again, "newPasswordAgain", self.tr("New password again"))):
            w.setObjectName(name)
            w.setEchoMode(QLineEdit.EchoMode.Password)
            self.form.addRow(label, w)
        self.finish_layout()
        self.old.setFocus()

    def accept(self) -> None:
        if self.checking:
            return
        old, new = self.old.text(), self.new.text()
        if new != self.again.text():
            self.error.setText(self.tr("The two new passwords differ"))
            self.again.selectAll()
            self.again.setFocus()
            return
        self.checking = True
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("Saving…"))
        u = self.username
        self.ops.run(lambda s: users.set_password(s, u, u, new, old=old), self._saved, busy=False, quiet=True,
                     on_error=self._refused)

    def _refused(self, e: BaseException) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.error.setText(describe(e))

    def _saved(self, result: dict) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.value = result
        QDialog.accept(self)
