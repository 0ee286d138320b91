"""The main window: checkout and receipts screens, the counter's menus (top-ups, deposits,
one-off charges, shifts, printer) and a status bar with who, where, shift, printer and sync.

`after_payment()` is the single place every finished payment or reprint passes through;
the print queue is connected there (and nowhere else)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget

from app.context import AppContext
from app.errors import Msg
from app.services import community_options, fee_items_query, print_queue, terminal_settings, users
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, charge_one_off, collect_deposit, prepay
from ui.checkout.view import CheckoutView
from ui import backup_bridge
from ui.dialogs.audit_trail import open_room_trail
from ui.dialogs.community_options import CommunityOptionsDialog
from ui.dialogs.money_in import DepositDialog, OneOffDialog, PrepayDialog
from ui.dialogs.printer import PrinterDialog
from ui.dialogs.shifts import ShiftCloseDialog, ShiftOpenDialog
from ui.messages import problem_text
from ui.ops import Ops, error_text
from ui.printing_bridge import PrintBridge
from ui.receipts.view import ReceiptsView
from ui.refunds import flows as refund_flows
from ui.status import CounterStatusBar
from ui import tabs
from ui.sync_worker import attach as attach_sync
from ui.texts import printer_error_text, yuan


def window_settings() -> QSettings:
    """Where the window remembers its geometry (an .ini per user; tests point it elsewhere)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "PropDesk", "counter")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.ops = Ops(ctx, self)
        self.status_info: dict | None = None
        self.failed_jobs: list[dict] = []
        self._warned_shift: str | None = None  # the shift the cashier was told "nothing prints" in
        # Where shift reports (PDF) go; opened with the system viewer, which prints them.
        self.report_dir = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()) / "PropDesk"
        self.setWindowTitle(self.tr("PropDesk counter"))
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.checkout = CheckoutView(self.ops, self.counter)
        self.receipts = ReceiptsView(self.ops, self.counter)
        self.tabs.addTab(self.checkout, self.tr("Checkout (Ctrl+1)"))
        self.tabs.addTab(self.receipts, self.tr("Receipts (Ctrl+2)"))
        self.screens = tabs.build(self.ops, self.counter)  # the registered screens (ui/tabs.py)
        for screen in self.screens:  # their Ctrl+3… shortcuts are in the View menu: the tab bar stays narrow
            self.tabs.addTab(screen, screen.tab_title())
        # However many screens there are, the window still fits a 1280/1366-wide counter screen.
        self.tabs.setUsesScrollButtons(True)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideNone)
        self.setCentralWidget(self.tabs)
        self.bar = CounterStatusBar(self)
        self.setStatusBar(self.bar)
        self.bar.retry_button.clicked.connect(self.retry_failed_prints)
        self.checkout.before_pay = self.may_take_money
        self._menus()
        from ui import session_guard

        session_guard.install(self)  # 用户 menu: change password, switch user, lock; the idle lock

        self.printing = PrintBridge(ctx, self)
        self.printing.printed.connect(self._printed)
        self.syncing = attach_sync(ctx, self.bar, self)  # central sync on its own thread (if joined)
        self.checkout.paid.connect(lambda r: self.after_payment(r["receipt_no"]))
        self.receipts.reprint_requested.connect(lambda no: self.after_payment(no, reprint=True))
        self.receipts.refunded.connect(lambda r: refund_flows.refund_done(self, r))
        self.ops.bus.changed.connect(self._changed)
        self.ops.bus.busy.connect(self.bar.set_busy)
        self.ops.error.connect(lambda text: self.bar.showMessage(text.splitlines()[0], 8000))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.refresh_status()
        self.recovered: list[dict] | None = None  # start-up recovery's rows, once it has run
        self.recover_scan_orders()
        self.backups.run()  # the start of the day's backup, if not done yet
        self.checkout.card.trail_requested.connect(lambda room: open_room_trail(self, self.ops, room))

    # -- start-up: scanned payments a crash left open ------------------------------------
    def recover_scan_orders(self) -> None:
        """Settle this counter's scanned-code orders a crash left created/paying/unknown by
        asking the gateway (never paying again), on a worker thread. Orders younger than the
        longest live payment are left alone: another program of this counter may still be
        waiting on them."""
        from ui.checkout import scan_pay_hook

        svc, factory = scan_pay_hook.service(), scan_pay_hook.gateway_factory()
        if svc is None or factory is None or not hasattr(svc, "recover"):
            return
        from app.gateways import GATEWAYS
        from app.services import gateway_settings

        c, ctx = self.counter(), self.ctx

        def recover(_s) -> list[dict]:  # noqa: ANN001
            # The worker's own session stays untouched: on SQLite every unit of work takes the
            # write lock, and recover makes its own units of work (nesting would wait on itself).
            with ctx.uow() as s:
                live = max(gateway_settings.pay_timeout(s, c.terminal, g) for g in GATEWAYS) + svc.RECOVER_MARGIN_S
            return svc.recover(ctx.uow, c, factory, min_age_s=live)

        self.ops.query(recover, self._recovered, on_error=lambda e: self.bar.showMessage(error_text(e), 15000))

    def _recovered(self, rows: list[dict]) -> None:
        self.recovered = rows
        receipts = [r["receipt"]["receipt_no"] for r in rows if r.get("receipt")]
        open_ = [r["out_trade_no"] for r in rows if r.get("state") in ("created", "paying", "unknown", "unrecorded")]
        if receipts:
            self.printing.kick()  # their receipts were queued with the payments
            self.ops.bus.changed.emit("payment")
            self.bar.showMessage(problem_text(Msg.of("scan.recovered_at_start", count=len(receipts),
                                                     receipts=", ".join(receipts))), 15000)
        if open_:
            self.bar.showMessage(problem_text(Msg.of("scan.still_unconfirmed_at_start", count=len(open_),
                                                     orders=", ".join(open_))), 15000)

    def counter(self) -> Counter:
        return Counter(self.ctx.terminal, self.ctx.user)

    # -- hooks -------------------------------------------------------------------------
    def after_payment(self, receipt_no: str, reprint: bool = False) -> None:
        """Every finished payment (and every reprint) comes here. The payment's print job was
        written with it; the print worker prints it now, off the GUI thread."""
        text = self.tr("Reprint of receipt {0}") if reprint else self.tr("Payment done: receipt {0}")
        self.last_receipt = (receipt_no, reprint)
        self.syncing.kick()  # a joined counter sends the payment to central now, not at the next round
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
        elif result.get("test_page"):
            self.bar.showMessage(self.tr("Test page failed: {0}").format(printer_error_text(result.get("error"))),
                                 15000)
        else:
            self.bar.showMessage(self.tr("Printing failed (kept for retry): {0}").format(
                printer_error_text(result.get("error"))), 15000)
        if not result.get("test_page"):
            self.refresh_print_jobs()

    # -- printer problems: impossible to miss --------------------------------------------
    def refresh_print_jobs(self) -> None:
        t = self.ctx.terminal
        self.ops.query(lambda s: print_queue.jobs(s, t, "failed"), self._jobs_loaded, on_error=lambda e: None)

    def _jobs_loaded(self, jobs: list[dict]) -> None:
        self.failed_jobs = jobs
        self.bar.show_failed_jobs(jobs)

    def retry_failed_prints(self) -> None:
        """The status bar's 重试: queue every failed job again and wake the print worker."""
        t = self.ctx.terminal

        def retry_all(s):  # type: ignore[no-untyped-def]
            jobs = print_queue.jobs(s, t, "failed")
            for j in jobs:
                print_queue.retry(s, j["id"])
            return len(jobs)

        def done(n: int) -> None:
            self.bar.showMessage(self.tr("Printing {0} failed receipts again…").format(n), 8000)
            self.printing.kick()
            self.refresh_print_jobs()

        self.ops.run(retry_all, done)

    def printer_ready(self) -> bool:
        p = (self.status_info or {}).get("printer")
        return bool(p) and p.get("transport") not in (None, "", "none") and not self.failed_jobs

    def no_shift_text(self) -> str | None:
        """'No open shift: press F11' when the status says so (the service would refuse too,
        but in words for a command line); None when a shift is open or the status is not in yet."""
        if self.status_info is not None and not self.status_info.get("shift"):
            return self.tr("No open shift: press F11 to open one, then take the payment.")
        return None

    def may_take_money(self) -> bool:
        """Asked before any payment is sent: an open shift, and a printer (or a yes)."""
        text = self.no_shift_text()
        if text:
            self.checkout.tender.error.setText(text)
            self.bar.showMessage(text, 8000)
            return False
        return self.confirm_unprinted()

    def confirm_unprinted(self) -> bool:
        """Before the first payment of a shift with no printer (or failed prints): say so and
        let the cashier decide. Asked once per shift."""
        if self.status_info is None or self.printer_ready():
            return True
        shift = (self.status_info.get("shift") or {}).get("id")
        if shift is not None and shift == self._warned_shift:
            return True
        p = self.status_info.get("printer")
        if not p or p.get("transport") in (None, "", "none"):
            text = self.tr("No receipt printer is set up: this payment's receipt will not print. Set it up under "
                           "Settings → Printer (Ctrl+Shift+P), or ask a manager.\n\nTake the payment anyway?")
        else:
            text = self.tr("{0} receipts failed to print. Check the printer (paper, cable, power), then click "
                           "“Retry” in the status bar.\n\nTake the payment anyway?").format(len(self.failed_jobs))
        ok = self.ask_yes_no(self.tr("Receipts will not print"), text)
        if ok:
            self._warned_shift = shift
        return ok

    def ask_yes_no(self, title: str, text: str) -> bool:
        """A question with No as the default button (tests replace this)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

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
        self._action(counter, self.tr("Return deposit…"), "Shift+F8", lambda: refund_flows.return_deposit(self))
        self._action(counter, self.tr("One-off charge…"), "F9", self.do_one_off)
        counter.addSeparator()
        self._action(counter, self.tr("Open shift…"), "F11", self.do_open_shift)
        self._action(counter, self.tr("Close shift…"), "F12", self.do_close_shift)
        counter.addSeparator()
        counter.addAction(self.checkout.camera_action)  # 摄像头扫码 (ui/checkout/view.py)
        view = self.menuBar().addMenu(self.tr("&View"))
        self._action(view, self.tr("Checkout"), "Ctrl+1", lambda: self.tabs.setCurrentIndex(0))
        self._action(view, self.tr("Receipts"), "Ctrl+2", lambda: self.tabs.setCurrentIndex(1))
        for n, screen in enumerate(self.screens, start=3):
            self._action(view, screen.tab_title(), f"Ctrl+{n}", lambda _=False, i=n - 1: self.tabs.setCurrentIndex(i))
        settings = self.menuBar().addMenu(self.tr("&Settings"))
        self._action(settings, self.tr("Printer…"), "Ctrl+Shift+P", self.do_printer)
        self._action(settings, self.tr("Community options…"), "", self.do_community_options)
        self._action(counter, self.tr("Handheld (meter readings)…"), "Ctrl+Shift+H", self.do_handheld)
        self.backups = backup_bridge.install(self, settings)  # automatic daily backups (issue 15)

    def _tab_changed(self, index: int) -> None:
        if index == 0:
            self.checkout.focus_search()
        elif index == 1:
            self.receipts.refresh()
            self.receipts.number.setFocus()
        else:
            self.screens[index - 2].refresh()

    # -- status ------------------------------------------------------------------------
    def refresh_status(self) -> None:
        t, u = self.ctx.terminal, self.ctx.user
        self.ops.query(lambda s: terminal_settings.counter_status(s, t, u), self._status_loaded,
                       on_error=lambda e: self.bar.showMessage(error_text(e), 8000))

    def _status_loaded(self, info: dict) -> None:
        self.status_info = info
        self.bar.show_status(info)
        self.refresh_print_jobs()
        self.setWindowTitle(self.tr("PropDesk counter") + f" — {info['terminal']} — {info['display_name']}")

    def _changed(self, topic: str) -> None:
        if topic in ("shift", "printer", "payment", "receipts"):
            self.refresh_status()
        if topic == "receipts":  # a void reopens the lines it paid
            self.checkout.reload()

    # -- counter actions ---------------------------------------------------------------
    def _room(self) -> tuple[str, str] | None:
        text = self.no_shift_text()
        if text:
            self.ops.report(text)
            return None
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
        self.checkout.ready_for_next()

    def do_prepay(self) -> None:
        room = self._room()
        tenders = PrepayDialog.ask(self, room[1]) if room else None
        if tenders and self.may_take_money():
            c, key = self.counter(), room[0]
            self.ops.run(lambda s: prepay(s, c, key, tenders), self._money_done, changed="payment")

    def do_deposit(self) -> None:
        room = self._room()
        value = DepositDialog.ask(self, room[1]) if room else None
        if value and self.may_take_money():
            (purpose, tenders), c, key = value, self.counter(), room[0]
            self.ops.run(lambda s: collect_deposit(s, c, key, purpose, tenders), self._money_done, changed="payment")

    def do_one_off(self) -> None:
        room = self._room()
        if room:
            self.ops.run(lambda s: fee_items_query.one_off_items(s, room[0]), lambda items: self._one_off(room, items))

    def _one_off(self, room: tuple[str, str], items: list[dict]) -> None:
        value = OneOffDialog.ask(self, room[1], items)
        if value and self.may_take_money():
            (code, amount, note, tenders), c = value, self.counter()
            self.ops.run(lambda s: charge_one_off(s, c, room[0], code, amount, note, tenders), self._money_done,
                         changed="payment")

    def do_open_shift(self) -> None:
        if self.status_info is not None and self.status_info.get("shift"):
            self.ops.report(self.tr("The shift is already open. To hand over, close it with F12."))
            return
        float_fen = ShiftOpenDialog.ask(self)
        if float_fen is None:
            return
        t, u = self.ctx.terminal, self.ctx.user

        def open_(s):  # type: ignore[no-untyped-def]
            shift = shifts.open_shift(s, t, u, float_fen)
            return {"shift_id": shift.id, "float_fen": shift.float_fen, "opened_at": shift.opened_at.isoformat()}

        self.ops.run(open_, self._shift_opened, changed="shift")

    def _shift_opened(self, r: dict) -> None:
        if self.status_info is not None:  # at once, not only when the status bar reloads
            self.status_info["shift"] = {"id": r["shift_id"], "opened_at": r["opened_at"], "float_fen": r["float_fen"]}
        self.bar.showMessage(self.tr("Shift opened with a float of {0}").format(yuan(r["float_fen"])), 8000)

    def do_close_shift(self) -> None:
        text = self.no_shift_text()
        if text:
            self.ops.report(self.tr("No open shift to close. Press F11 to open one."))
            return
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
        self._warned_shift = None
        self.backups.run()  # the close of the day's backup, if not done yet
        if self.status_info is not None:
            self.status_info["shift"] = None
        text = self.tr("Shift closed. Cash expected {0}, counted {1}, variance {2}.").format(
            yuan(r["expected"].get("cash", 0)), yuan(r["counted_fen"]), yuan(r["variance_fen"]))
        self.bar.showMessage(text, 30000)
        self.print_shift_report(r["shift_id"])

    def print_shift_report(self, shift_id: str) -> None:
        """The handover report (交接班报表) as a PDF in the reports folder, opened with the
        system's viewer to print (app.printing.pdf_shift)."""
        from app.printing.pdf_shift import shift_report_pdf
        from app.services.cashier.shift_report import shift_report

        self.report_dir.mkdir(parents=True, exist_ok=True)
        path = self.report_dir / f"shift-{shift_id}.pdf"
        self.ops.run(lambda s: shift_report_pdf(shift_report(s, shift_id), path), lambda _r: self._report_ready(path))

    def _report_ready(self, path: Path) -> None:
        self.last_shift_report = path
        self.bar.showMessage(self.tr("Shift report saved to {0}; it opens for printing.").format(path), 30000)
        self.open_file(path)

    def open_file(self, path: Path) -> None:
        """Open a document with the system viewer (tests replace this)."""
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def do_handheld(self) -> None:
        from ui.dialogs.handheld import HandheldDialog

        HandheldDialog(self, self.ctx).exec()
        self.ops.bus.changed.emit("readings")

    def do_printer(self) -> None:
        t, u = self.ctx.terminal, self.ctx.user
        self.ops.run(lambda s: (terminal_settings.get_printer(s, t), users.allows(s, u, "settings")),
                     lambda r: self._edit_printer(*r))

    def _edit_printer(self, current: dict | None, may_edit: bool = True) -> None:
        """A user without the right to change settings sees them read-only (and may still
        print a test page), rather than being refused after editing."""
        settings = PrinterDialog.ask(self, current, self.print_test_page, read_only=not may_edit)
        if settings and may_edit:
            t, u = self.ctx.terminal, self.ctx.user
            self.ops.run(lambda s: terminal_settings.save_printer(s, t, settings, u),
                         lambda r: self.bar.showMessage(self.tr("Printer settings saved"), 8000), changed="printer")

    def do_community_options(self) -> None:
        u = self.ctx.user
        self.ops.run(lambda s: (community_options.all_options(s), community_options.may_edit(s, u)),
                     lambda r: self._edit_community_options(*r))

    def _edit_community_options(self, communities: list[dict], may_edit: bool) -> None:
        """Read-only for a user who may not change them (like the printer settings)."""
        value = CommunityOptionsDialog.ask(self, communities, read_only=not may_edit)
        if not value or not may_edit:
            return
        name, changes = value
        if not changes:
            return
        t, u = self.ctx.terminal, self.ctx.user
        self.ops.run(lambda s: community_options.set_options(
            s, u, name, prepaid_deduction=changes.get("prepaid_deduction"),
            max_change_fen=changes.get("max_change_fen"), terminal=t),
            lambda r: self.bar.showMessage(self.tr("Options of {0} saved").format(name), 8000))

    # -- geometry ----------------------------------------------------------------------
    def restore_geometry(self) -> bool:
        """The size and place the window had last time; False when there is none."""
        data = window_settings().value("geometry")
        return bool(data) and self.restoreGeometry(data)

    def closeEvent(self, e) -> None:  # type: ignore[no-untyped-def]
        window_settings().setValue("geometry", self.saveGeometry())
        self.ops.wait(5000)  # let a committing payment finish before the engine goes away
        self.printing.stop()
        self.syncing.stop()
        super().closeEvent(e)
