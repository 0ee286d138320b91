"""The refund dialog (by lines or by amount, route, reason, the POS refund slip's reference),
the approval dialog (a manager's name and password, masked) and the deposit return dialog.
Every rule is checked again by the service; these only catch what can be said at once."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QRadioButton, QWidget)

from app.errors import AppError
from app.money import fen_to_yuan_str, parse_yuan
from app.services.refunds import Request
from ui.dialogs.base import FormDialog
from ui.texts import kind_name, message_lang, method_name
from ui.texts import yuan as yuan_text
from ui.dialogs.approval import ApprovalDialog  # noqa: F401  (the one approval dialog; the refund flows take it from here)

REFUND_REASONS = ("重复缴费", "多收", "退房结清", "收费项目错误")
DEPOSIT_TENDERS = ("cash", "transfer", "pos", "prepaid")


def _fen(text: str) -> int:
    try:
        return parse_yuan(text.strip())
    except AppError as e:
        raise ValueError(e.text(message_lang())) from None



class RefundDialog(FormDialog):
    """Value: an app.services.refunds.Request (approver left empty: the approval dialog or
    the user herself fills it). `info` is refunds.refundable()."""

    def __init__(self, parent: QWidget | None, info: dict) -> None:
        super().__init__(parent, self.tr("Refund"))
        self.setMinimumWidth(560)
        self.info = info
        self.form.addRow(self.tr("Receipt"), QLabel(f"<b>{info['receipt_no']}</b> · {info['room']} · "
                                                   f"{kind_name(info['kind'])}"))
        self.form.addRow(self.tr("Refundable"), QLabel(yuan_text(info["left_fen"]) + " / "
                                                      + yuan_text(info["total_fen"])))
        self.by_lines, self.by_amount = QRadioButton(self.tr("By lines (they reopen)")), QRadioButton(self.tr("By amount"))
        group = QButtonGroup(self)
        for b in (self.by_lines, self.by_amount):
            group.addButton(b)
        self.lines = QListWidget()
        self.lines.setObjectName("refundLines")
        for ln in info["lines"]:
            item = QListWidgetItem(f"{ln['fee_name']} {ln['period']}  {yuan_text(ln['left_fen'])}")
            item.setData(Qt.ItemDataRole.UserRole, ln["line_id"])
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.lines.addItem(item)
        self.amount = QLineEdit()
        self.amount.setObjectName("refundAmount")
        self.amount.setText(fen_to_yuan_str(info["left_fen"]))
        if info["lines"]:
            self.form.addRow(self.by_lines)
            self.form.addRow(self.lines)
        self.form.addRow(self.by_amount, self.amount)
        (self.by_lines if info["lines"] else self.by_amount).setChecked(True)
        self.by_lines.setVisible(bool(info["lines"]))
        self.route = QComboBox()
        self.route.setObjectName("refundRoute")
        names = {"original": self.tr("The way it was paid ({0})").format(
                     " + ".join(method_name(m) for m in info["methods"])),
                 "cash": self.tr("Cash from the drawer"), "prepaid": self.tr("To the room's prepaid balance")}
        for r in info["routes"]:
            self.route.addItem(names[r], r)
        self.form.addRow(self.tr("Give back by"), self.route)
        self.pos_ref = QLineEdit()
        self.pos_ref.setObjectName("refundPosRef")
        self.pos_ref.setPlaceholderText(self.tr("12-digit reference on the POS refund slip"))
        self.pos_label = QLabel(self.tr("POS refund slip"))
        self.form.addRow(self.pos_label, self.pos_ref)
        self.reason = QComboBox()
        self.reason.setObjectName("refundReason")
        self.reason.setEditable(True)
        self.reason.addItems(("",) + REFUND_REASONS)
        self.form.addRow(self.tr("Reason (required)"), self.reason)
        self.route.currentIndexChanged.connect(self._route_changed)
        self._route_changed()
        self.finish_layout()
        self.reason.setFocus()

    def _route_changed(self) -> None:
        show = self.route.currentData() == "original" and "pos" in self.info["methods"]
        self.pos_ref.setVisible(show)
        self.pos_label.setVisible(show)

    def checked_lines(self) -> list[str]:
        return [self.lines.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.lines.count())
                if self.lines.item(i).checkState() == Qt.CheckState.Checked]

    def build(self) -> Request:
        reason = self.reason.currentText().strip()
        if not reason:
            raise ValueError(self.tr("A refund needs a reason"))
        lines, amount = None, None
        if self.by_lines.isChecked() and self.info["lines"]:
            lines = self.checked_lines()
            if not lines:
                raise ValueError(self.tr("Tick the lines to refund"))
        else:
            amount = _fen(self.amount.text())
            if amount <= 0 or amount > self.info["left_fen"]:
                raise ValueError(self.tr("The amount must be more than 0 and at most {0}").format(
                    yuan_text(self.info["left_fen"])))
        return Request(self.info["receipt_no"], reason, self.route.currentData(), line_ids=lines, amount_fen=amount,
                       pos_reference=self.pos_ref.text().strip() or None)


class DepositRefundDialog(FormDialog):
    """Value: (deposit_id, deduct_fen, note, tender, reference). `deposits` are the room's
    deposits still held (refunds.deposit_history(open_only=True))."""

    def __init__(self, parent: QWidget | None, room_label: str, deposits: list[dict]) -> None:
        super().__init__(parent, self.tr("Return a deposit"))
        self.setMinimumWidth(520)
        self.form.addRow(self.tr("Room"), QLabel(room_label))
        self.deposit = QComboBox()
        self.deposit.setObjectName("depositChoice")
        for d in deposits:
            self.deposit.addItem(f"{d['purpose']} {yuan_text(d['amount_fen'])} ({d['receipt_no']})", d)
        self.form.addRow(self.tr("Deposit"), self.deposit)
        self.deduct = QLineEdit("0")
        self.deduct.setObjectName("depositDeduct")
        self.form.addRow(self.tr("Keep (deduction)"), self.deduct)
        self.note = QLineEdit()
        self.note.setObjectName("depositNote")
        self.note.setPlaceholderText(self.tr("Why is part of it kept?"))
        self.form.addRow(self.tr("Note"), self.note)
        self.tender = QComboBox()
        self.tender.setObjectName("depositTender")
        for m in DEPOSIT_TENDERS:
            self.tender.addItem(method_name(m), m)
        self.form.addRow(self.tr("Pay out by"), self.tender)
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(self.tr("card: 12-digit reference of the refund slip; transfer: its no."))
        self.form.addRow(self.tr("Reference no."), self.reference)
        self.finish_layout()
        self.deduct.setFocus()

    def build(self) -> tuple[str, int, str, str, str | None]:
        d = self.deposit.currentData()
        if d is None:
            raise ValueError(self.tr("This room holds no deposit"))
        deduct = _fen(self.deduct.text() or "0")
        if deduct > d["amount_fen"]:
            raise ValueError(self.tr("The deduction is more than the deposit"))
        note = self.note.text().strip()
        if deduct and not note:
            raise ValueError(self.tr("Say why part of the deposit is kept"))
        return d["deposit_id"], deduct, note, self.tender.currentData(), self.reference.text().strip() or None
