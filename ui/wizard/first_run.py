"""The first-run wizard (首次使用向导): shown by ui/app.py when the database has neither a user nor
a terminal (app.services.first_run.needs_setup) — a new install, never the demo or an existing
counter. Pages: language → terminal code → standalone or join central (pulls with a progress
bar) → printer (test page) → serial ports (pole display and the other serial devices of
app.devices) → first admin password (standalone only) → done.

Everything it sets can be changed later: the printer and the ports in 设置 → 打印机…
(Settings → Printer…), the admin password by the trust helper's user management, the terminal
code and language by `--terminal` / `--lang` (or by editing <database>.counter.json), the central
link with `propdesk sync join`.

Long work runs off the GUI thread: the join on a Python thread (its progress comes back as a
queued signal), the database writes through ui.ops.Ops. `open_link` is injectable so a test
can join the in-process fake central.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRegularExpression, Qt, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QRadioButton, QVBoxLayout, QWidget, QWizard, QWizardPage)

from app import counter_file, devices
from app.context import AppContext
from app.errors import AppError
from app.services import first_run
from app.services.terminal_settings import DEFAULT_PRINTER
from ui import i18n
from ui.messages import describe

LinkOpener = Callable[[Any], Any]  # LinkConfig -> a CentralLink


def serial_ports() -> list[str]:
    """The serial ports this PC has now (COM3, /dev/ttyUSB0), for the editable combos."""
    try:
        from serial.tools import list_ports
    except ImportError:  # pragma: no cover - pyserial is a dependency
        return []
    return sorted(p.device for p in list_ports.comports())


class _Page(QWizardPage):
    """A page whose words are set in retranslate(), run again when the language changes."""

    def retranslate(self) -> None:
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class LanguagePage(_Page):
    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.zh = QRadioButton("中文（简体）")
        self.en = QRadioButton("English")
        (self.en if wizard.lang == "en" else self.zh).setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.zh)
        group.addButton(self.en)
        self.zh.toggled.connect(self._chosen)
        self.note = QLabel()
        self.note.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.zh)
        lay.addWidget(self.en)
        lay.addSpacing(12)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.retranslate()

    def _chosen(self) -> None:
        self.wiz.set_language("zh_CN" if self.zh.isChecked() else "en")

    def retranslate(self) -> None:
        self.setTitle(self.tr("Welcome to PropDesk"))
        self.setSubTitle(self.tr("This counter is new. A few questions and it is ready. Language:"))
        self.note.setText(self.tr("Everything you choose here can be changed later in the Settings menu."))


class TerminalPage(_Page):
    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.code = QLineEdit(wizard.ctx.terminal)
        self.code.setObjectName("terminalCode")
        self.code.setMaxLength(8)
        self.code.setValidator(QRegularExpressionValidator(QRegularExpression("[A-Za-z0-9]{1,8}"), self))
        self.code.textChanged.connect(self.completeChanged)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.form = QFormLayout(self)
        self.label = QLabel()
        self.form.addRow(self.label, self.code)
        self.form.addRow("", self.help)
        self.retranslate()

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        return bool(self.code.hasAcceptableInput())

    def validatePage(self) -> bool:  # noqa: N802
        self.wiz.terminal = self.code.text().strip().upper()
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Terminal code"))
        self.setSubTitle(self.tr("Each counter has its own code; it starts every receipt number."))
        self.label.setText(self.tr("Terminal code"))
        self.help.setText(self.tr("Letters and digits, at most 8 (e.g. T1, A2). When joining central, use the code "
                                  "the token was made for."))


class _JoinRelay(QObject):
    progress = Signal(str, str, int)
    done = Signal(object)
    failed = Signal(object)


class ModePage(_Page):
    """Standalone, or join central: URL + token, then `sync join`'s own service with a progress bar."""

    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.standalone = QRadioButton()
        self.standalone.setObjectName("modeStandalone")
        self.join = QRadioButton()
        self.join.setObjectName("modeJoin")
        self.standalone.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.standalone)
        group.addButton(self.join)
        self.url = QLineEdit()
        self.url.setObjectName("centralUrl")
        self.url.setPlaceholderText("http://10.0.0.5:8765")
        self.token = QLineEdit()
        self.token.setObjectName("centralToken")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.join_button = QPushButton()
        self.join_button.setObjectName("joinButton")
        self.join_button.clicked.connect(self.start_join)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setTextVisible(False)
        self.status = QLabel()
        self.status.setObjectName("joinStatus")
        self.status.setWordWrap(True)
        self.joined: dict | None = None
        self.running = False
        self.url_label, self.token_label = QLabel(), QLabel()
        self.central_box = QWidget()
        form = QFormLayout(self.central_box)
        form.addRow(self.url_label, self.url)
        form.addRow(self.token_label, self.token)
        form.addRow("", self.join_button)
        form.addRow(self.bar)
        form.addRow(self.status)
        lay = QVBoxLayout(self)
        lay.addWidget(self.standalone)
        lay.addWidget(self.join)
        lay.addWidget(self.central_box)
        lay.addStretch(1)
        self.standalone.toggled.connect(self._mode_changed)
        self.relay = _JoinRelay(self)
        self.relay.progress.connect(self._progress)
        self.relay.done.connect(self._joined)
        self.relay.failed.connect(self._failed)
        self._mode_changed()
        self.retranslate()

    def retranslate(self) -> None:
        self.setTitle(self.tr("Standalone or central"))
        self.setSubTitle(self.tr("A single service center works standalone. A company with a central server joins "
                                 "it: rooms, fee items and users come from central."))
        self.standalone.setText(self.tr("Standalone (this PC keeps its own data)"))
        self.join.setText(self.tr("Join central (URL and token from your head office)"))
        self.url_label.setText(self.tr("Central URL"))
        self.token_label.setText(self.tr("Token"))
        self.join_button.setText(self.tr("Join and pull"))

    def _mode_changed(self) -> None:
        self.central_box.setEnabled(self.join.isChecked() and self.joined is None)
        self.wiz.mode = "standalone" if self.standalone.isChecked() else "join"
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        if self.running:
            return False
        return self.standalone.isChecked() or self.joined is not None

    def start_join(self) -> None:
        from app.services.sync import join as join_service
        from app.services.sync import link_store

        ctx, terminal = self.wiz.ctx, self.wiz.terminal
        store = link_store.link_path(ctx.settings.db_url)
        try:
            central, token = join_service.validate(store, self.url.text(), self.token.text())
        except AppError as e:
            self.status.setText(describe(e))
            return
        self.running = True
        self.join_button.setEnabled(False)
        self.standalone.setEnabled(False)
        self.bar.setRange(0, 0)  # busy: the number of rows is not known in advance
        self.status.setText(self.tr("Connecting to {0}…").format(central))
        self.completeChanged.emit()
        relay, opener = self.relay, self.wiz.open_link

        def run() -> None:  # a worker thread: no widget is touched here
            link = None
            try:
                link = opener(link_store.LinkConfig(central, token, terminal))
                doc = join_service.join(ctx.uow, link, terminal, store, central, token,
                                        progress=lambda c, t, n: relay.progress.emit(c, t, n))
            except BaseException as e:  # noqa: BLE001 - shown on the page
                relay.failed.emit(e)
            else:
                relay.done.emit(doc)
            finally:
                close = getattr(link, "close", None)
                if callable(close):
                    close()

        threading.Thread(target=run, name="first-run-join", daemon=True).start()

    def _progress(self, community: str, table: str, rows: int) -> None:
        self.status.setText(self.tr("Pulling {0}: {1}, {2} rows").format(community, table, rows))

    def _joined(self, doc: dict) -> None:
        self.running = False
        self.joined = doc
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        self.status.setText(self.tr("Joined {0}: {1}; {2} rows pulled.").format(
            doc["central"], "、".join(doc["communities"]), doc["pulled"]))
        self._mode_changed()

    def _failed(self, e: BaseException) -> None:
        self.running = False
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.join_button.setEnabled(True)
        self.standalone.setEnabled(True)
        self.status.setText(describe(e))
        self.completeChanged.emit()


class PrinterPage(_Page):
    """The printer dialog's fields (ui/dialogs/printer.py) embedded, with its test page."""

    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.lay = QVBoxLayout(self)
        self.dialog: QWidget | None = None
        self.result = QLabel()
        self.result.setObjectName("testPageResult")
        self.result.setWordWrap(True)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802 - built here, in the language chosen by now
        from ui.dialogs.printer import PrinterDialog

        if self.dialog is not None:
            return
        dlg = PrinterDialog(self, self.wiz.printer, test_page=self.test_page)
        dlg.setWindowFlags(Qt.WindowType.Widget)
        dlg.buttons.hide()
        for w in (dlg.display, dlg.display_port, dlg.display_baud):  # the ports page asks for those
            w.hide()
        self.dialog = dlg
        self.lay.addWidget(dlg)
        self.lay.addWidget(self.result)
        self.lay.addStretch(1)

    def validatePage(self) -> bool:  # noqa: N802
        assert self.dialog is not None
        try:
            self.wiz.printer = self.dialog.build()  # type: ignore[attr-defined]
        except ValueError as e:
            self.dialog.error.setText(str(e))  # type: ignore[attr-defined]
            return False
        return True

    def test_page(self, settings: dict) -> None:
        self.result.setText(self.tr("Printing a test page…"))
        self.wiz.print_test_page(settings, self.result)

    def retranslate(self) -> None:
        self.setTitle(self.tr("Receipt printer"))
        self.setSubTitle(self.tr("How the receipt printer is connected. Print a test page to check it; "
                                 "\"none\" if there is no printer yet."))


class PortsPage(_Page):
    """One editable combo per serial device of app.devices (the pole display; the handheld dock
    once it has its entry there), fed by the ports this PC has."""

    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.form = QFormLayout(self)
        self.combos: dict[str, QComboBox] = {}
        self.labels: dict[str, QLabel] = {}
        ports = serial_ports()
        for name in devices.names():
            combo = QComboBox()
            combo.setObjectName(f"port_{name}")
            combo.setEditable(True)
            combo.addItem("")
            combo.addItems(ports)
            self.combos[name] = combo
            self.labels[name] = QLabel()
            self.form.addRow(self.labels[name], combo)
        # The handheld dock until it has its own entry in app.devices: its port is this PC's,
        # kept in the counter file (app/counter_file.py, key handheld_port).
        self.dock: QComboBox | None = None
        self.dock_label = QLabel()
        if "handheld" not in self.combos:
            self.dock = QComboBox()
            self.dock.setObjectName("port_handheld_dock")
            self.dock.setEditable(True)
            self.dock.addItem("")
            self.dock.addItems(ports)
            self.form.addRow(self.dock_label, self.dock)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.form.addRow(self.note)
        self.retranslate()

    def validatePage(self) -> bool:  # noqa: N802
        import re

        from app.errors import InputError, Msg

        if self.dock is not None:
            port = self.dock.currentText().strip()
            if port and not re.fullmatch(devices.PORT_PATTERN, port):
                self.note.setText(describe(InputError("device.bad_port", device=Msg("setup.field.handheld_dock"),
                                                      port=port)))
                return False
            self.wiz.handheld_port = port
        printer = dict(self.wiz.printer or DEFAULT_PRINTER)
        for name, combo in self.combos.items():
            port = combo.currentText().strip()
            printer[devices.get(name).stored_key("port")] = port
            if name == "display":  # the printer's switch for the pole display (app/devices.py)
                printer["customer_display"] = bool(port)
        try:
            from app.services.terminal_settings import validate_printer

            self.wiz.printer = validate_printer(printer)
        except AppError as e:
            self.note.setText(describe(e))
            return False
        return True

    def retranslate(self) -> None:
        from ui.texts import message_lang

        self.setTitle(self.tr("Serial ports"))
        self.setSubTitle(self.tr("Where the pole display and the other serial devices are plugged in. Leave empty "
                                 "when there is none."))
        from app.errors import Msg
        from app.messages import render

        for name, label in self.labels.items():
            label.setText(render(Msg(devices.get(name).label), message_lang()))
        self.dock_label.setText(self.tr("Handheld dock"))
        self.note.setText(self.tr("Ports found on this PC are listed; you can also type one (COM3, /dev/ttyUSB0)."))


class AdminPage(_Page):
    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.password = QLineEdit()
        self.password.setObjectName("adminPassword")
        self.again = QLineEdit()
        self.again.setObjectName("adminPasswordAgain")
        for w in (self.password, self.again):
            w.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("errorLine")
        self.error.setWordWrap(True)
        self.p_label, self.a_label, self.user_label = QLabel(), QLabel(), QLabel("admin")
        self.u_label = QLabel()
        form = QFormLayout(self)
        form.addRow(self.u_label, self.user_label)
        form.addRow(self.p_label, self.password)
        form.addRow(self.a_label, self.again)
        form.addRow(self.error)
        self.retranslate()

    def validatePage(self) -> bool:  # noqa: N802
        try:
            self.wiz.password = first_run.check_password(self.password.text(), self.again.text())
        except AppError as e:
            self.error.setText(describe(e))
            return False
        return True

    def retranslate(self) -> None:
        self.setTitle(self.tr("Administrator"))
        self.setSubTitle(self.tr("The first user, admin, may add cashiers and change every setting. Choose its "
                                 "password (at least 6 characters)."))
        self.u_label.setText(self.tr("User"))
        self.p_label.setText(self.tr("Password"))
        self.a_label.setText(self.tr("Password again"))


class DonePage(_Page):
    def __init__(self, wizard: "FirstRunWizard") -> None:
        super().__init__()
        self.wiz = wizard
        self.summary = QLabel()
        self.summary.setObjectName("setupSummary")
        self.summary.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addStretch(1)
        self.retranslate()

    def initializePage(self) -> None:  # noqa: N802
        self.retranslate()

    def retranslate(self) -> None:
        from ui.texts import transport_name

        self.setTitle(self.tr("Ready"))
        self.setSubTitle(self.tr("Press Finish to save and open the counter."))
        w = self.wiz
        mode = self.tr("standalone") if w.mode == "standalone" else self.tr("joined to central")
        printer = (w.printer or DEFAULT_PRINTER)
        lines = [self.tr("Terminal: {0}").format(w.terminal), self.tr("Mode: {0}").format(mode),
                 self.tr("Printer: {0} {1}").format(transport_name(printer["transport"]), printer["target"]),
                 self.tr("Pole display: {0}").format(printer.get("display_port") or self.tr("none")),
                 self.tr("Handheld dock: {0}").format(w.handheld_port or self.tr("none")),
                 self.tr("Change any of it later: Settings → Printer… for the printer and ports.")]
        self.summary.setText("\n".join(lines))


class FirstRunWizard(QWizard):
    """`result` after exec(): the service's dict ({"mode", "terminal", ...}) or None if cancelled."""

    LANGUAGE, TERMINAL, MODE, PRINTER, PORTS, ADMIN, DONE = range(7)
    test_page_done = Signal(object, str)

    def __init__(self, ctx: AppContext, lang: str = "zh_CN", open_link: LinkOpener | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.ctx = ctx
        self.lang = lang
        app = QCoreApplication.instance()
        if app is not None:
            i18n.install(app, lang)  # the wizard speaks the language it starts with
        if open_link is None:
            from drivers.central import open_link as real_open_link

            open_link = real_open_link
        self.open_link = open_link
        self.terminal = ctx.terminal
        self.mode = "standalone"
        self.printer: dict | None = None
        self.handheld_port = ""
        self.password: str | None = None
        self.result: dict | None = None
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.pages = {
            self.LANGUAGE: LanguagePage(self), self.TERMINAL: TerminalPage(self), self.MODE: ModePage(self),
            self.PRINTER: PrinterPage(self), self.PORTS: PortsPage(self), self.ADMIN: AdminPage(self),
            self.DONE: DonePage(self),
        }
        for pid, page in self.pages.items():
            self.setPage(pid, page)
        self.test_page_done.connect(self._test_page_done)
        self.retranslate()

    # -- flow ---------------------------------------------------------------------------------
    def nextId(self) -> int:  # noqa: N802 - the admin page only when standalone
        current = self.currentId()
        if current == self.PORTS:
            return self.ADMIN if self.mode == "standalone" else self.DONE
        if current == self.DONE:
            return -1
        return current + 1

    def set_language(self, lang: str) -> None:
        self.lang = lang
        app = QCoreApplication.instance()
        if app is not None:
            i18n.install(app, lang)  # LanguageChange reaches every page: retranslate()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("PropDesk — first-run setup"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("Next >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< Back"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Finish"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Cancel"))

    # -- test page ----------------------------------------------------------------------------
    def print_test_page(self, settings: dict, result_label: QLabel) -> None:
        """The same test page as Settings → Printer…, on a thread (a dead printer never blocks)."""
        self._result_label = result_label
        terminal, done = self.terminal, self.test_page_done

        def run() -> None:
            from app.printing.escpos_layout import PrinterProfile
            from app.printing.test_page import test_page
            from app.services import print_queue
            from drivers.printer.base import PrinterError
            from drivers.printer.factory import open_printer

            error = None
            try:
                conf = print_queue.driver_settings(settings)
                if not conf:
                    raise PrinterError("print.no_printer", retryable=False)
                printer = open_printer(conf)
                try:
                    printer.send(test_page(PrinterProfile.from_settings(conf), terminal))
                finally:
                    printer.close()
            except (PrinterError, OSError, ValueError) as e:
                error = describe(e)
            done.emit(error, "")

        threading.Thread(target=run, name="first-run-test-page", daemon=True).start()

    def _test_page_done(self, error: object, _: str) -> None:
        label = getattr(self, "_result_label", None)
        if label is not None:
            label.setText(self.tr("Test page printed: check the paper.") if error is None
                          else self.tr("Test page failed: {0}").format(error))

    # -- finish -------------------------------------------------------------------------------
    def accept(self) -> None:
        """Store everything in one transaction, then remember terminal and language for this PC."""
        terminal, printer, password = self.terminal, self.printer, self.password
        try:
            with self.ctx.uow() as s:
                if self.mode == "standalone":
                    self.result = first_run.set_up_standalone(s, terminal, password or "", printer)
                else:
                    self.result = first_run.set_up_joined(s, terminal, printer)
        except AppError as e:
            self.pages[self.DONE].summary.setText(describe(e))
            return
        counter_file.save(self.ctx.settings.db_url, terminal=terminal, lang=self.lang,
                          **({"handheld_port": self.handheld_port} if self.handheld_port else {}))
        self.result = {**self.result, "lang": self.lang}
        super().accept()
