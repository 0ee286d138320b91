"""A supervisor's approval on the spot (主管审批): the approver's user name and password, typed
at the counter for one action (a late void, a waiver, a refund). The service checks them
(app.services.users.approve) and records both names.

    from ui.dialogs.approval import ask_approval
    got = ask_approval(self, self.tr("Void receipt T1-20261202-0003"), self.ops)
    if got is None: return            # cancelled
    approver, password = got

With `ops`, the dialog checks the password first, like a sign-in on a worker thread: a wrong
one is said in the dialog and counts towards the approver's lockout (inside the action's unit
of work the count would be rolled back with the action).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QWidget

from app.services import users
from ui.dialogs.base import FormDialog
from ui.messages import describe


class ApprovalDialog(FormDialog):
    def __init__(self, parent: QWidget | None, action_text: str, ops: Any = None) -> None:
        super().__init__(parent, self.tr("Supervisor approval"))
        self.ops, self.checking = ops, False
        what = QLabel(self.tr("This needs a supervisor's approval: {0}").format(action_text))
        what.setWordWrap(True)
        what.setObjectName("approvalAction")
        self.form.addRow(what)
        self.approver = QLineEdit()
        self.approver.setObjectName("approvalUser")
        self.password = QLineEdit()
        self.password.setObjectName("approvalPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("Approver"), self.approver)
        self.form.addRow(self.tr("Password"), self.password)
        self.finish_layout()
        self.approver.setFocus()

    def build(self) -> tuple[str, str]:
        name = self.approver.text().strip()
        if not name:
            raise ValueError(self.tr("Type the approver's user name"))
        if not self.password.text():
            raise ValueError(self.tr("Type the approver's password"))
        return name, self.password.text()

    def accept(self) -> None:
        if self.checking:
            return
        try:
            got = self.build()
        except ValueError as e:
            self.error.setText(str(e))
            return
        if self.ops is None:
            self.value = got
            QDialog.accept(self)
            return
        self.checking = True
        self.buttons.setEnabled(False)
        self.ops.run(lambda s: users.authenticate(s, *got), lambda _u: self._checked(got), busy=False, quiet=True,
                     on_error=self._refused)

    def _refused(self, e: BaseException) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.error.setText(describe(e))
        self.password.selectAll()
        self.password.setFocus()

    def _checked(self, got: tuple[str, str]) -> None:
        self.checking = False
        self.buttons.setEnabled(True)
        self.value = got
        QDialog.accept(self)


def ask_approval(parent: QWidget | None, action_text: str, ops: Any = None) -> tuple[str, str] | None:
    """(approver, password), or None when cancelled."""
    return ApprovalDialog.ask(parent, action_text, ops)
