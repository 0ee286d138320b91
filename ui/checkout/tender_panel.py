"""The tender panel (收款): F1 cash, F2 bank card, F3 scanned code (WeChat/Alipay), F4
prepaid; the amount received and a large change display (找零).

The panel turns what the cashier typed into TenderInput values through the one tender
builder the CLI uses too (app.services.cashier.tenders.build_tender); which fields a method
shows and its F-key come from the registry app.tender_methods.
Split tender: Ctrl+Enter (or +) keeps the current tender in the list and starts the next;
Enter pays with the list plus the current one. The change shown while typing is a preview;
after payment it is the figure the payment service settled."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QPushButton, QVBoxLayout, QWidget)

from collections.abc import Callable

from app import tender_methods
from app.errors import InputError, Msg
from app.gateways import GATEWAYS, gateway_for_code
from app.messages import render
from app.money import MoneyError, fen_to_yuan_str, parse_yuan
from app.services.cashier.tenders import TenderInput, build_tender
from ui.models.base import set_flag
from ui.messages import describe
from ui.texts import message_lang, method_name, tenders_text, yuan

# F-keys from the tender-method registry: (first method on the key, key); methods sharing a
# key (F3: WeChat, Alipay) toggle when the key is pressed again.
GROUPS = dict(tender_methods.fkey_groups())
KEYS = tuple((methods[0], key) for key, methods in GROUPS.items())


class _Grid(QGridLayout):
    """A grid filled in order, `columns` to a row."""

    def __init__(self, columns: int) -> None:
        super().__init__()
        self.columns, self.count_ = columns, 0

    def addWidget(self, w: QWidget) -> None:  # type: ignore[override]
        super().addWidget(w, self.count_ // self.columns, self.count_ % self.columns)
        self.count_ += 1


class TenderPanel(QWidget):
    pay_requested = Signal(list)  # list[TenderInput]
    # F3 with a scanned (or typed) 付款码 in the reference field: (amount_fen, auth_code, the
    # other tenders) — charged through the gateway, not recorded as typed (ui/checkout/scan_pay_hook).
    scan_requested = Signal(int, str, list)
    received_changed = Signal(int)  # what the resident has handed over so far, as the cashier types

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tenderPanel")
        self.due_fen = 0
        self.prepaid_fen = 0
        self.method = "cash"
        self.picked: dict[str, str] = {key: methods[0] for key, methods in GROUPS.items()}  # per shared key
        self.tenders: list[TenderInput] = []
        self._settled = False  # showing a finished payment's change
        # The amount the panel filled in itself (what is still due). Enter on an untouched
        # default would take everything as exact cash: that needs a second, deliberate Enter.
        self._default_text = ""
        self._amount_edited = False  # the cashier typed in the amount field since it was filled in
        self._confirming = False
        self.is_offline: Callable[[], bool] = lambda: False  # the view asks the settings (Settings.offline)
        self.scanning = False  # a scanned code is with the gateway: the panel waits

        # Two columns: the figures and the F-keys on the left, what is typed on the right. One
        # column was too tall: at 1280×720 it left room for two bill lines.
        root = QHBoxLayout(self)
        root.setContentsMargins(4, 4, 4, 4)
        left, outer = QVBoxLayout(), QVBoxLayout()
        root.addLayout(left, 4)
        root.addLayout(outer, 5)
        figures = QGridLayout()
        self.due_label, self.received_label, self.change_label = QLabel(), QLabel(), QLabel()
        self.due_label.setObjectName("dueFigure")
        self.received_label.setObjectName("receivedFigure")
        self.change_label.setObjectName("changeFigure")
        self.change_caption = QLabel(self.tr("Change"))
        self.change_caption.setObjectName("changeCaption")
        figures.addWidget(QLabel(self.tr("Due")), 0, 0)
        figures.addWidget(self.due_label, 0, 1, Qt.AlignmentFlag.AlignRight)
        figures.addWidget(QLabel(self.tr("Received")), 1, 0)
        figures.addWidget(self.received_label, 1, 1, Qt.AlignmentFlag.AlignRight)
        figures.addWidget(self.change_caption, 2, 0)
        figures.addWidget(self.change_label, 2, 1, Qt.AlignmentFlag.AlignRight)
        figures.setColumnStretch(1, 1)
        left.addLayout(figures)

        buttons = _Grid(2)  # the F-key buttons, two a row
        self.group = QButtonGroup(self)
        self.method_buttons: dict[str, QPushButton] = {}
        for method, key in KEYS:
            b = QPushButton(f"{key} {self._button_text(method)}")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # F-keys choose; Tab stays on the fields
            b.clicked.connect(lambda _c=False, m=method: self.choose(m))
            self.group.addButton(b)
            buttons.addWidget(b)
            self.method_buttons[method] = b
        left.addLayout(buttons)
        left.addStretch(1)

        form = QFormLayout()
        self.amount = QLineEdit()
        self.amount.setObjectName("amountInput")
        self.reference = QLineEdit()
        self.batch = QLineEdit()
        self.voucher = QLineEdit()
        self.batch.setMaxLength(6)
        self.voucher.setMaxLength(6)
        self.batch.setPlaceholderText(self.tr("optional, 6 digits"))
        self.voucher.setPlaceholderText(self.tr("optional, 6 digits"))
        self.amount_label, self.reference_label = QLabel(), QLabel()
        # As wide as the widest caption (付款码 · 支付宝) from the start: recognising a code must not
        # shift the fields sideways.
        self.reference_label.setMinimumWidth(max(
            self.reference_label.fontMetrics().horizontalAdvance(self.tr("Payment code · {0}").format(method_name(m)))
            for m in GATEWAYS) + 2)
        form.addRow(self.amount_label, self.amount)
        form.addRow(self.reference_label, self.reference)
        self.batch_label, self.voucher_label = QLabel(self.tr("Batch no.")), QLabel(self.tr("Voucher no."))
        pos_row = QHBoxLayout()  # batch and voucher numbers side by side: one row less
        pos_row.setContentsMargins(0, 0, 0, 0)
        pos_row.addWidget(self.batch, 1)
        pos_row.addWidget(self.voucher_label)
        pos_row.addWidget(self.voucher, 1)
        form.addRow(self.batch_label, pos_row)
        # The fields sit in a box as tall as the card tender's (the most rows), so choosing F2
        # neither grows the window nor squeezes the bill lines above.
        self.fields = QWidget()
        self.fields.setObjectName("tenderFields")
        form.setContentsMargins(0, 0, 0, 0)
        self.fields.setLayout(form)
        outer.addWidget(self.fields)

        self.list = QListWidget()
        self.list.setObjectName("tenderList")
        self.list.setFixedHeight(self.list.fontMetrics().lineSpacing() * 2 + 10)  # two tenders show
        self.list.setToolTip(self.tr("Split tender: Del removes the selected tender"))
        outer.addWidget(self.list)
        self.error = QLabel()
        self.error.setObjectName("errorLine")
        self.error.setWordWrap(True)
        # Room for three lines whether or not there is an error: the layout must not jump.
        self.error.setMinimumHeight(self.error.fontMetrics().lineSpacing() * 3 + 4)
        self.error.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        outer.addWidget(self.error)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("+ Split (Ctrl+Enter)"))
        self.pay_button = QPushButton(self.tr("Pay (Enter)"))
        self.pay_button.setObjectName("payButton")
        self.pay_button.setDefault(False)
        row.addWidget(self.add_button)
        row.addWidget(self.pay_button, 1)
        outer.addLayout(row)

        self.add_button.clicked.connect(self.add_current)
        self.pay_button.clicked.connect(self.request_pay)
        for field in (self.amount, self.reference, self.batch, self.voucher):
            field.returnPressed.connect(self.request_pay)
            field.textEdited.connect(self._edited)
        self.amount.textChanged.connect(lambda _t: self._refresh())
        self.amount.textEdited.connect(lambda _t: setattr(self, "_amount_edited", True))
        self.amount.textEdited.connect(lambda _t: self.received_changed.emit(self.received_fen()))
        self.reference.textChanged.connect(self._reference_changed)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.add_current,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.list, self._remove_selected,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.choose("pos")
        self.fields.setMinimumHeight(self.fields.sizeHint().height())
        self.choose("cash")

    def _button_text(self, method: str) -> str:
        key = tender_methods.get(method).fkey
        if key and len(GROUPS[key]) > 1:
            return self.tr("Scan") + " · " + method_name(self.picked[key])
        return method_name(method)

    # -- state -------------------------------------------------------------------------
    def set_due(self, due_fen: int, prepaid_fen: int | None = None) -> None:
        self.due_fen = due_fen
        if prepaid_fen is not None:
            self.prepaid_fen = prepaid_fen
        if not self._settled:
            self._default_amount()
        self._refresh()

    def reset(self) -> None:
        self.tenders.clear()
        self.list.clear()
        self._settled = False
        self._confirming = False
        self.error.clear()
        for f in (self.reference, self.batch, self.voucher):
            f.clear()
        self.choose("cash")

    def choose(self, method: str) -> None:
        """F1–F4 (the first method of a key, from KEYS). Pressing a shared key again (F3)
        switches between its methods (WeChat, Alipay)."""
        key = tender_methods.get(method).fkey or ""
        group = GROUPS.get(key, (method,))
        if method in GATEWAYS and self.is_offline():
            # Issue 12 item 6: no network, no gateway — say so and stay on the current tender.
            set_flag(self.error, "warning", True)
            self.error.setText(render(Msg("device.scan.offline"), message_lang()))
            return
        if method == group[0] and len(group) > 1:
            if self.method in group:
                self.picked[key] = group[(group.index(self.method) + 1) % len(group)]
            method = self.picked[key]
        elif len(group) > 1:
            self.picked[key] = method
        self.method = method
        if group[0] in self.method_buttons:
            self.method_buttons[group[0]].setText(f"{key} {self._button_text(group[0])}")
            self.method_buttons[group[0]].setChecked(True)
        rule = tender_methods.get(self.method).reference
        self.reference_label.setText(render(Msg(rule.caption), message_lang()) if rule else "")
        self.amount_label.setText(self.tr("Cash received") if tender_methods.get(self.method).gives_change
                                  else self.tr("Amount"))
        for w in (self.reference, self.reference_label):
            w.setVisible(rule is not None)
        for w in (self.batch, self.batch_label, self.voucher, self.voucher_label):
            w.setVisible(bool(rule and rule.parts))
        self._default_amount()
        if self.method in GATEWAYS:  # the amount is filled in; a scanner types the code here
            self.reference.setFocus()
            self.reference.selectAll()
            self._reference_changed(self.reference.text())
        else:
            self.amount.setFocus()
            self.amount.selectAll()
        self._refresh()

    # -- F3: a scanned payment code (付款码) ------------------------------------------------
    def payment_code(self) -> str | None:
        """The 付款码 in the reference field when F3 is on, else None (a 28-digit transaction
        no typed for a payment taken elsewhere is not a code: it is recorded as before)."""
        if self.method not in GATEWAYS:
            return None
        code = self.reference.text().strip()
        return code if gateway_for_code(code) is not None else None

    def _reference_changed(self, text: str) -> None:
        """A recognised code picks WeChat or Alipay from its prefix and says so in the caption."""
        if self.method not in GATEWAYS:
            return
        g = gateway_for_code(text.strip())
        if g is not None and g.name != self.method:
            key = tender_methods.get(g.name).fkey or ""
            self.method = self.picked[key] = g.name
            self.method_buttons[GROUPS[key][0]].setText(f"{key} {self._button_text(GROUPS[key][0])}")
        rule = tender_methods.get(self.method).reference
        self.reference_label.setText(self.tr("Payment code · {0}").format(method_name(self.method)) if g is not None
                                     else render(Msg(rule.caption), message_lang()) if rule else "")

    def received_fen(self) -> int:
        return sum(t.amount_fen for t in self.tenders) + (self._typed_amount() or 0)

    def show_waiting(self, text: str) -> None:
        set_flag(self.error, "warning", True)
        self.error.setText(text)

    def set_scanning(self, on: bool) -> None:
        self.scanning = on
        for w in (self.pay_button, self.add_button, self.amount, self.reference):
            w.setEnabled(not on)

    def _remaining(self) -> int:
        return max(0, self.due_fen - sum(t.amount_fen for t in self.tenders))

    def _default_amount(self) -> None:
        amount = self._remaining()
        if tender_methods.get(self.method).draws_prepaid:
            amount = min(amount, self.prepaid_fen)
        self._default_text = fen_to_yuan_str(amount) if amount > 0 else ""
        self._amount_edited = self._confirming = False
        self.amount.setText(self._default_text)
        self.amount.selectAll()

    def amount_typed(self) -> bool:
        """Whether the amount field holds what the cashier typed (not the due amount we filled in)."""
        return self._amount_edited or self.amount.text().strip() != self._default_text

    def _edited(self) -> None:
        self.error.clear()
        self._confirming = False
        set_flag(self.error, "warning", False)
        if self._settled:  # typing starts the next payment's tender
            self._settled = False
        self._refresh()

    def _typed_amount(self) -> int | None:
        try:
            return parse_yuan(self.amount.text()) if self.amount.text().strip() else None
        except MoneyError:
            return None

    def _refresh(self) -> None:
        if self._settled:
            return
        received = sum(t.amount_fen for t in self.tenders) + (self._typed_amount() or 0)
        self.due_label.setText(yuan(self.due_fen))
        self.received_label.setText(yuan(received))
        short = self.due_fen - received
        self.change_caption.setText(self.tr("Change") if short <= 0 else self.tr("Still due"))
        self.change_label.setText(yuan(-short if short <= 0 else short))
        set_flag(self.change_label, "short", short > 0)

    def show_paid(self, result: dict) -> None:
        """After the service settled: the real change, large, until the next payment."""
        self.reset()
        self._settled = True
        self.due_label.setText(yuan(result["total_fen"]))
        # What the resident handed over: the cash received (not the part applied) plus the rest.
        handed = sum(t.get("received_fen") or t["amount_fen"] for t in result["tenders"])
        self.received_label.setText(yuan(handed))
        self.received_label.setToolTip(tenders_text(result["tenders"]))
        self.change_caption.setText(self.tr("Change"))
        self.change_label.setText(yuan(result["change_fen"]))
        set_flag(self.change_label, "short", False)
        self.amount.clear()

    # -- building tenders --------------------------------------------------------------
    def current_tender(self) -> TenderInput | None:
        """The tender in the fields, or None when the amount is empty; sets the error line
        and raises ValueError when it is not valid."""
        text = self.amount.text().strip()
        if not text:
            return None
        try:  # the builder the CLI uses too
            return build_tender(self.method, text, self.reference.text(), self.batch.text(), self.voucher.text())
        except InputError as e:
            raise ValueError(describe(e)) from None

    def add_current(self) -> None:
        if self.payment_code() is not None:
            self.error.setText(self.tr("A payment code is charged last: add the other tenders first, then scan "
                                       "the code and press Enter."))
            return
        try:
            t = self.current_tender()
        except ValueError as e:
            self.error.setText(str(e))
            return
        if t is None:
            return
        self.tenders.append(t)
        self.list.addItem(f"{method_name(t.method)}  {fen_to_yuan_str(t.amount_fen)}"
                          + (f"  {t.reference}" if t.reference else ""))
        for f in (self.reference, self.batch, self.voucher):
            f.clear()
        self.choose("cash")

    def _remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.tenders):
            del self.tenders[row]
            self.list.takeItem(row)
            self._default_amount()
            self._refresh()

    def request_pay(self) -> None:
        if self.scanning:
            return
        code = self.payment_code()
        if code is not None:
            self._request_scan(code)
            return
        try:
            t = self.current_tender()
        except ValueError as e:
            self.error.setText(str(e))
            return
        tenders = self.tenders + ([t] if t else [])
        if not tenders:
            self.error.setText(self.tr("Type the amount received first"))
            return
        if t is not None and t.method == "cash" and not self.amount_typed() and not self._confirming:
            # Two Enters (take the top hit, pay) must not silently take the whole amount as exact cash.
            self._confirming = True
            set_flag(self.error, "warning", True)
            self.error.setText(self.tr("No amount typed: take exactly {0} in cash, no change? Press Enter again "
                                       "to confirm, or type the cash handed over.").format(yuan(t.amount_fen)))
            self.amount.setFocus()
            self.amount.selectAll()
            return
        self._confirming = False
        set_flag(self.error, "warning", False)
        self.error.clear()
        self.pay_requested.emit(tenders)

    def _request_scan(self, code: str) -> None:
        if self.is_offline():
            self.show_waiting(render(Msg("device.scan.offline"), message_lang()))
            return
        amount = self._typed_amount()
        if not amount or amount <= 0:
            self.error.setText(self.tr("Type the amount to charge to the payment code"))
            self.amount.setFocus()
            return
        self._confirming = False
        set_flag(self.error, "warning", False)
        self.error.clear()
        self.scan_requested.emit(amount, code, list(self.tenders))
