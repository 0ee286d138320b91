"""抄表机: the meter reader's handheld in its dock. Pick the port, download the reading route
for a period, upload the readings (progress bar), see what was accepted, flagged for review or
rejected. The serial transfer and the database work run on a worker thread (the counter's GUI
never freezes while 10,000 readings come in); progress and the result come back as signals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from app import clock
from app.context import AppContext
from ui.messages import describe
from ui.widgets.port_picker import PortPicker


class _Signals(QObject):
    progress = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)


class _Transfer(QRunnable):
    def __init__(self, fn: Callable[[Callable[[int, int], None]], Any], signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.fn, self.signals = fn, signals

    def run(self) -> None:  # worker thread: no widget is touched here
        try:
            result = self.fn(self.signals.progress.emit)
        except BaseException as e:  # noqa: BLE001 - shown in the dialog
            self.signals.failed.emit(e)
        else:
            self.signals.done.emit(result)


class HandheldDialog(QDialog):
    """`station` is drivers.handheld.station (tests may pass a stand-in)."""

    finished_transfer = Signal(str)  # "download" | "upload" (tests wait on it)

    def __init__(self, parent: QWidget | None, ctx: AppContext, station: Any = None,
                 ports: Callable[[], list[tuple[str, str]]] | None = None) -> None:
        super().__init__(parent)
        if station is None:
            from drivers.handheld import station as default_station

            station = default_station
        self.ctx, self.station = ctx, station
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.last_result: dict | None = None
        self.setWindowTitle(self.tr("Handheld"))
        self.setMinimumWidth(560)

        # the shared serial port picker (ui/widgets/port_picker.py): listed ports or a typed path
        self.port = PortPicker(self, **({"lister": ports} if ports is not None else {}))
        self.port.setObjectName("handheldPort")
        today = clock.today()
        self.period = QLineEdit(f"{today.year:04d}-{today.month:02d}")
        self.period.setObjectName("handheldPeriod")
        self.community = QLineEdit()
        self.community.setPlaceholderText(self.tr("all communities"))
        self.building = QLineEdit()
        self.building.setPlaceholderText(self.tr("all buildings"))
        form = QFormLayout()
        form.addRow(self.tr("Dock port"), self.port)
        form.addRow(self.tr("Reading period"), self.period)
        form.addRow(self.tr("Community"), self.community)
        form.addRow(self.tr("Building"), self.building)

        self.download_button = QPushButton(self.tr("Download route to handheld"))
        self.download_button.setObjectName("handheldDownload")
        self.download_button.clicked.connect(self.download)
        self.upload_button = QPushButton(self.tr("Upload readings from handheld"))
        self.upload_button.setObjectName("handheldUpload")
        self.upload_button.clicked.connect(self.upload)
        actions = QHBoxLayout()
        actions.addWidget(self.download_button)
        actions.addWidget(self.upload_button)

        self.progress = QProgressBar()
        self.progress.setObjectName("handheldProgress")
        self.progress.setFormat("%v / %m")
        self.progress.setValue(0)
        self.status = QLabel(self.tr("Put the handheld in its dock, then download or upload."))
        self.status.setObjectName("handheldStatus")
        self.status.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("handheldSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = QListWidget()
        self.problems.setObjectName("handheldProblems")
        self.problems.setMinimumHeight(120)
        self.problems.setWordWrap(True)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        outer = QVBoxLayout(self)
        outer.addLayout(form)
        outer.addLayout(actions)
        outer.addWidget(self.progress)
        outer.addWidget(self.status)
        outer.addWidget(self.summary)
        outer.addWidget(QLabel(self.tr("Readings to review or re-read:")))
        outer.addWidget(self.problems, 1)
        outer.addWidget(buttons)
    # -- work ----------------------------------------------------------------------------
    def _db(self, fn: Callable[[Any], Any]) -> Any:
        with self.ctx.uow() as s:
            return fn(s)

    def _start(self, kind: str, job: Callable[[Callable[[int, int], None]], Any]) -> None:
        port = self.port.port()
        if not port:
            self.status.setText(self.tr("Choose the dock's serial port first."))
            return
        self._set_working(True)
        self.progress.setRange(0, 0)  # busy until the first progress report gives the total
        self.summary.clear()
        self.problems.clear()
        self.status.setText(self.tr("Downloading the route…") if kind == "download" else
                            self.tr("Receiving readings…"))
        signals = _Signals(self)
        signals.progress.connect(self._progress)
        signals.done.connect(lambda r: self._done(kind, r))
        signals.failed.connect(lambda e: self._failed(kind, e))
        self._signals = signals  # kept alive until the job reports
        self.pool.start(_Transfer(lambda progress: job(progress), signals))

    def download(self) -> None:
        port, period = self.port.port(), self.period.text().strip()
        community, building = self.community.text().strip() or None, self.building.text().strip() or None
        state = self.station.state_dir(self.ctx.settings.db_url)
        user = self.ctx.user

        self._start("download", lambda progress: self.station.download(
            self._db, user=user, port=port, period=period, community=community, building=building,
            on_progress=progress, state=state))

    def upload(self) -> None:
        port, period = self.port.port(), self.period.text().strip()
        state = self.station.state_dir(self.ctx.settings.db_url)
        user, terminal = self.ctx.user, self.ctx.terminal

        self._start("upload", lambda progress: self.station.upload(
            self._db, user=user, terminal=terminal, port=port, period=period, state=state, on_progress=progress))

    def _set_working(self, working: bool) -> None:
        for w in (self.download_button, self.upload_button, self.port, self.period, self.community, self.building):
            w.setEnabled(not working)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, kind: str, result: dict) -> None:
        self._set_working(False)
        self.last_result = result
        if kind == "download":
            self.progress.setRange(0, max(result["sent"], 1))
            self.progress.setValue(result["sent"])
            self.status.setText(self.tr("Route of {0} meters sent to handheld {1}.").format(
                result["sent"], result["device"]))
        else:
            self.progress.setRange(0, max(result["received"], 1))
            self.progress.setValue(result["received"])
            self.status.setText(self.tr("Readings received from handheld {0}.").format(result["device"]))
            self.summary.setText(self.tr("Received {0}: accepted {1}, flagged for review {2}, rejected {3}").format(
                result["received"], result["accepted"], result["flagged"], result["rejected"]))
            for item in result.get("flagged_readings", []):
                self.problems.addItem(self.tr("Review") + f"  {item['meter_no']}  {item['reading']}  "
                                      + self._reason(item))
            for item in result.get("rejected_readings", []):
                self.problems.addItem(self.tr("Rejected") + f"  {item['meter_no']}  {item['reading']}  "
                                      + self._reason(item))
        self.finished_transfer.emit(kind)

    def _reason(self, item: dict) -> str:
        from ui.i18n import message_lang

        return item.get("reason_en" if message_lang() == "en" else "reason_text") or item.get("reason", "")

    def _failed(self, kind: str, error: BaseException) -> None:
        self._set_working(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(describe(error))
        self.finished_transfer.emit(kind)

    def working(self) -> bool:
        return not self.upload_button.isEnabled()

    def reject(self) -> None:
        """Not while a transfer runs: cutting it short would leave the handheld mid-session
        (an upload would resume next time, but the reader should see it end)."""
        if self.working():
            self.status.setText(self.tr("Wait until the transfer ends."))
            return
        super().reject()
