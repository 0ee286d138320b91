"""摄像头扫码: a small preview of the camera; the first QR code or barcode it reads closes the
dialog and goes where it belongs (checkout decides: a 付款码 to the F3 tender, a receipt or
notice QR to the search box).

The camera is read and decoded on one worker thread (DESIGN convention 5); frames come back
as QImages through a queued signal, so a slow camera never freezes the counter. Which camera:
PROPDESK_CAMERA — an index (0, the default), a device or stream URL, or `fake:<folder>` to
play image files (tests, the demo).
"""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app.errors import AppError
from drivers.scanner.camera import Scanned, decode, open_camera
from ui.ops import error_text
from ui.texts import method_name

FRAME_INTERVAL_S = 0.05  # at most 20 frames a second: a played file would otherwise spin a core


def camera_source() -> str:
    return os.environ.get("PROPDESK_CAMERA", "0")


def _qimage(frame) -> QImage:  # type: ignore[no-untyped-def]
    import cv2

    rgb = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB) if frame.ndim == 3 else cv2.cvtColor(frame, cv2.COLOR_GRAY2RGB)
    h, w = rgb.shape[:2]
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class _Reader(QObject):
    frame = Signal(QImage)
    found = Signal(object)  # Scanned
    failed = Signal(str)

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name="camera", daemon=True)

    def _run(self) -> None:  # worker thread: no widget is touched here
        try:
            camera = open_camera(self.source)
        except (AppError, OSError) as e:
            self.failed.emit(error_text(e))
            return
        try:
            while not self.stop.is_set():
                frame = camera.read()
                codes = decode(frame)
                self.frame.emit(_qimage(frame))
                if codes:
                    self.found.emit(codes[0])
                    return
                self.stop.wait(FRAME_INTERVAL_S)
        except (AppError, OSError) as e:
            self.failed.emit(error_text(e))
        finally:
            camera.close()


class CameraDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, source: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cameraDialog")
        self.setWindowTitle(self.tr("Scan with the camera"))
        self.value: Scanned | None = None
        self.preview = QLabel()
        self.preview.setObjectName("cameraPreview")
        self.preview.setFixedSize(480, 270)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: #202020; color: #e0e0e0;")
        self.preview.setText(self.tr("Starting the camera…"))
        self.hint = QLabel(self.tr("Hold the resident's payment code, or a receipt or notice QR code, up to the "
                                   "camera."))
        self.hint.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("errorLine")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.preview)
        lay.addWidget(self.hint)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.reader = _Reader(source if source is not None else camera_source())
        self.reader.frame.connect(self._frame)
        self.reader.found.connect(self._found)
        self.reader.failed.connect(self.status.setText)
        self.reader.thread.start()

    def _frame(self, img: QImage) -> None:
        self.preview.setPixmap(QPixmap.fromImage(img).scaled(
            self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def _found(self, code: Scanned) -> None:
        self.value = code
        what = (self.tr("Payment code · {0}").format(method_name(code.gateway)) if code.kind == "payment"
                else self.tr("QR code"))
        self.status.setText(self.tr("Read: {0} {1}").format(what, code.text))
        self.accept()

    def done(self, result: int) -> None:  # accept, reject, Esc, close: the camera is let go
        self.reader.stop.set()
        super().done(result)

    @classmethod
    def ask(cls, parent: QWidget | None, source: str | None = None) -> Scanned | None:
        d = cls(parent, source)
        try:
            return d.value if d.exec() == QDialog.DialogCode.Accepted else None
        finally:
            d.deleteLater()
