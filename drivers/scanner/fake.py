"""A camera that plays image files in order (and loops), for tests and the demo: the frames
go through exactly the decoding path a real camera's do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drivers.scanner.camera import Frame, ScannerError

_IMAGES = (".png", ".jpg", ".jpeg", ".bmp")


def read_image(path: Path) -> Frame:
    """cv2.imread cannot open non-ASCII paths on Windows (用户/桌面…): read bytes, then decode."""
    import cv2
    import numpy as np

    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as e:
        raise ScannerError("device.camera.bad_image", path=str(path)) from e
    img = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if img is None:
        raise ScannerError("device.camera.bad_image", path=str(path))
    return img


class FakeCamera:
    def __init__(self, paths: Sequence[Path | str]) -> None:
        self.paths = [Path(p) for p in paths]
        if not self.paths:
            raise ScannerError("device.camera.no_images", path="")
        self.name = f"fake:{self.paths[0].parent}"
        self.index = 0
        self.closed = False

    @classmethod
    def from_spec(cls, spec: str) -> "FakeCamera":
        """A folder (its images in name order) or comma-separated files."""
        first = Path(spec)
        if first.is_dir():
            paths = sorted(p for p in first.iterdir() if p.suffix.lower() in _IMAGES)
            if not paths:
                raise ScannerError("device.camera.no_images", path=spec)
            return cls(paths)
        return cls([p for p in spec.split(",") if p])

    def read(self) -> Frame:
        path = self.paths[self.index % len(self.paths)]
        self.index += 1
        return read_image(path)

    def close(self) -> None:
        self.closed = True
