"""A supervisor's approval on the spot (主管审批): the approver's user name and password, typed
at the counter for one action (a late void, a waiver, a refund). The dialog only collects them;
the service checks them (app.services.users.approve) and records both names.

    from ui.dialogs.approval import ask_approval
    got = ask_approval(self, self.tr("Void receipt T1-20261202-0003"))
    if got is None: return            # cancelled
    approver, password = got
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from ui.dialogs.base import FormDialog


class ApprovalDialog(FormDialog):
    def __init__(self, parent: QWidget | None, action_text: str) -> None:
        super().__init__(parent, self.tr("Supervisor approval"))
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


def ask_approval(parent: QWidget | None, action_text: str) -> tuple[str, str] | None:
    """(approver, password), or None when cancelled."""
    return ApprovalDialog.ask(parent, action_text)
