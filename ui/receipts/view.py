"""Receipt history (票据): search by number, room and date; reprint (marked 重打); void
within the shift with a required reason; verify a scanned receipt QR."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QDateEdit, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QTableView, QVBoxLayout, QWidget)

from app import clock
from app.money import fen_to_yuan_str
from app.services import receipts, receipts_query
from app.services.cashier.payments import Counter
from app.services.cashier.voids import void_receipt
from ui.dialogs.small import ScanDialog, VoidDialog
from ui.models.base import fit_columns
from ui.models.receipts import ReceiptsModel
from ui.ops import Ops
from ui.texts import kind_name, method_name, tenders_text

# Tenders settled outside the drawer: a void here does not give the money back by itself.
# (Reads the method codes; the tender-method registry will say this once it exists.)
EXTERNAL_TENDERS = ("pos", "wechat", "alipay")


def reversal_reminder(tenders: list[dict]) -> str:
    """What the cashier must still do after voiding a card or scan payment, or ''."""
    from PySide6.QtCore import QCoreApplication

    translate = QCoreApplication.translate
    parts = []
    for t in tenders:
        if t["method"] == "pos":
            parts.append(translate("ReceiptsView", "reverse the card payment of {0} on the POS terminal").format(
                fen_to_yuan_str(t["amount_fen"])))
        elif t["method"] in ("wechat", "alipay"):
            parts.append(translate("ReceiptsView", "refund the {0} payment of {1} in the merchant app").format(
                method_name(t["method"]), fen_to_yuan_str(t["amount_fen"])))
    if not parts:
        return ""
    return translate("ReceiptsView", "Voiding does not return this money by itself: {0}.").format("; ".join(parts))


def receipt_qr_module():  # type: ignore[no-untyped-def]
    """app.printing.receipt_qr if it is installed and has `verify` (another part of the
    product provides it); None otherwise, and the button says so."""
    try:
        mod = importlib.import_module("app.printing.receipt_qr")
    except ImportError:
        return None
    return mod if hasattr(mod, "verify") else None


def verify_payload(s: Any, payload: str) -> dict:
    """The one receipt-QR verification service (signature, then the record and its amount)."""
    return {"available": True, **receipts.verify(s, payload)}


class ReceiptsView(QWidget):
    reprint_requested = Signal(str)
    refunded = Signal(object)  # the refund's result: its 退款单 is queued for printing

    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        self._seq = 0
        self.number = QLineEdit()
        self.number.setObjectName("receiptNumber")
        self.number.setPlaceholderText(self.tr("Receipt no. (or its start)"))
        self.room = QLineEdit()
        self.room.setObjectName("receiptRoom")
        self.room.setPlaceholderText(self.tr("Room key, e.g. 3-2-1502 or 3-2"))
        today = QDate.fromString(clock.today().isoformat(), Qt.DateFormat.ISODate)
        self.date_from, self.date_to = QDateEdit(today.addDays(-6)), QDateEdit(today)
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.search_button = QPushButton(self.tr("Search (Enter)"))
        bar = QHBoxLayout()
        for w in (self.number, self.room):
            bar.addWidget(w, 2)
        bar.addWidget(QLabel(self.tr("From")))
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel(self.tr("to")))
        bar.addWidget(self.date_to)
        bar.addWidget(self.search_button)

        self.model = ReceiptsModel(self)
        self.table = QTableView()
        self.table.setObjectName("receiptsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        fit_columns(self.table, ["T1-20261124-0001", "2026-11-24 10:30", "3-2-1502", "欧阳明明", "预存充值 · 装修押金",
                                 "10,000.00", "银行卡 300.00 + 现金 122.40", "张敏敏", "作废"])
        self.info = QLabel()
        self.info.setObjectName("receiptInfo")
        self.info.setWordWrap(True)
        # What the cashier must still do after an action (reverse a card payment…): stays
        # until the next action, whatever the list shows.
        self.notice = QLabel()
        self.notice.setObjectName("errorLine")
        self.notice.setWordWrap(True)
        self.reprint_button = QPushButton(self.tr("Reprint (Ctrl+P)"))
        self.void_button = QPushButton(self.tr("Void… (Ctrl+Del)"))
        self.refund_button = QPushButton(self.tr("Refund… (F6)"))
        self.refund_button.setObjectName("refundButton")
        self.verify_button = QPushButton(self.tr("Verify receipt QR… (Ctrl+Q)"))
        if receipt_qr_module() is None:
            self.verify_button.setToolTip(self.tr("Receipt QR verification is not available in this build"))
        actions = QHBoxLayout()
        actions.addWidget(self.reprint_button)
        actions.addWidget(self.void_button)
        actions.addWidget(self.refund_button)
        self.trail_button = QPushButton(self.tr("Audit trail… (Ctrl+T)"))
        actions.addWidget(self.trail_button)
        actions.addStretch(1)
        actions.addWidget(self.verify_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.info)
        layout.addWidget(self.notice)
        layout.addLayout(actions)

        self.search_button.clicked.connect(self.refresh)
        for field in (self.number, self.room):
            field.returnPressed.connect(self.refresh)
        self.reprint_button.clicked.connect(self.reprint)
        self.void_button.clicked.connect(self.void)
        self.refund_button.clicked.connect(self.refund)
        self.verify_button.clicked.connect(self.verify)
        self.trail_button.clicked.connect(self.trail)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show_info(cur.row()))
        for key, slot in (("Ctrl+P", self.reprint), ("Ctrl+Del", self.void), ("Ctrl+Q", self.verify),
                          ("Ctrl+T", self.trail), ("F5", self.refresh), ("F6", self.refund)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.ops.bus.changed.connect(lambda topic: self.refresh() if topic in ("payment", "receipts") else None)
        # ↑/↓ in the search fields move through the list: the hands stay on the keys.
        for field in (self.number, self.room):
            field.installEventFilter(self)
        self.shown: dict | None = None  # the receipt the info line describes (what Ctrl+P acts on)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down,
                                                                    Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.move_selection(event.key())
            return True
        return super().eventFilter(obj, event)

    def move_selection(self, key: int) -> None:
        n = self.model.rowCount()
        if not n:
            return
        row = self.table.currentIndex().row()
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10, Qt.Key.Key_PageDown: 10}[key]
        self.table.selectRow(max(0, min(n - 1, (row if row >= 0 else -1) + step)))

    def refresh(self) -> None:
        self._seq += 1
        seq = self._seq
        number, room = self.number.text().strip(), self.room.text().strip()
        d0, d1 = self.date_from.date().toPython(), self.date_to.date().toPython()
        if number:  # a receipt number finds the receipt whatever the dates
            d0 = d1 = None
        self.ops.query(lambda s: receipts_query.search_receipts(s, number=number, room=room, date_from=d0,
                                                                date_to=d1),
                       lambda rows: self._loaded(seq, rows))

    def _loaded(self, seq: int, rows: list[dict]) -> None:
        if seq != self._seq:
            return
        self.shown = None
        self.model.set_rows(rows)
        self.info.setText(self.tr("{0} receipts").format(len(rows)) if rows else self.tr("No receipts found"))
        if rows:
            self.table.selectRow(0)

    def current(self) -> dict | None:
        """The receipt shown in the info line — what Ctrl+P and Ctrl+Del act on."""
        return self.shown if self.shown is not None else self.model.row_at(self.table.currentIndex().row())

    def _show_info(self, row: int) -> None:
        r = self.model.row_at(row)
        self.shown = r
        if r is None:
            return
        text = f"{r['receipt_no']} · {kind_name(r['kind'])} · {r['room_key']} · ¥{fen_to_yuan_str(r['total_fen'])}" \
               f" · {tenders_text(r['tenders'])}"
        if r["change_fen"]:
            text += " · " + self.tr("change {0}").format(fen_to_yuan_str(r["change_fen"]))
        if r["status"] == "void":
            text += " · " + self.tr("VOID: {0}").format(r["void_reason"])
        self.info.setText(text)

    def reprint(self) -> None:
        self.notice.clear()
        r = self.current()
        if r is None:
            return
        if r["status"] == "void":  # a reprint would look like a valid receipt
            self.info.setText(self.tr("{0} is void: it cannot be reprinted.").format(r["receipt_no"]))
            return
        self.reprint_requested.emit(r["receipt_no"])

    def void(self) -> None:
        self.notice.clear()
        r = self.current()
        if r is None:
            return
        if r["status"] == "void":
            self.info.setText(self.tr("{0} is already void").format(r["receipt_no"]))
            return
        summary = f"{r['room_key']} · {kind_name(r['kind'])} · ¥{fen_to_yuan_str(r['total_fen'])}"
        reminder = reversal_reminder(r["tenders"])
        reason = VoidDialog.ask(self, r["receipt_no"], summary, reminder)
        if not reason:
            return
        counter, no = self.counter(), r["receipt_no"]

        def voided(res: dict) -> None:
            self.notice.setText(self.tr("Voided {0}").format(res["receipt_no"]) + ("  " + reminder if reminder else ""))
            self.number.setFocus()

        def attempt(approver: str | None = None, password: str | None = None) -> None:
            self.ops.run(lambda s: void_receipt(s, counter, no, reason, approver=approver, approver_password=password),
                         voided, changed="receipts", on_error=refused, quiet=True)

        def refused(e: BaseException) -> None:
            # after the void window a cashier needs a supervisor on the spot (docs/permissions.md)
            if getattr(e, "code", None) == "security.approval_needed":
                from ui.dialogs.approval import ask_approval

                got = ask_approval(self, self.tr("Void receipt {0}").format(no), self.ops)
                if got is not None:
                    attempt(*got)
            else:
                from ui.ops import error_text

                self.ops.report(error_text(e))

        attempt()

    def refund(self) -> None:
        """退款… (F6): the refund dialog for the receipt shown, then a manager's approval."""
        from ui.refunds.flows import RefundFlow

        self.notice.clear()
        r = self.current()
        if r is None:
            return
        if r["status"] == "void":
            self.info.setText(self.tr("{0} is void: there is nothing to refund.").format(r["receipt_no"]))
            return
        self.refund_flow = RefundFlow(self, self.ops, self.counter())
        self.refund_flow.done.connect(self._refunded)
        self.refund_flow.start(r["receipt_no"])

    def _refunded(self, res: dict) -> None:
        self.notice.setText(self.tr("Refunded {0}: slip {1}").format(fen_to_yuan_str(res["amount_fen"]),
                                                                     res["refund_no"]))
        self.refunded.emit(res)
        self.ops.bus.changed.emit("receipts")

    def trail(self) -> None:
        """Every recorded action about the selected receipt (ui/dialogs/audit_trail.py)."""
        from ui.dialogs.audit_trail import open_receipt_trail

        r = self.current()
        if r is not None:
            open_receipt_trail(self, self.ops, r["receipt_no"])

    def verify(self) -> None:
        if receipt_qr_module() is None:
            self.info.setText(self.tr("Receipt QR verification is not available in this build"))
            return
        payload = ScanDialog.ask(self, self.tr("Verify a receipt"), self.tr("Scan the receipt's QR code"))
        if payload:
            self.ops.run(lambda s: verify_payload(s, payload), self._verified)

    def _verified(self, v: dict) -> None:
        if not v.get("available"):
            self.info.setText(self.tr("Receipt QR verification is not available in this build"))
            return
        rec = v.get("record")
        if not v["genuine"]:
            text = self.tr("NOT GENUINE: {0}").format(v["reason"])
        elif rec is None:
            text = self.tr("Signature valid, but receipt {0} is not in this database").format(v["receipt_no"])
        elif rec["total_fen"] != v["total_fen"]:
            text = self.tr("Signature valid, but the amount differs from our record {0}").format(
                fen_to_yuan_str(rec["total_fen"]))
        else:
            text = self.tr("Genuine: {0}, ¥{1}, {2}").format(rec["receipt_no"], fen_to_yuan_str(rec["total_fen"]),
                                                             self.tr("VOID") if rec["status"] == "void"
                                                             else self.tr("issued"))
        self.info.setText(text)
        self.last_verification = v
        if v.get("receipt_no"):
            self.number.setText(v["receipt_no"])
            self.refresh()

    def show_since(self, days: int) -> None:
        today = clock.today()
        self.date_from.setDate(QDate.fromString((today - timedelta(days=days)).isoformat(), Qt.DateFormat.ISODate))
