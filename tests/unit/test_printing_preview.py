"""The receipt preview draws what the printer would print — including a QR that scans."""

from __future__ import annotations

import io

from PIL import Image
from pyzbar.pyzbar import decode as zbar

from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.printing.escpos_preview import render_png
from app.printing.receipt_qr import verify
from tests.support.printing_samples import KEY_HEX, receipt


def _scan(png: bytes) -> list[str]:
    return [s.data.decode("ascii") for s in zbar(Image.open(io.BytesIO(png)))]


def test_preview_of_58mm_receipt_has_a_scannable_native_qr():
    png = render_png(render_escpos(receipt(), 58), 58)
    img = Image.open(io.BytesIO(png))
    assert img.width == 384 + 32 and img.height > 900
    [payload] = _scan(png)
    assert verify(payload, {"T1": KEY_HEX}.get).genuine


def test_preview_of_80mm_receipt_with_raster_qr():
    png = render_png(render_escpos(receipt(), profile=PrinterProfile(width_mm=80, qr="image")), 80)
    assert Image.open(io.BytesIO(png)).width == 576 + 32
    assert _scan(png) == [receipt().qr_payload]


def test_preview_of_utf8_job():
    png = render_png(render_escpos(receipt(), profile=PrinterProfile(encoding="utf-8")), 58, "utf-8")
    assert _scan(png) == [receipt().qr_payload]
