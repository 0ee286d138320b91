"""The one way the UI touches the database (DESIGN.md conventions 3 and 4, after Anki's
`CollectionOp`): `ops.run(lambda s: service(s, ...), on_done)` runs the service call in one
unit of work (`ctx.uow()`) on a worker thread, shows a busy state while it runs, reports
InputError / PermissionDenied in a dialog (never a crash) and tells views what changed.

Why a worker thread even for reads: a lookup on 100,000 rooms is ~15 ms, but a payment
commit with `synchronous=FULL` can wait on the disk, and the counter's GUI thread must
never freeze while a queue of residents watches.

Results cross back to the GUI thread through a queued signal: the relay QObject lives in
the GUI thread, so its slot runs there whatever thread emitted.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from app.context import AppContext
from app.errors import AppError
from ui.messages import describe

log = logging.getLogger(__name__)


class Bus(QObject):
    """Application-wide notifications: views refresh on `changed(topic)`."""

    changed = Signal(str)  # "payment" | "shift" | "receipts" | "printer" | "user"
    busy = Signal(bool)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object, str)

    def __init__(self, on_done: Callable[[Any], None] | None, on_error: Callable[[BaseException, str], None]) -> None:
        super().__init__()
        self._on_done, self._on_error = on_done, on_error
        self.done.connect(self._deliver_done)
        self.failed.connect(self._deliver_failed)
        self.finished: Callable[["_Relay"], None] = lambda r: None

    @Slot(object)
    def _deliver_done(self, result: Any) -> None:
        try:
            if self._on_done is not None:
                self._on_done(result)
        except Exception as e:  # a bug in a view must not take the counter down
            log.exception("result handler failed")
            self._on_error(e, traceback.format_exc())
        finally:
            self.finished(self)

    @Slot(object, str)
    def _deliver_failed(self, error: BaseException, tb: str) -> None:
        try:
            self._on_error(error, tb)
        finally:
            self.finished(self)


class _Job(QRunnable):
    def __init__(self, ctx: AppContext, fn: Callable[[Any], Any], relay: _Relay) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.ctx, self.fn, self.relay = ctx, fn, relay

    def run(self) -> None:  # worker thread: no widget may be touched here
        try:
            with self.ctx.uow() as s:
                result = self.fn(s)
        except BaseException as e:  # noqa: BLE001 - everything is reported on the GUI thread
            self.relay.failed.emit(e, traceback.format_exc())
        else:
            self.relay.done.emit(result)


def error_text(e: BaseException) -> str:
    """Every exception the UI shows goes through here: `app.messages.describe` in the UI's
    language (ui.messages); an unexpected failure says what to do, the traceback goes to the log."""
    return describe(e)


class Ops(QObject):
    """Runs service calls for one window. `pending()` and `wait()` let tests and the
    benchmark wait for the workers without sleeping."""

    error = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bus = Bus(self)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._relays: set[_Relay] = set()
        self._busy = 0
        self.last_error: str | None = None
        # Tests replace this to see the message instead of a dialog.
        self.show_error: Callable[[str], None] = self._dialog

    def run(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None] | None = None, *,
            changed: str | None = None, busy: bool = True,
            on_error: Callable[[BaseException], None] | None = None, quiet: bool = False) -> None:
        """A write (or a read the user waits for). `changed` is announced on the bus after
        success; `quiet` reports errors only to `on_error` (searches as you type)."""
        if busy:
            self._set_busy(+1)

        def done(result: Any) -> None:
            if busy:
                self._set_busy(-1)
            if on_done is not None:
                on_done(result)
            if changed:
                self.bus.changed.emit(changed)

        def failed(e: BaseException, tb: str) -> None:
            if busy:
                self._set_busy(-1)
            if not isinstance(e, AppError):
                log.error("operation failed:\n%s", tb)
            if on_error is not None:
                on_error(e)
            if not quiet:
                self.report(error_text(e))

        relay = _Relay(done, failed)
        relay.finished = self._relays.discard
        self._relays.add(relay)
        self.pool.start(_Job(self.ctx, fn, relay))

    def query(self, fn: Callable[[Any], Any], on_done: Callable[[Any], None],
              on_error: Callable[[BaseException], None] | None = None) -> None:
        """A background read: no busy state, errors to `on_error` (or the status line)."""
        self.run(fn, on_done, busy=False, quiet=on_error is not None, on_error=on_error)

    def report(self, text: str) -> None:
        self.last_error = text
        self.error.emit(text)
        self.show_error(text)

    def _dialog(self, text: str) -> None:
        parent = self.parent() if isinstance(self.parent(), QWidget) else None
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("Ops", "Cannot do that"), text,
                          QMessageBox.StandardButton.Ok, parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # window-modal but not blocking: the event loop keeps running

    def _set_busy(self, delta: int) -> None:
        was = self._busy > 0
        self._busy += delta
        if (self._busy > 0) != was:
            self.bus.busy.emit(self._busy > 0)

    def is_busy(self) -> bool:
        return self._busy > 0

    def pending(self) -> int:
        return len(self._relays)

    def wait(self, msecs: int = 10000) -> bool:
        """Block until the workers are done and their results delivered (tests, shutdown)."""
        ok = self.pool.waitForDone(msecs)
        QCoreApplication.processEvents()
        return ok and not self._relays
