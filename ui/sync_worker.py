"""The GUI's sync: the same loop as `sync run` (app.services.sync.loop.run_forever) on a
background thread, its state sent to the GUI thread as a Qt signal for the status bar. The UI
only presents: it gets the link from the driver side (`drivers.central.open_link`, injectable
for tests) and never talks HTTP or SQL itself.

A counter that never joined (no link file) starts nothing: the status bar keeps 仅本地."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from app.context import AppContext
from app.services.sync import link_store, loop
from ui import messages

OFFLINE_CODES = ("sync.unreachable", "sync.server_error")
LinkFactory = Callable[[link_store.LinkConfig], Any]


def _open_link(conf: link_store.LinkConfig) -> Any:
    from drivers.central import open_link

    return open_link(conf)


class SyncWorker(QObject):
    # {"online": bool, "pending": n, "rejected": n, "error": text or None, "stopped": bool, "problem": bool}
    state_changed = Signal(dict)

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *, link_factory: LinkFactory = _open_link,
                 interval: float = loop.INTERVAL) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.link_factory = link_factory
        self.interval = interval
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start the loop when this counter is joined; False (nothing started) otherwise."""
        conf = link_store.load(link_store.link_path(self.ctx.settings.db_url))
        if conf is None:
            return False
        self._thread = threading.Thread(target=self._run, args=(conf,), name="central-sync", daemon=True)
        self._thread.start()
        return True

    def kick(self) -> None:
        """Sync now (after a payment) instead of at the end of the wait."""
        self._wake.set()

    def _sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _emit(self, st: loop.LoopState, stopped: bool = False) -> None:
        # offline is normal (the counter works on); anything else central or this PC did wrong is a problem
        problem = st.error is not None and st.error.code not in OFFLINE_CODES
        self.state_changed.emit({"online": st.online, "pending": st.pending, "rejected": st.rejected,
                                 "error": messages.describe(st.error) if st.error is not None else None,
                                 "stopped": stopped, "problem": problem or stopped})

    def _run(self, conf: link_store.LinkConfig) -> None:
        link = self.link_factory(conf)
        try:
            st = loop.run_forever(self.ctx.uow, link, self.ctx.terminal, self._stop, on_state=self._emit,
                                  interval=self.interval, sleep=self._sleep)
            if st.error is not None and not st.error.retryable:
                self._emit(st, stopped=True)  # a refused token: shown until someone joins again
        finally:
            link.close()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)


def attach(ctx: AppContext, bar: Any, parent: QObject) -> SyncWorker:
    """Start the loop for the main window and show its state in `bar` (CounterStatusBar)."""
    worker = SyncWorker(ctx, parent)
    worker.state_changed.connect(bar.show_sync)
    worker.start()
    return worker
