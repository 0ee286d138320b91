"""Drawing helpers shared by the PDF documents: one embedded CJK font, text, wrapping, ruled
tables that continue on a new page, and vector QR codes.

reportlab's canvas is used directly rather than platypus: these are fixed forms, and a bulk
run of a thousand bill notices must stay within seconds. Bold is the font stroked as well as
filled (text render mode 2): the TrueType CJK fonts we can embed have no bold face.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import qrcode
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.money import fen_to_yuan_str
from app.printing.fonts import pdf_font
from app.printing.width import NO_LINE_START, break_tokens, clean

yuan = fen_to_yuan_str

# Flate-only streams: ASCII85 on top makes a PDF 7-bit clean, which nothing here needs, and
# reportlab's pure-Python encoder for it costs ~3 ms a page in a bulk run of notices.
rl_config.useA85 = 0


@dataclass(frozen=True)
class Col:
    title: str
    width: float  # points
    align: str = "left"  # left | right | center


def wrap_pt(text: str, max_width: float, size: float, font: str) -> list[str]:
    """Greedy wrap by rendered width; Latin words move whole, hanzi break anywhere."""
    lines: list[str] = []
    for para in (text or "").split("\n"):
        cur, used = "", 0.0
        for tok in break_tokens(clean(para), ambiguous_wide=False):
            w = stringWidth(tok, font, size)
            if used + w <= max_width or not cur:
                if w > max_width and not cur:  # a single over-long word: split it by characters
                    for ch in tok:
                        cw = stringWidth(ch, font, size)
                        if used + cw > max_width and cur:
                            lines.append(cur.rstrip())
                            cur, used = "", 0.0
                        cur, used = cur + ch, used + cw
                    continue
                cur, used = cur + tok, used + w
            elif tok == " ":
                lines.append(cur.rstrip())
                cur, used = "", 0.0
            elif tok in NO_LINE_START and len(cur) > 1:
                # 避头尾: a closing mark never starts a line; the character before it moves down too
                lines.append(cur[:-1].rstrip())
                cur = cur[-1] + tok
                used = stringWidth(cur, font, size)
            else:
                lines.append(cur.rstrip())
                cur, used = tok, w
        lines.append(cur.rstrip())
    return lines


class PdfDoc:
    """A canvas with a cursor `y` moving down the page and a page-break hook."""

    def __init__(self, path: str | Path, pagesize: tuple[float, float], title: str, *, margin: float = 15 * mm) -> None:
        self.font = pdf_font()[0]
        # initialFontName: otherwise every page's preamble names Helvetica, unembedded.
        self.c = Canvas(str(path), pagesize=pagesize, pageCompression=1, initialFontName=self.font)
        self.c.setTitle(title)
        self.c.setAuthor("PropDesk 物业前台收银台")
        self.c.setCreator("PropDesk")
        self.width, self.height = pagesize
        self.margin = margin
        self.left, self.right = margin, self.width - margin
        self.top, self.bottom = self.height - margin, margin
        self.y = self.top
        self.on_new_page: Callable[[], None] | None = None

    # -- text -----------------------------------------------------------------------------
    def text(self, x: float, y: float, s: str, size: float = 10, *, bold: bool = False, align: str = "left",
             gray: float = 0.0) -> float:
        """Draw one line; returns its width."""
        s = clean(s)
        w = stringWidth(s, self.font, size)
        if align == "right":
            x -= w
        elif align == "center":
            x -= w / 2
        c = self.c
        styled = bold or gray
        if styled:
            c.saveState()  # render mode and colours are graphics state: keep them to this text
            c.setFillGray(gray)
        t = c.beginText(x, y)
        t.setFont(self.font, size)
        if bold:
            c.setStrokeGray(gray)
            c.setLineWidth(size * 0.035)
            t.setTextRenderMode(2)  # fill and stroke: a bold face the font does not have
        t.textOut(s)
        c.drawText(t)
        if styled:
            c.restoreState()
        return w

    def para(self, s: str, size: float = 10, *, x: float | None = None, width: float | None = None,
             leading: float | None = None, bold: bool = False) -> None:
        """A wrapped paragraph at the cursor; the cursor moves below it."""
        x = self.left if x is None else x
        width = (self.right - x) if width is None else width
        leading = leading or size * 1.5
        for line in wrap_pt(s, width, size, self.font):
            self.ensure(leading)
            self.y -= leading
            self.text(x, self.y + leading * 0.25, line, size, bold=bold)

    def field_grid(self, pairs: Sequence[tuple[str, str]], size: float = 10, *, columns: int = 2,
                   width: float | None = None) -> None:
        """'标签：值' pairs in columns, a row at a time."""
        width = (self.right - self.left) if width is None else width
        col_w = width / columns
        for i in range(0, len(pairs), columns):
            self.y -= size * 1.7
            for j, (label, value) in enumerate(pairs[i:i + columns]):
                x = self.left + j * col_w
                lw = self.text(x, self.y, f"{label}：", size, gray=0.3)
                self.text(x + lw, self.y, _fit(value, col_w - lw - 4, size, self.font), size)

    # -- layout ---------------------------------------------------------------------------
    def ensure(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.page_break()

    def page_break(self) -> None:
        self.c.showPage()
        self.y = self.top
        if self.on_new_page:
            self.on_new_page()

    def hline(self, y: float | None = None, *, x0: float | None = None, x1: float | None = None,
              width: float = 0.6, dash: bool = False) -> None:
        y = self.y if y is None else y
        c = self.c
        c.setLineWidth(width)
        c.setStrokeGray(0)
        if dash:
            c.setDash(4, 3)
        c.line(self.left if x0 is None else x0, y, self.right if x1 is None else x1, y)
        c.setDash()

    def table(self, cols: Sequence[Col], rows: Sequence[Sequence[str]], size: float = 9, *,
              bold_rows: frozenset[int] = frozenset(), x: float | None = None) -> None:
        """A ruled table at the cursor; cells wrap; the header repeats after a page break."""
        x0 = self.left if x is None else x
        pad, leading = 3.0, size * 1.35

        def draw_row(cells: Sequence[str], bold: bool, shade: bool) -> None:
            wrapped = [wrap_pt(cell, col.width - 2 * pad, size, self.font) for cell, col in zip(cells, cols)]
            h = max(len(w) for w in wrapped) * leading + 2 * pad
            if self.y - h < self.bottom:
                self.page_break()
                draw_row([c.title for c in cols], True, True)
            top = self.y
            if shade:
                self.c.setFillGray(0.92)
                self.c.rect(x0, top - h, sum(c.width for c in cols), h, stroke=0, fill=1)
                self.c.setFillGray(0)
            cx = x0
            for col, lines in zip(cols, wrapped):
                for k, line in enumerate(lines):
                    ty = top - pad - (k + 1) * leading + leading * 0.25
                    tx = {"left": cx + pad, "right": cx + col.width - pad, "center": cx + col.width / 2}[col.align]
                    self.text(tx, ty, line, size, bold=bold, align=col.align)
                cx += col.width
            self.c.setLineWidth(0.5)
            self.c.rect(x0, top - h, cx - x0, h, stroke=1, fill=0)
            lx = x0
            for col in cols[:-1]:
                lx += col.width
                self.c.line(lx, top, lx, top - h)
            self.y = top - h

        draw_row([c.title for c in cols], True, True)
        for i, row in enumerate(rows):
            draw_row(row, i in bold_rows, False)

    def qr(self, payload: str, x: float, y: float, size: float) -> None:
        """A vector QR code (lower-left corner at x, y): one filled path of its dark modules.

        Drawn by hand rather than with reportlab's QR widget, whose renderer sets a default
        Times-Roman font that would leave an unembedded font in the PDF.
        """
        # A fixed mask: choosing the "best" of 8 costs ~10 ms a code, too much for a bulk run
        # of notices, and any mask scans fine at this size.
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1, mask_pattern=2)
        code.add_data(payload)
        code.make(fit=True)
        matrix = code.get_matrix()
        n = len(matrix)
        c = self.c
        c.saveState()
        c.translate(x, y)
        c.scale(size / n, size / n)  # module units: integer coordinates format quickly
        path = c.beginPath()
        for r, row in enumerate(matrix):
            c0 = None
            for col, dark in enumerate([*row, False]):  # runs of dark modules become one rectangle
                if dark and c0 is None:
                    c0 = col
                elif not dark and c0 is not None:
                    path.rect(c0, n - 1 - r, col - c0, 1)
                    c0 = None
        c.setFillGray(0)
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()

    def footer(self, s: str, size: float = 7.5) -> None:
        self.text(self.width / 2, self.margin / 2, s, size, align="center", gray=0.45)

    def save(self) -> None:
        self.c.save()


def _fit(s: str, width: float, size: float, font: str) -> str:
    """Truncate to `width` points with an ellipsis (single-line fields)."""
    s = clean(s)
    if stringWidth(s, font, size) <= width:
        return s
    while s and stringWidth(s + "…", font, size) > width:
        s = s[:-1]
    return s + "…"
