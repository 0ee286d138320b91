"""One tender in a dialog (top-up, deposit, one-off charge): method, amount, reference."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from app import tender_methods
from app.errors import InputError, Msg
from app.messages import render
from app.services.cashier.tenders import TenderInput, build_tender
from ui.messages import describe
from ui.texts import message_lang, method_name

translate = QCoreApplication.translate


class TenderForm:
    """Adds its rows to a QFormLayout; `tender()` returns a validated TenderInput."""

    def __init__(self, form: QFormLayout, methods: tuple[str, ...]) -> None:
        self.method = QComboBox()
        for m in methods:
            self.method.addItem(method_name(m), m)
        self.amount = QLineEdit()
        self.amount.setObjectName("tenderAmount")
        self.reference = QLineEdit()
        self.batch = QLineEdit()
        self.voucher = QLineEdit()
        self.ref_label = QLabel(translate("TenderForm", "Reference no."))
        self.reference.setPlaceholderText(translate("TenderForm", "card: 12-digit reference; WeChat/Alipay: "
                                                                  "transaction no."))
        self.batch_label = QLabel(translate("TenderForm", "Batch no."))
        self.voucher_label = QLabel(translate("TenderForm", "Voucher no."))
        form.addRow(QLabel(translate("TenderForm", "Paid with")), self.method)
        form.addRow(QLabel(translate("TenderForm", "Amount received")), self.amount)
        form.addRow(self.ref_label, self.reference)
        form.addRow(self.batch_label, self.batch)
        form.addRow(self.voucher_label, self.voucher)
        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    def _method_changed(self) -> None:
        rule = tender_methods.get(self.method.currentData()).reference  # the registry says which fields
        for w in (self.reference, self.ref_label):
            w.setVisible(rule is not None)
        if rule is not None:
            self.ref_label.setText(render(Msg(rule.caption), message_lang()))
        for w in (self.batch, self.batch_label, self.voucher, self.voucher_label):
            w.setVisible(bool(rule and rule.parts))

    def set_method(self, method: str) -> None:
        self.method.setCurrentIndex(self.method.findData(method))

    def tender(self) -> TenderInput:
        try:  # the builder the tender panel and the CLI use too
            return build_tender(self.method.currentData(), self.amount.text(), self.reference.text(),
                                self.batch.text(), self.voucher.text())
        except InputError as e:
            raise ValueError(describe(e)) from None
