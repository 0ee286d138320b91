"""The main window: checkout and receipts screens, the counter's menus (top-ups, deposits,
one-off charges, shifts, printer) and a status bar with who, where, shift, printer and sync.

`after_payment()` is the single place every finished payment or reprint passes through;
the print queue is connected there (and nowhere else)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget

from app.context import AppContext
from app.services import fee_items_query, print_queue, terminal_settings
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, charge_one_off, collect_deposit, prepay
from ui.checkout.view import CheckoutView
from ui.dialogs.money_in import DepositDialog, OneOffDialog, PrepayDialog
from ui.dialogs.printer import PrinterDialog
from ui.dialogs.shifts import ShiftCloseDialog, ShiftOpenDialog
from ui.ops import Ops, error_text
from ui.printing_bridge import PrintBridge
from ui.receipts.view import ReceiptsView
from ui.status import CounterStatusBar
from ui.texts import yuan


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ops = Ops(ctx, self)
        self.status_info: dict | None = None
        self.setWindowTitle(self.tr("PropDesk counter"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.checkout = CheckoutView(self.ops, self.counter)
        self.receipts = ReceiptsView(self.ops, self.counter)
        self.tabs.addTab(self.checkout, self.tr("Checkout (Ctrl+1)"))
        self.tabs.addTab(self.receipts, self.tr("Receipts (Ctrl+2)"))
        self.setCentralWidget(self.tabs)
        self.bar = CounterStatusBar(self)
        self.setStatusBar(self.bar)
        self._menus()

        self.printing = PrintBridge(ctx, self)
        self.printing.printed.connect(self._printed)
        self.checkout.paid.connect(lambda r: self.after_payment(r["receipt_no"]))
        self.receipts.reprint_requested.connect(lambda no: self.after_payment(no, reprint=True))
        self.ops.bus.changed.connect(self._changed)
        self.ops.bus.busy.connect(self.bar.set_busy)
        self.ops.error.connect(lambda text: self.bar.showMessage(text.splitlines()[0], 8000))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.refresh_status()

    def counter(self) -> Counter:
        return Counter(self.ctx.terminal, self.ctx.user)

    # -- hooks -------------------------------------------------------------------------
    def after_payment(self, receipt_no: str, reprint: bool = False) -> None:
        """Every finished payment (and every reprint) comes here. The payment's print job was
        written with it; the print worker prints it now, off the GUI thread."""
        text = self.tr("Reprint of receipt {0}") if reprint else self.tr("Payment done: receipt {0}")
        self.last_receipt = (receipt_no, reprint)
        self.bar.showMessage(text.format(receipt_no), 15000)
        if reprint:
            t = self.ctx.terminal
            self.ops.run(lambda s: print_queue.enqueue_reprint(s, t, receipt_no), lambda _job: self.printing.kick())
        else:
            self.printing.kick()

    def print_test_page(self, settings: dict) -> None:
        """The printer dialog's test page: printed on a worker thread, result in the status bar."""
        self.printing.test_page(settings)

    def _printed(self, result: dict) -> None:
        if result.get("ok"):
            what = self.tr("Test page printed") if result.get("test_page") else self.tr("Printed {0}").format(
                result.get("receipt_no"))
            self.bar.showMessage(what, 8000)
        else:
            self.bar.showMessage(self.tr("Printing failed (kept for retry): {0}").format(result.get("error")), 15000)

    # -- menus -------------------------------------------------------------------------
    def _action(self, menu, text: str, key: str, slot) -> QAction:  # type: ignore[no-untyped-def]
        a = QAction(text, self)
        a.setShortcut(QKeySequence(key))
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        menu.addAction(a)
        return a

    def _menus(self) -> None:
        counter = self.menuBar().addMenu(self.tr("&Counter"))
        self._action(counter, self.tr("Prepaid top-up…"), "F7", self.do_prepay)
        self._action(counter, self.tr("Deposit…"), "F8", self.do_deposit)
        self._action(counter, self.tr("One-off charge…"), "F9", self.do_one_off)
        counter.addSeparator()
        self._action(counter, self.tr("Open shift…"), "F11", self.do_open_shift)
        self._action(counter, self.tr("Close shift…"), "F12", self.do_close_shift)
        view = self.menuBar().addMenu(self.tr("&View"))
        self._action(view, self.tr("Checkout"), "Ctrl+1", lambda: self.tabs.setCurrentIndex(0))
        self._action(view, self.tr("Receipts"), "Ctrl+2", lambda: self.tabs.setCurrentIndex(1))
        settings = self.menuBar().addMenu(self.tr("&Settings"))
        self._action(settings, self.tr("Printer…"), "Ctrl+Shift+P", self.do_printer)

    def _tab_changed(self, index: int) -> None:
        if index == 0:
            self.checkout.focus_search()
        else:
            self.receipts.refresh()
            self.receipts.number.setFocus()

    # -- status ------------------------------------------------------------------------
    def refresh_status(self) -> None:
        t, u = self.ctx.terminal, self.ctx.user
        self.ops.query(lambda s: terminal_settings.counter_status(s, t, u), self._status_loaded,
                       on_error=lambda e: self.bar.showMessage(error_text(e), 8000))

    def _status_loaded(self, info: dict) -> None:
        self.status_info = info
        self.bar.show_status(info)
        self.setWindowTitle(self.tr("PropDesk counter") + f" — {info['terminal']} — {info['display_name']}")

    def _changed(self, topic: str) -> None:
        if topic in ("shift", "printer", "payment", "receipts"):
            self.refresh_status()
        if topic == "receipts":  # a void reopens the lines it paid
            self.checkout.reload()

    # -- counter actions ---------------------------------------------------------------
    def _room(self) -> tuple[str, str] | None:
        hit = self.checkout.hit
        if hit is None:
            self.bar.showMessage(self.tr("Find a household first (F6)"), 8000)
            self.checkout.focus_search()
            return None
        return f"{hit.community}/{hit.room_key}", f"{hit.room_key} · {hit.community} · {hit.owner or ''}"

    def _money_done(self, result: dict) -> None:
        self.checkout.tender.show_paid(result)
        self.after_payment(result["receipt_no"])
        self.checkout.reload()

    def do_prepay(self) -> None:
        room = self._room()
        tenders = PrepayDialog.ask(self, room[1]) if room else None
        if tenders:
            c, key = self.counter(), room[0]
            self.ops.run(lambda s: prepay(s, c, key, tenders), self._money_done, changed="payment")

    def do_deposit(self) -> None:
        room = self._room()
        value = DepositDialog.ask(self, room[1]) if room else None
        if value:
            (purpose, tenders), c, key = value, self.counter(), room[0]
            self.ops.run(lambda s: collect_deposit(s, c, key, purpose, tenders), self._money_done, changed="payment")

    def do_one_off(self) -> None:
        room = self._room()
        if room:
            self.ops.run(lambda s: fee_items_query.one_off_items(s, room[0]), lambda items: self._one_off(room, items))

    def _one_off(self, room: tuple[str, str], items: list[dict]) -> None:
        value = OneOffDialog.ask(self, room[1], items)
        if value:
            (code, amount, note, tenders), c = value, self.counter()
            self.ops.run(lambda s: charge_one_off(s, c, room[0], code, amount, note, tenders), self._money_done,
                         changed="payment")

    def do_open_shift(self) -> None:
        float_fen = ShiftOpenDialog.ask(self)
        if float_fen is None:
            return
        t, u = self.ctx.terminal, self.ctx.user

        def open_(s):  # type: ignore[no-untyped-def]
            shift = shifts.open_shift(s, t, u, float_fen)
            return {"shift_id": shift.id, "float_fen": shift.float_fen}

        self.ops.run(open_, lambda r: self.bar.showMessage(
            self.tr("Shift opened with a float of {0}").format(yuan(r["float_fen"])), 8000), changed="shift")

    def do_close_shift(self) -> None:
        t, u = self.ctx.terminal, self.ctx.user
        self.ops.run(lambda s: shifts.expected_by_tender(s, shifts.require_open(s, t, u)[0]), self._count_drawer)

    def _count_drawer(self, expected: dict) -> None:
        counts = ShiftCloseDialog.ask(self, expected)
        if counts is None:
            return
        t, u = self.ctx.terminal, self.ctx.user
        self.ops.run(lambda s: shifts.close_shift(s, t, u, counts), self._shift_closed, changed="shift")

    def _shift_closed(self, r: dict) -> None:
        self.last_shift_close = r
        text = self.tr("Shift closed. Cash expected {0}, counted {1}, variance {2}.").format(
            yuan(r["expected"].get("cash", 0)), yuan(r["counted_fen"]), yuan(r["variance_fen"]))
        self.bar.showMessage(text, 30000)
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Shift closed"), text, QMessageBox.StandardButton.Ok,
                          self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def do_printer(self) -> None:
        t = self.ctx.terminal
        self.ops.run(lambda s: terminal_settings.get_printer(s, t), self._edit_printer)

    def _edit_printer(self, current: dict | None) -> None:
        settings = PrinterDialog.ask(self, current, self.print_test_page)
        if settings:
            t, u = self.ctx.terminal, self.ctx.user
            self.ops.run(lambda s: terminal_settings.save_printer(s, t, settings, u),
                         lambda r: self.bar.showMessage(self.tr("Printer settings saved"), 8000), changed="printer")

    def closeEvent(self, e) -> None:  # type: ignore[no-untyped-def]
        self.ops.wait(5000)  # let a committing payment finish before the engine goes away
        self.printing.stop()
        super().closeEvent(e)
