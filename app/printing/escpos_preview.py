"""A picture of what a thermal printer would print from ESC/POS bytes.

Demo mode's file printer and the docs use it; it draws from the decoded byte stream (not from
the `ReceiptDoc`), so what you see is what the printer would get: 12×24-dot cells for ASCII,
24×24 for hanzi, `GS !` sizes, emphasis, justification, native QR codes, raster images, the
drawer kick and the cut.
"""

from __future__ import annotations

import io

import qrcode
from PIL import Image, ImageDraw

from app.printing.escpos_decode import Token, decode
from app.printing.fonts import preview_font
from app.printing.width import char_width

DOTS = {58: 384, 80: 576}
CELL_W, CELL_H, LINE_GAP = 12, 24, 6  # font A cell; ESC 2 default spacing is 30 dots
MARGIN = 16
_EC = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
       "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


class _Roll:
    def __init__(self, dots: int) -> None:
        self.dots = dots
        self.bands: list[Image.Image] = []
        self.line: list[tuple[str, int, int, bool]] = []  # char, width mult, height mult, bold
        self.align, self.bold, self.wm, self.hm = 0, False, 1, 1
        self.qr = {"size": 3, "ec": "L", "data": ""}

    def _place(self, img: Image.Image) -> None:
        x = {0: 0, 1: (self.dots - img.width) // 2, 2: self.dots - img.width}[self.align]
        band = Image.new("L", (self.dots, img.height), 255)
        band.paste(img, (max(0, x), 0))
        self.bands.append(band)

    def newline(self) -> None:
        h = max((CELL_H * hm for _, _, hm, _ in self.line), default=CELL_H * self.hm)
        width = sum(CELL_W * char_width(ch) * wm for ch, wm, _, _ in self.line)
        img = Image.new("L", (max(1, min(width, self.dots)), h + LINE_GAP), 255)
        x = 0
        for ch, wm, hm, bold in self.line:
            cw = CELL_W * char_width(ch)
            glyph = Image.new("L", (cw, CELL_H), 255)
            d = ImageDraw.Draw(glyph)
            for dx in ((0, 1) if bold else (0,)):
                # centred in its cell: the printer's font is monospaced, the preview font is not
                d.text((cw // 2 + dx, CELL_H // 2), ch, font=preview_font(22), fill=0, anchor="mm")
            if (wm, hm) != (1, 1):
                glyph = glyph.resize((cw * wm, CELL_H * hm))
            img.paste(glyph, (x, h - glyph.height))
            x += cw * wm
        self._place(img)
        self.line = []

    def text(self, s: str) -> None:
        for ch in s:
            if ch == "\n":
                self.newline()
            elif ch != "\r":
                self.line.append((ch, self.wm, self.hm, self.bold))

    def feed(self, n: int) -> None:
        self.bands.append(Image.new("L", (self.dots, n * (CELL_H + LINE_GAP)), 255))

    def qr_print(self) -> None:
        code = qrcode.QRCode(error_correction=_EC[self.qr["ec"]], box_size=int(self.qr["size"]), border=0)
        code.add_data(self.qr["data"])
        code.make(fit=True)
        self._place(code.make_image().get_image().convert("L"))

    def raster(self, xb: int, h: int, data: bytes) -> None:
        img = Image.frombytes("1", (xb * 8, h), bytes(b ^ 0xFF for b in data))  # ESC/POS: 1 = black
        self._place(img.convert("L"))

    def note(self, label: str) -> None:
        img = Image.new("L", (self.dots, CELL_H + 8), 255)
        ImageDraw.Draw(img).text((self.dots // 2, img.height // 2), label, font=preview_font(16), fill=140, anchor="mm")
        self.bands.append(img)

    def cut(self) -> None:
        img = Image.new("L", (self.dots, 12), 255)
        d = ImageDraw.Draw(img)
        for x in range(0, self.dots, 12):
            d.line([(x, 6), (x + 6, 6)], fill=100, width=2)
        self.bands.append(img)


def _apply(roll: _Roll, tok: Token) -> None:
    if tok[0] == "text":
        roll.text(tok[1])
        return
    name, args = tok[1], tok[2]
    if name == "ESC @":
        roll.align, roll.bold, roll.wm, roll.hm = 0, False, 1, 1
    elif name == "ESC a":
        roll.align = args[0] % 48 if args[0] >= 48 else args[0]
    elif name == "ESC E":
        roll.bold = bool(args[0] & 1)
    elif name == "ESC !":
        roll.bold = bool(args[0] & 0x08)
        roll.wm, roll.hm = (2 if args[0] & 0x20 else 1), (2 if args[0] & 0x10 else 1)
    elif name == "GS !":
        roll.wm, roll.hm = (args[0] >> 4) + 1, (args[0] & 0x0F) + 1
    elif name == "ESC d":
        if roll.line:
            roll.newline()
        roll.feed(args[0])
    elif name == "GS ( k":
        fn, value = args
        if fn == "print":
            roll.qr_print()
        elif fn in ("size", "ec"):
            roll.qr[fn] = value
        elif fn == "store":
            roll.qr["data"] = value
    elif name == "GS v 0":
        roll.raster(args[1], args[2], args[3])
    elif name == "ESC p":
        roll.note("[ 钱箱弹开 cash drawer kick ]")
    elif name == "GS V":
        roll.cut()


def render_png(data: bytes, width_mm: int = 58, encoding: str = "gb18030") -> bytes:
    """PNG of the printed roll for the ESC/POS bytes `data`."""
    roll = _Roll(DOTS[width_mm])
    for tok in decode(data, encoding):
        _apply(roll, tok)
    if roll.line:
        roll.newline()
    height = sum(b.height for b in roll.bands) + 2 * MARGIN
    page = Image.new("L", (roll.dots + 2 * MARGIN, height), 255)
    y = MARGIN
    for band in roll.bands:
        page.paste(band, (MARGIN, y))
        y += band.height
    out = io.BytesIO()
    page.save(out, "PNG", optimize=True)
    return out.getvalue()
