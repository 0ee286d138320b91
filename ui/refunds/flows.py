"""The refund and deposit-return flows of the window: ask (refund dialog), get the approval
(the approval dialog when the user is not a manager herself), then run the service off the
GUI thread. A refund through WeChat/Alipay waits on the gateway, so it runs on its own
worker thread (ui.checkout.scan_runner) with the whole two-phase flow of the service."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QWidget

from app.services import refunds
from app.services.cashier.payments import Counter
from ui.checkout import scan_pay_hook
from ui.checkout.scan_runner import ScanRunner
from ui.ops import Ops, error_text
from ui.refunds.dialogs import ApprovalDialog, DepositRefundDialog, RefundDialog
from ui.texts import yuan

translate = QCoreApplication.translate


class RefundFlow(QObject):
    """One refund from the receipts screen. `done(result)` when it is recorded."""

    done = Signal(object)

    def __init__(self, parent: QWidget, ops: Ops, counter: Counter) -> None:
        super().__init__(parent)
        self.widget, self.ops, self.c = parent, ops, counter
        self.runner: ScanRunner | None = None

    def start(self, receipt_no: str) -> None:
        user = self.c.user
        self.ops.run(lambda s: refunds.refundable(s, receipt_no, user), self._ask)

    def _ask(self, info: dict) -> None:
        req = RefundDialog.ask(self.widget, info)
        if req is None:
            return
        password = None
        approver = self.c.user
        if not info["can_approve"]:
            got = ApprovalDialog.ask(self.widget, self.tr("Refund {0} of receipt {1}").format(
                yuan(req.amount_fen) if req.amount_fen else self.tr("the ticked lines"), info["receipt_no"]))
            if got is None:
                return
            approver, password = got
        self.run(replace(req, approver=approver), password)

    def run(self, req: refunds.Request, password: str | None) -> None:
        ctx, c, factory = self.ops.ctx, self.c, scan_pay_hook.gateway_factory()
        self.runner = ScanRunner(self)
        self.runner.done.connect(self.done.emit)
        self.runner.failed.connect(lambda e: self.ops.report(error_text(e)))
        self.runner.start(lambda _state: refunds.refund_payment(ctx.uow, c, req, password=password, factory=factory))

    def wait(self, timeout: float = 30) -> None:
        """Tests: until the worker has finished (its result is then delivered by the event loop)."""
        if self.runner is not None:
            self.runner.thread.join(timeout)


def return_deposit(window: Any) -> None:
    """Counter → Return deposit… for the room found on the checkout screen."""
    room = window._room()
    if not room:
        return
    key, label = room
    c: Counter = window.counter()

    def loaded(got: tuple[list[dict], bool]) -> None:
        deposits, can_approve = got
        if not deposits:
            window.ops.report(translate("RefundFlow", "This room holds no deposit to return."))
            return
        value = DepositRefundDialog.ask(window, label, deposits)
        if value is None:
            return
        approver, password = c.user, None
        if not can_approve:
            ok = ApprovalDialog.ask(window, translate("RefundFlow", "Return a deposit"))
            if ok is None:
                return
            approver, password = ok
        dep_id, deduct, note, tender, ref = value
        window.ops.run(lambda s: refunds.refund_deposit(s, c, dep_id, approver=approver, password=password,
                                                        deduct_fen=deduct, note=note, tender=tender, reference=ref),
                       lambda r: refund_done(window, r), changed="payment")

    window.ops.run(lambda s: (refunds.deposit_history(s, room_key=key, open_only=True), refunds.can_approve(s, c.user)),
                   loaded)


def refund_done(window: Any, result: dict) -> None:
    """The refund slip was queued with the refund: print it now, send the refund to central."""
    window.syncing.kick()
    window.printing.kick()
    window.bar.showMessage(translate("RefundFlow", "Refund done: {0}, {1}").format(result["refund_no"], yuan(result["amount_fen"])),
                           15000)
