"""A receipt as ESC/POS bytes for a Chinese thermal printer (58 or 80 mm).

python-escpos builds the command bytes (init, alignment, emphasis, size, native QR, raster
image, drawer kick, cut) into a `Dummy` printer; the text itself is encoded here and sent with
`_raw`, because python-escpos's code-page "magic" encoder knows nothing of GB18030 and would
turn hanzi into '?'.

Choices that matter on real Chinese printers:
- GB18030 with Chinese mode on (`FS &`) is what Xprinter/GPrinter/HPRT-class printers expect;
  `PrinterProfile(encoding="utf-8")` covers the printers configured for UTF-8 (no `FS &`,
  whose meaning there differs by firmware).
- Sizes use `GS !`, which scales hanzi and ASCII alike; `ESC !` (python-escpos's double_height)
  scales only the ASCII font on many of them, leaving hanzi small in a "double height" title.
- The drawer kick goes just before the cut, so the drawer opens when the receipt is complete
  and never for a reprint: reprinting does not move cash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import qrcode

from app.printing import escpos_cache

escpos_cache.prepare()  # before python-escpos is imported: its printer database's cache folder

from escpos.capabilities import Profile as _EscposProfile  # noqa: E402
from escpos.capabilities import get_profile  # noqa: E402
from escpos.constants import QR_ECLEVEL_M, QR_MODEL_2  # noqa: E402
from escpos.printer import Dummy  # noqa: E402

from app.errors import InputError  # noqa: E402
from app.printing.receipt_doc import ReceiptDoc  # noqa: E402
from app.printing.receipt_layout import Row, columns_for, layout_receipt  # noqa: E402

FS_CHINESE_ON = b"\x1c&"
DOTS: dict[int, int] = {58: 384, 80: 576}  # printable width at 203 dpi


@dataclass(frozen=True)
class PrinterProfile:
    encoding: str = "gb18030"  # gb18030 | utf-8
    chinese_mode: bool = True  # send FS & after init (GB18030 only)
    qr: str = "native"  # native (GS ( k) | image (GS v 0 raster, for printers without 2D codes)
    width_mm: int = 58  # 58 | 80
    cut: bool = True
    drawer: bool = True  # kick the drawer on receipts with a cash tender
    drawer_pin: int = 2  # 2 or 5: which connector pin the drawer hangs on
    qr_module_dots: int = 0  # 0: 6 dots on 58 mm, 8 on 80 mm

    def __post_init__(self) -> None:
        if self.encoding not in ("gb18030", "utf-8"):
            raise InputError("print.bad_encoding", encoding=self.encoding)
        if self.qr not in ("native", "image"):
            raise InputError("print.profile.bad_qr", qr=self.qr)
        columns_for(self.width_mm)
        if self.drawer_pin not in (2, 5):
            raise InputError("print.profile.bad_drawer_pin", pin=self.drawer_pin)
        if not 0 <= self.qr_module_dots <= 16:
            raise InputError("print.profile.bad_qr_dots", dots=self.qr_module_dots)

    @classmethod
    def from_settings(cls, settings: Mapping[str, object]) -> "PrinterProfile":
        """From the printer settings dict; keys that are not profile fields (transport,
        host…) are ignored, so one dict configures both the transport and the layout."""
        names = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in settings.items() if k in names}
        if "width_mm" in kwargs:
            kwargs["width_mm"] = int(kwargs["width_mm"])  # type: ignore[call-overload]
        return cls(**kwargs)  # type: ignore[arg-type]

    @property
    def module_dots(self) -> int:
        return self.qr_module_dots or (8 if self.width_mm == 80 else 6)


class _RollProfile(_EscposProfile):
    """python-escpos's default capabilities plus the roll's pixel width, so `image(center=True)`
    can centre and does not print a warning to stdout (which would corrupt `--json` output)."""

    def __init__(self, width_mm: int) -> None:
        base = get_profile("default")
        super().__init__(columns=columns_for(width_mm), features=dict(base.features))
        self.profile_data = {**base.profile_data,
                             "media": {"dpi": 203, "width": {"mm": width_mm, "pixels": DOTS[width_mm]}}}


_ROLL_PROFILES = {w: _RollProfile(w) for w in DOTS}
_SIZES = {"normal": (1, 1), "2h": (1, 2), "2x": (2, 2)}


class _Writer:
    """Emits style commands only when the style changes, then the encoded text."""

    def __init__(self, printer: Dummy, encoding: str) -> None:
        self.p = printer
        self.encoding = encoding
        self.align, self.bold, self.size = "left", False, "normal"  # the state after ESC @

    def style(self, align: str, bold: bool, size: str) -> None:
        if size != self.size:
            w, h = _SIZES[size]
            self.p.set(custom_size=True, width=w, height=h)
            self.size = size
        if bold != self.bold:
            self.p.set(bold=bold)
            self.bold = bold
        if align != self.align:
            self.p.set(align=align)
            self.align = align

    def text_row(self, row: Row) -> None:
        self.style(row.align, row.bold, row.size)
        self.p._raw(row.text.encode(self.encoding, errors="replace") + b"\n")


def _qr_image(payload: str, module_dots: int):  # -> PIL.Image.Image
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module_dots, border=2)
    code.add_data(payload)
    code.make(fit=True)
    return code.make_image().get_image().convert("1")


def _qr_row(w: _Writer, payload: str, profile: PrinterProfile) -> None:
    w.style("center", False, "normal")
    if profile.qr == "native":
        # GS ( k: model 2, module size, error correction M, store, print. Printers centre a
        # 2D code by the current justification (ESC a 1 just above).
        w.p.qr(payload, ec=QR_ECLEVEL_M, size=profile.module_dots, model=QR_MODEL_2, native=True)
        w.p._raw(b"\n")
    else:
        w.p.image(_qr_image(payload, profile.module_dots), impl="bitImageRaster", center=True)


def render_escpos(doc: ReceiptDoc, width_mm: int | None = None, profile: PrinterProfile | None = None) -> bytes:
    """The whole print job for one receipt. `width_mm`, when given, overrides the profile's."""
    profile = profile or PrinterProfile()
    width = width_mm or profile.width_mm
    rows = layout_receipt(doc, width)
    p = Dummy(profile=_ROLL_PROFILES[width])
    p.hw("INIT")
    if profile.encoding == "gb18030" and profile.chinese_mode:
        p._raw(FS_CHINESE_ON)
    w = _Writer(p, profile.encoding)
    for row in rows:
        if row.qr is not None:
            _qr_row(w, row.qr, profile)
        else:
            w.text_row(row)
    w.style("left", False, "normal")
    if profile.drawer and doc.has_cash and not doc.is_reprint:
        p.cashdraw(profile.drawer_pin)
    if profile.cut:
        p.cut()  # feeds past the tear bar first, then GS V 0
    else:
        p.print_and_feed(6)
    return p.output
