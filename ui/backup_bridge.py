"""The automatic daily backup in the GUI (app/services/backup.py): a Settings menu entry to
choose the folder, and a backup (with rotation) when the window starts and when a shift is
closed — the start and the close of the counter's day. Runs on the window's worker thread;
a failure is shown in the status bar, never blocks the cashier. Encrypted when
PROPDESK_BACKUP_PASSPHRASE is set for the program."""

from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMainWindow

from app import clock
from app.services import backup


class BackupBridge(QObject):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.db_url: str = window.ctx.settings.db_url
        self.last: dict[str, Any] | None = None

    def enabled(self) -> bool:
        return self.db_url.startswith("sqlite") and bool(self.folder())

    def folder(self) -> str | None:
        try:
            return backup.get_folder(self.db_url)
        except Exception:  # noqa: BLE001 — a server database: no local backups
            return None

    def choose_folder(self) -> None:
        start = self.folder() or ""
        chosen = QFileDialog.getExistingDirectory(self.window, self.tr("Automatic backup folder"), start)
        if chosen:
            self.set_folder(chosen)

    def set_folder(self, folder: str) -> None:
        backup.set_folder(self.db_url, folder)
        self.run()

    def run(self) -> None:
        """Today's backup if there is none yet, then rotation (7 daily, 4 weekly)."""
        if not self.enabled():
            return
        url, folder, today = self.db_url, self.folder(), clock.today()
        passphrase = os.environ.get("PROPDESK_BACKUP_PASSPHRASE") or None

        def work(_s: Any) -> dict:
            return backup.auto_backup(url, folder, today, passphrase)

        # not "busy": the cashier keeps working; a failure goes to the status bar, not a dialog
        self.window.ops.run(work, self._done, busy=False, quiet=True, on_error=self._failed)

    def _failed(self, e: BaseException) -> None:
        from ui.ops import error_text

        self.last = {"ok": False, "error": error_text(e)}
        self.window.bar.showMessage(self.tr("Automatic backup failed: {0}").format(error_text(e)), 30000)

    def _done(self, r: dict) -> None:
        self.last = r
        if not r.get("skipped"):
            text = self.tr("Backup written: {0}") if r["ok"] else self.tr("Backup written but its check FAILED: {0}")
            self.window.bar.showMessage(text.format(r["file"]), 15000)


    def add_menu_entry(self, settings_menu: Any) -> None:
        self.window._action(settings_menu, self.tr("Automatic backup folder…"), "", self.choose_folder)


def install(window: QMainWindow, settings_menu: Any) -> BackupBridge:
    bridge = BackupBridge(window)
    bridge.add_menu_entry(settings_menu)
    return bridge
