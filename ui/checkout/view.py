"""The checkout screen: search box → households → bill lines → tenders → Enter pays.

Every database call goes through `Ops` (worker thread, one unit of work); results come
back tagged with a sequence number and stale ones are dropped, so a slow lookup for "3-"
never overwrites the results for "3-2-1502" typed after it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QMainWindow, QSplitter, QTableView,
                               QTextBrowser, QVBoxLayout, QWidget)

from app import clock, devices
from app.errors import Msg
from app.gateways import GATEWAYS, gateway_for_code
from app.messages import render
from app.services import lookup, terminal_settings
from app.services.receivables.bills import room_bills
from app.services.cashier.payments import Counter, pay_bills
from app.services.lookup import Hit
from ui import detail_text
from ui.checkout import scan_pay_hook
from ui.checkout.household_card import HouseholdCard
from ui.checkout.scan_runner import ScanRunner
from ui.checkout.search_box import SearchBox
from ui.checkout.tender_panel import KEYS as tender_keys, TenderPanel
from ui.models.bill_lines import BillLinesModel, line_dict
from ui.models.base import fit_columns
from ui.models.hits import HitsModel
from ui.display_bridge import DisplayBridge
from ui.ops import Ops, error_text
from ui.texts import message_lang, method_name, yuan as yuan_text

SEARCH_LIMIT = 20


def _table(model) -> QTableView:  # type: ignore[no-untyped-def]
    t = QTableView()
    t.setModel(model)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    t.verticalHeader().hide()
    t.verticalHeader().setDefaultSectionSize(26)
    t.setAlternatingRowColors(False)
    t.horizontalHeader().setHighlightSections(False)
    return t


class LinesTable(QTableView):
    """Space toggles the current line wherever the cursor is in the row."""

    def keyPressEvent(self, e) -> None:  # type: ignore[no-untyped-def]
        if e.key() == Qt.Key.Key_Space and self.currentIndex().isValid():
            self.model().toggle(self.currentIndex().row())
            return
        super().keyPressEvent(e)


class CheckoutView(QWidget):
    paid = Signal(dict)  # the payment service's result
    room_changed = Signal(object)  # Hit | None

    def __init__(self, ops: Ops, counter: Callable[[], Counter], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.counter = ops, counter
        self.hit: Hit | None = None
        self.bills: dict | None = None
        self._search_seq = self._room_seq = 0
        self._take_first = False
        self.paying = False
        # Asked before a payment is sent (the window warns when nothing will print).
        self.before_pay: Callable[[], bool] = lambda: True

        self.search = SearchBox()
        self.hits_model = HitsModel(self)
        self.hits = _table(self.hits_model)
        self.hits.setObjectName("hitsTable")
        fit_columns(self.hits, ["3-2-1502", "阳光花园", "欧阳明", "138****1234", "120.55", "住宅", "尾号"])
        # Area and use are on the household card; the list keeps what tells households apart.
        self.hits.setColumnHidden(4, True)
        self.hits.setColumnHidden(5, True)
        # Never narrower than its columns (匹配 was cut off at 1280×720): the splitter keeps it.
        header = self.hits.horizontalHeader()
        self.hits.setMinimumWidth(sum(header.sectionSize(c) for c in (0, 1, 2, 3, 6))
                                  + self.hits.verticalScrollBar().sizeHint().width() + 2 * self.hits.frameWidth())
        self.hits.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.card = HouseholdCard()
        self.lines_model = BillLinesModel(self)
        self.lines = LinesTable()
        self.lines.setModel(self.lines_model)
        self.lines.setObjectName("linesTable")
        self.lines.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.lines.verticalHeader().hide()
        fit_columns(self.lines, ["☐ 2026-10", "公共区域电费分摊", "1,000.00", "100.00", "100.00", "1,000.00",
                                 "2026-10-15", "计算方式"])
        self.detail = QTextBrowser()
        self.detail.setObjectName("detailPanel")
        self.detail.setPlaceholderText(self.tr("Pick a line to see its calculation"))
        self.tender = TenderPanel()
        self.tender.is_offline = lambda: bool(self.ops.ctx.settings.offline)
        # The customer pole display (客显): total, received, change; its I/O on its own thread.
        self.display = DisplayBridge(parent=self)
        QCoreApplication.instance().aboutToQuit.connect(self.display.stop)  # let go of the port on exit
        self.display.failed.connect(self._display_failed)
        self.scan_runner: ScanRunner | None = None
        # 摄像头扫码: the window puts this action in its Counter menu.
        self.camera_action = QAction(self.tr("Scan with the camera…"), self)
        self.camera_action.setShortcut(QKeySequence("Ctrl+K"))
        self.camera_action.triggered.connect(self.scan_with_camera)
        self.status = QLabel()
        self.status.setObjectName("checkoutStatus")
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() + 4)  # no jump when it fills

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.hits, 2)
        lv.addWidget(self.card, 3)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.detail)
        bottom.addWidget(self.tender)
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.lines)
        right.addWidget(bottom)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 2)
        body.setStretchFactor(1, 5)
        body.setSizes([450, 950])
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        outer.addLayout(top)
        outer.addWidget(body, 1)
        outer.addWidget(self.status)

        self.search.query_changed.connect(lambda q: self.find(q, take_first=False))
        self.search.submitted.connect(self._submitted)
        self.search.down_pressed.connect(self._focus_hits)
        self.hits.activated.connect(lambda i: self.choose(i.row()))
        self.hits.doubleClicked.connect(lambda i: self.choose(i.row()))
        self.lines.selectionModel().currentRowChanged.connect(self._show_detail)
        self.lines_model.checked_changed.connect(self._update_due)
        self.tender.pay_requested.connect(self.pay)
        self.tender.scan_requested.connect(self.pay_scan)
        self.tender.received_changed.connect(self.display.show_received)
        self.ops.bus.changed.connect(self._state_changed)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.clear, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+A"), self.lines, self._toggle_all, context=Qt.ShortcutContext.WidgetShortcut)
        for method, key in tender_keys:  # from the tender-method registry
            QShortcut(QKeySequence(key), self, lambda m=method: self.tender.choose(m),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F6"), self, self.focus_search, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+L"), self, self.lines.setFocus,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setTabOrder(self.search, self.hits)
        self.setTabOrder(self.hits, self.lines)
        self.setTabOrder(self.lines, self.tender.amount)
        self.setTabOrder(self.tender.amount, self.tender.reference)
        self.setTabOrder(self.tender.reference, self.tender.batch)
        self.setTabOrder(self.tender.batch, self.tender.voucher)
        self.setTabOrder(self.tender.voucher, self.tender.add_button)
        self.setTabOrder(self.tender.add_button, self.tender.pay_button)
        self.load_display_settings()

    # -- finding a household ------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _submitted(self, query: str, scanned: bool) -> None:
        """Enter in the search box. A 付款码 scanned while the cursor was still in the search box
        is no search: it goes to the F3 tender of the household on screen."""
        if gateway_for_code(query) is not None:
            self._search_seq += 1
            self.search.clear()
            if self.hit is None:
                self.status.setText(self.tr("A payment code was scanned: find the household first, then scan it "
                                            "again"))
                return
            self.take_scanned(query)
            return
        self.find(query, take_first=True, scanned=scanned)

    def find(self, query: str, *, take_first: bool = False, scanned: bool = False) -> None:
        self._search_seq += 1
        seq = self._search_seq
        self._take_first = take_first
        if not query:
            self.hits_model.set_rows([])
            return
        self.ops.query(lambda s: lookup.search(s, query, SEARCH_LIMIT), lambda hits: self._found(seq, hits, scanned),
                       on_error=lambda e: self.status.setText(error_text(e)))

    def _found(self, seq: int, hits: list[Hit], scanned: bool = False) -> None:
        if seq != self._search_seq:
            return  # a newer query is on its way
        self.hits_model.set_rows(hits)
        if hits:
            self.hits.selectRow(0)
        elif self._take_first:
            self.status.setText(self.tr("Nothing found for “{0}”").format(self.search.text().strip()))
        if self._take_first and hits:
            self.choose(0)
        if scanned:  # say so: a scan that found the wrong room is then easy to spot
            self.status.setText(self.tr("Scanned: {0}").format(self.search.text().strip()))

    def _focus_hits(self) -> None:
        if self.hits_model.rowCount():
            self.hits.setFocus()
            self.hits.selectionModel().setCurrentIndex(
                self.hits_model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def choose(self, row: int) -> None:
        hit = self.hits_model.row_at(row)
        if hit is None:
            return
        self.hit = hit
        self.card.clear()
        self.card.show_hit(hit)
        self.tender.reset()
        self.status.setText("")
        self.room_changed.emit(hit)
        self.reload()

    def reload(self) -> None:
        """(Re)load the current room's bills, e.g. after a payment or a void."""
        if self.hit is None:
            return
        self._room_seq += 1
        seq, room_id = self._room_seq, self.hit.room_id
        today = clock.today()
        self.ops.query(lambda s: room_bills(s, room_id, as_of=today), lambda b: self._loaded(seq, b),
                       on_error=lambda e: self.status.setText(error_text(e)))

    def _loaded(self, seq: int, bills: dict) -> None:
        if seq != self._room_seq:
            return
        self.bills = bills
        self.card.show_bills(bills)
        self.lines_model.set_lines(bills["lines"])
        if bills["lines"]:
            self.lines.selectRow(0)
        else:
            self.detail.clear()
        self._update_due()
        if not self.tender._settled:
            self.tender.amount.setFocus()
            self.tender.amount.selectAll()

    def _show_detail(self, current: QModelIndex, _prev: QModelIndex) -> None:
        v = self.lines_model.row_at(current.row())
        self.detail.setHtml(detail_text.html(line_dict(v)) if v is not None else "")

    def _toggle_all(self) -> None:
        self.lines_model.check_all(len(self.lines_model.checked) < self.lines_model.rowCount())

    def _update_due(self) -> None:
        self.tender.set_due(self.lines_model.checked_total(), self.bills["prepaid_fen"] if self.bills else 0)
        if self.hit is not None and not self.tender._settled:  # after a payment the change stays shown
            self.display.show_total(self.lines_model.checked_total())

    # -- the customer pole display -------------------------------------------------------
    def load_display_settings(self) -> None:
        """Which display to drive comes with the printer settings (app.devices): read now, and
        again whenever the printer settings change."""
        terminal = self.ops.ctx.settings.terminal
        self.ops.query(lambda s: terminal_settings.get_printer(s, terminal),
                       lambda p: self.display.configure(devices.display_settings(p)),
                       on_error=lambda e: self._display_failed(error_text(e)))

    def _display_failed(self, text: str) -> None:
        """A display problem is said in the status bar; it never stops a payment."""
        line = self.tr("Customer display: {0}").format(text.splitlines()[0] if text else "")
        w = self.window()
        if isinstance(w, QMainWindow):
            w.statusBar().showMessage(line, 10000)
        else:
            self.status.setText(line)

    # -- paying -------------------------------------------------------------------------
    def _ready_to_pay(self, refocus: bool = False) -> list[str] | None:
        """The ticked lines when a payment may start (a household found, lines ticked, the
        printer warning answered); None after saying in the window what is missing."""
        if self.hit is None:
            self.tender.error.setText(self.tr("Find a household first"))
            return None
        ids = self.lines_model.checked_ids()
        if not ids:
            self.tender.error.setText(self.tr("Tick the bill lines to pay (Space)"))
            return None
        if not self.before_pay():
            if refocus:
                self.tender.amount.setFocus()
            return None
        return ids

    def pay(self, tenders: list) -> None:
        if self.paying:
            return  # Enter pressed twice: the first payment is still committing
        ids = self._ready_to_pay(refocus=True)
        if ids is None:
            return
        room_key, counter = f"{self.hit.community}/{self.hit.room_key}", self.counter()
        self.paying = True
        self.tender.pay_button.setEnabled(False)

        def failed(e: BaseException) -> None:
            self.paying = False
            self.tender.pay_button.setEnabled(True)
            self.tender.error.setText(error_text(e))

        self.ops.run(lambda s: pay_bills(s, counter, room_key, tenders, line_ids=ids), self._paid,
                     changed="payment", on_error=failed, quiet=True)

    def pay_scan(self, amount_fen: int, auth_code: str, others: list) -> None:
        """F3 with a 付款码: the gateway charges it (ui/checkout/scan_pay_hook), then the payment
        is recorded by the service; meanwhile the panel waits and says what it waits for."""
        if self.paying:
            return
        if self.ops.ctx.settings.offline:
            self.tender.show_waiting(render(Msg("device.scan.offline"), message_lang()))
            return
        if not scan_pay_hook.available():
            self.tender.error.setText(render(Msg("device.scan.not_available"), message_lang()))
            return
        ids = self._ready_to_pay()
        if ids is None:
            return
        room_key, counter, ctx = f"{self.hit.community}/{self.hit.room_key}", self.counter(), self.ops.ctx
        kind = gateway_for_code(auth_code)
        name = method_name(kind.name) if kind else ""
        self.paying = True
        self.tender.set_scanning(True)
        self.tender.show_waiting(self.tr("Charging {0} to the {1} payment code…").format(
            yuan_text(amount_fen), name))
        runner = self.scan_runner = ScanRunner(self)
        runner.state.connect(self._scan_state)
        runner.done.connect(self._scan_paid)
        runner.failed.connect(self._scan_failed)
        runner.start(lambda on_state: scan_pay_hook.pay_scanned(ctx, counter, room_key, ids, others, amount_fen,
                                                                auth_code, on_state))

    def scan_with_camera(self) -> None:
        from ui.dialogs.camera import CameraDialog

        code = CameraDialog.ask(self)
        if code is not None:
            self.take_scanned(code.text)

    def take_scanned(self, text: str) -> None:
        """A code read by the camera goes where the keyboard-wedge scanner would have typed it:
        a 付款码 into the F3 tender (the cashier checks the amount and presses Enter), anything
        else (a receipt or notice QR) into the search box."""
        kind = gateway_for_code(text)
        if kind is None:
            self.search.setText(text)
            self.find(text, take_first=True, scanned=True)
            return
        if self.tender.method not in GATEWAYS:
            self.tender.choose(kind.name)  # offline: refused there, with the message
            if self.tender.method not in GATEWAYS:
                return
        self.tender.reference.setText(text)  # picks WeChat or Alipay from the prefix
        self.tender.reference.setFocus()

    def _scan_state(self, state: str) -> None:
        if state == "paying":
            self.tender.show_waiting(self.tr("Waiting for the resident to enter the password…"))

    def _scan_paid(self, result: dict) -> None:
        self.tender.set_scanning(False)
        self.ops.bus.changed.emit("payment")
        self._paid(result)

    def _scan_failed(self, e: BaseException) -> None:
        self.paying = False
        self.tender.set_scanning(False)
        self.tender.error.setText(error_text(e))
        self.tender.reference.setFocus()
        self.tender.reference.selectAll()

    def _paid(self, result: dict) -> None:
        self.paying = False
        self.tender.pay_button.setEnabled(True)
        self.tender.show_paid(result)
        self.display.show_change(result["change_fen"])
        self.status.setText(self.tr("Paid: receipt {0}").format(result["receipt_no"]))
        self.paid.emit(result)
        self.reload()
        self.ready_for_next()

    def ready_for_next(self) -> None:
        """After a payment: the change stays on screen, the search box is empty and has the
        focus, so the next resident's room can be typed at once."""
        self._search_seq += 1  # a search still on its way must not take over
        self.search.clear()
        self.hits_model.set_rows([])
        self.focus_search()

    def _state_changed(self, topic: str) -> None:
        """A fixed cause clears its stale error line (e.g. 'no open shift' after F11 opened one)."""
        if topic == "printer":
            self.load_display_settings()
        if topic in ("shift", "printer", "user") and not self.paying:
            self.tender.error.clear()
            self.status.setText("")

    def clear(self) -> None:
        """Esc: forget the household and start again at the search box."""
        self._search_seq += 1
        self._room_seq += 1
        self.hit, self.bills = None, None
        self.search.clear()
        self.hits_model.set_rows([])
        self.lines_model.set_lines([])
        self.card.clear()
        self.detail.clear()
        self.tender.reset()
        self.tender.set_due(0, 0)
        self.display.clear()
        self.status.setText("")
        self.room_changed.emit(None)
        self.focus_search()
