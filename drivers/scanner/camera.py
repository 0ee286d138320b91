"""Camera scanning: frames from OpenCV, codes from pyzbar (zbar).

What a counter scans: a resident's 付款码 (WeChat/Alipay payment code — a Code128 barcode with
the same digits as a QR beside it) and our own receipt and notice QR codes (`PD1|…`,
`PDR1|…`). Only QR and Code128 are decoded: fewer symbologies means fewer false reads from
whatever else is in the picture. `kind_of(text)` says where a decoded text belongs — a payment
code (the tender field) or anything else (the search box, as a keyboard-wedge scan).

Capture and decoding run on the caller's thread; the GUI's dialog runs them on one worker
thread (DESIGN convention 5) and shows the frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from app.errors import AppError
from app.gateways import gateway_for_code

Frame = Any  # numpy.ndarray, BGR or grayscale


class ScannerError(AppError):
    """The camera or the decoder failed: a message code (app/messages/devices.py)."""


@dataclass(frozen=True)
class Scanned:
    text: str
    symbology: str  # "QRCODE" | "CODE128"
    kind: Literal["payment", "document"]
    gateway: str | None = None  # "wechat" | "alipay" for a payment code


def kind_of(text: str) -> tuple[Literal["payment", "document"], str | None]:
    g = gateway_for_code(text)
    return ("payment", g.name) if g is not None else ("document", None)


def _zbar():  # type: ignore[no-untyped-def]
    try:
        from pyzbar import pyzbar
    except (ImportError, OSError) as e:  # pyzbar imports, but libzbar is a system library
        raise ScannerError("device.camera.no_zbar") from e
    return pyzbar


def decode(frame: Frame) -> list[Scanned]:
    """Every QR and Code128 code in the frame, in zbar's order, without repeats."""
    import cv2

    pyzbar = _zbar()
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    out: list[Scanned] = []
    seen: set[str] = set()
    for r in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE, pyzbar.ZBarSymbol.CODE128]):
        text = r.data.decode("utf-8", "replace").strip()
        if not text or text in seen:
            continue
        seen.add(text)
        kind, gateway = kind_of(text)
        out.append(Scanned(text, r.type, kind, gateway))
    return out


@runtime_checkable
class Camera(Protocol):
    name: str

    def read(self) -> Frame:
        """The next frame, or ScannerError."""

    def close(self) -> None: ...


class OpenCVCamera:
    """A camera by index (0: the first) or a device path / stream URL."""

    def __init__(self, source: int | str = 0, width: int = 1280, height: int = 720) -> None:
        import cv2

        self.name = str(source)
        self._cap = cv2.VideoCapture(source)
        if not self._cap.isOpened():
            self._cap.release()
            raise ScannerError("device.camera.cannot_open", camera=self.name)
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)

    def read(self) -> Frame:
        ok, frame = self._cap.read()
        if not ok or frame is None:
            raise ScannerError("device.camera.no_frame", camera=self.name)
        return frame

    def close(self) -> None:
        self._cap.release()


def open_camera(source: str | int | None) -> Camera:
    """`fake:<folder or file>[,<file>…]` plays image files (tests, the demo); anything else is
    an OpenCV camera (a number is its index)."""
    if isinstance(source, str) and source.startswith("fake:"):
        from drivers.scanner.fake import FakeCamera

        return FakeCamera.from_spec(source[len("fake:"):])
    if source is None or source == "":
        source = 0
    if isinstance(source, str) and source.isdigit():
        source = int(source)
    return OpenCVCamera(source)


def scan(camera: Camera, frames: int = 1) -> list[Scanned]:
    """Read up to `frames` frames and return the codes of the first frame that has any."""
    for _ in range(frames):
        found = decode(camera.read())
        if found:
            return found
    return []
