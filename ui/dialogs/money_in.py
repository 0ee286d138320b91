"""Money that is not a bill payment: prepaid top-up (预存), deposit (押金), one-off charge
(临时收费). Each dialog returns the arguments of its payment service call."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from app import tender_methods
from app.money import MoneyError, parse_yuan
from ui.dialogs.base import FormDialog
from ui.messages import describe
from ui.dialogs.tender_form import TenderForm

NO_PREPAID = tender_methods.codes(top_up=True)  # a top-up or deposit is not paid from the prepaid balance
DEPOSIT_PURPOSES = ("装修押金", "门禁卡押金", "车位押金", "钥匙押金")


class PrepayDialog(FormDialog):
    """Value: list[TenderInput] for payments.prepay."""

    def __init__(self, parent: QWidget | None, room_label: str) -> None:
        super().__init__(parent, self.tr("Prepaid top-up"))
        self.form.addRow(self.tr("Room"), QLabel(room_label))
        self.tender = TenderForm(self.form, NO_PREPAID)
        self.finish_layout()
        self.tender.amount.setFocus()

    def build(self) -> list:
        return [self.tender.tender()]


class DepositDialog(FormDialog):
    """Value: (purpose, [TenderInput]) for payments.collect_deposit."""

    def __init__(self, parent: QWidget | None, room_label: str) -> None:
        super().__init__(parent, self.tr("Collect a deposit"))
        self.form.addRow(self.tr("Room"), QLabel(room_label))
        self.purpose = QComboBox()
        self.purpose.setEditable(True)
        self.purpose.addItems(DEPOSIT_PURPOSES)
        self.form.addRow(self.tr("Purpose"), self.purpose)
        self.tender = TenderForm(self.form, NO_PREPAID)
        self.finish_layout()
        self.tender.amount.setFocus()

    def build(self) -> tuple[str, list]:
        purpose = self.purpose.currentText().strip()
        if not purpose:
            raise ValueError(self.tr("Say what the deposit is for"))
        return purpose, [self.tender.tender()]


class OneOffDialog(FormDialog):
    """Value: (fee_code, amount_fen, note, [TenderInput]) for payments.charge_one_off.
    `items` are fee_items_query.one_off_items of the room's community."""

    def __init__(self, parent: QWidget | None, room_label: str, items: list[dict]) -> None:
        super().__init__(parent, self.tr("One-off charge"))
        self.form.addRow(self.tr("Room"), QLabel(room_label))
        self.item = QComboBox()
        for it in items:
            self.item.addItem(f"{it['name']} ({it['code']})", it["code"])
        self.form.addRow(self.tr("Fee item"), self.item)
        self.amount = QLineEdit()
        self.amount.setObjectName("chargeAmount")
        self.form.addRow(self.tr("Amount to charge"), self.amount)
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("what it is for, e.g. 装修垃圾清运 3车"))
        self.form.addRow(self.tr("Note"), self.note)
        self.tender = TenderForm(self.form, tender_methods.codes())
        # The amount received defaults to the charge; cash above it gives change.
        self.amount.textEdited.connect(lambda text: self.tender.amount.setText(text))
        self.finish_layout()
        self.item.setFocus()

    def build(self) -> tuple[str, int, str, list]:
        if self.item.count() == 0:
            raise ValueError(self.tr("This community has no one-off fee items"))
        try:
            amount = parse_yuan(self.amount.text())
        except MoneyError as e:
            raise ValueError(describe(e)) from None
        if amount <= 0:
            raise ValueError(self.tr("The amount must be greater than 0"))
        note = self.note.text().strip()
        if not note:
            raise ValueError(self.tr("Write a note: what the charge is for"))
        return self.item.currentData(), amount, note, [self.tender.tender()]
