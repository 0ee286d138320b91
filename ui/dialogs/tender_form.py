"""One tender in a dialog (top-up, deposit, one-off charge): method, amount, reference."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit

from app.money import MoneyError, parse_yuan
from app.services.cashier.tenders import TenderInput, validate_tender
from ui.messages import describe, problems_text
from ui.texts import method_name

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
        m = self.method.currentData()
        for w in (self.reference, self.ref_label):
            w.setVisible(m in ("pos", "wechat", "alipay", "transfer"))
        for w in (self.batch, self.batch_label, self.voucher, self.voucher_label):
            w.setVisible(m == "pos")

    def set_method(self, method: str) -> None:
        self.method.setCurrentIndex(self.method.findData(method))

    def tender(self) -> TenderInput:
        try:
            amount = parse_yuan(self.amount.text())
        except MoneyError as e:
            raise ValueError(describe(e)) from None
        m = self.method.currentData()
        has_ref = m in ("pos", "wechat", "alipay", "transfer")
        t = TenderInput(m, amount, (self.reference.text().strip() or None) if has_ref else None,
                        (self.batch.text().strip() or None) if m == "pos" else None,
                        (self.voucher.text().strip() or None) if m == "pos" else None)
        problems = validate_tender(t)
        if problems:
            raise ValueError(problems_text(problems))
        return t
