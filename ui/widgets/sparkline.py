"""A history sparkline: a small line of monthly usages (QPainter), the last point marked, gaps
where a month has no usage. Used in readings review to show whether a usage is unusual."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget


class Sparkline(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float | None] = []
        self.setMinimumSize(160, 48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(240, 56)

    def set_values(self, values: list[float | None]) -> None:
        """Display-only figures (pixels, not money): float is fine here."""
        self.values = list(values)
        self.update()

    def points(self) -> list[QPointF | None]:
        known = [v for v in self.values if v is not None]
        if not known:
            return [None for _ in self.values]
        top, low = max(known), min(0.0, min(known))
        span = (top - low) or 1.0
        m = 6.0
        w, h = self.width() - 2 * m, self.height() - 2 * m
        step = w / max(1, len(self.values) - 1)
        return [None if v is None else QPointF(m + i * step, m + h - (v - low) / span * h)
                for i, v in enumerate(self.values)]

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), self.palette().base())
        pts = self.points()
        path = QPainterPath()
        pen_down = False
        for pt in pts:
            if pt is None:
                pen_down = False
                continue
            if pen_down:
                path.lineTo(pt)
            else:
                path.moveTo(pt)
                pen_down = True
        p.setPen(QPen(QColor("#4a78c2"), 1.6))
        p.drawPath(path)
        p.setPen(Qt.PenStyle.NoPen)
        for i, pt in enumerate(pts):
            if pt is None:
                continue
            last = i == len(pts) - 1
            p.setBrush(QColor("#d9534f") if last else QColor("#4a78c2"))
            r = 4.0 if last else 2.0
            p.drawEllipse(pt, r, r)
        p.end()
