"""Finding a CJK font on this machine, for PDFs (reportlab) and for receipt previews (Pillow).

reportlab embeds only TrueType-outline fonts (glyf), not CFF/OpenType ones — and the Noto CJK
fonts Debian ships are CFF. So PDFs use the first TrueType CJK font found:
  1. `PROPDESK_PDF_FONT` (a path, optionally `path#index` for a .ttc),
  2. a TTF/TTC in resources/fonts/ shipped with the app,
  3. well-known system paths: WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`), WenQuanYi
     Zen Hei, AR PL UMing; Windows YaHei/SimHei/SimSun; macOS Arial Unicode/STHeiti,
  4. whatever fontconfig (`fc-match`) suggests for Chinese, if it is TrueType.
Each candidate must load and have the glyphs of a test string (hanzi and ASCII): Droid Sans
Fallback, for one, has hanzi but no Latin letters and would print digits as boxes.
Previews may use any CJK font Pillow opens (CFF is fine there), Noto Sans CJK first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from app.errors import AppError

PDF_FONT_NAME = "PropDeskCJK"
_PROBE = "收款收据缴费通知单催缴0123456789.ABCxyz：（）"
_RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "fonts"

_TRUETYPE_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
]
_PREVIEW_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: SC
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
]


class FontNotFound(AppError):
    """No usable Chinese font: PDFs or previews cannot be made on this PC."""


def _split(spec: str) -> tuple[str, int]:
    path, _, idx = spec.partition("#")
    return path, int(idx or 0)


def _fc_match(pattern: str) -> tuple[str, int] | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}#%{index}", pattern], capture_output=True,
                             text=True, timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return _split(out) if out else None


def _pdf_candidates() -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    if os.environ.get("PROPDESK_PDF_FONT"):
        out.append(_split(os.environ["PROPDESK_PDF_FONT"]))
    if _RESOURCES.is_dir():
        out += [(str(p), 0) for p in sorted(_RESOURCES.iterdir()) if p.suffix.lower() in (".ttf", ".ttc")]
    out += [(p, 0) for p in _TRUETYPE_CANDIDATES]
    for pattern in ("WenQuanYi Micro Hei", "sans-serif:lang=zh-cn"):
        found = _fc_match(pattern)
        if found:
            out.append(found)
    return out


def _load_reportlab(path: str, index: int):  # -> reportlab TTFont | None
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if not os.path.isfile(path):
        return None
    try:
        font = TTFont(PDF_FONT_NAME, path, subfontIndex=index)
    except (TTFError, OSError, ValueError, KeyError):
        return None  # e.g. CFF outlines ("postscript outlines are not supported")
    cmap = font.face.charToGlyph
    return font if all(ord(ch) in cmap for ch in _PROBE) else None


@lru_cache(maxsize=1)
def pdf_font() -> tuple[str, str, int]:
    """Register the CJK TrueType font with reportlab once; returns (name, path, index)."""
    from reportlab.pdfbase import pdfmetrics

    tried = []
    for path, index in _pdf_candidates():
        tried.append(f"{path}#{index}")
        font = _load_reportlab(path, index)
        if font is not None:
            pdfmetrics.registerFont(font)
            return PDF_FONT_NAME, path, index
    raise FontNotFound("print.font.no_pdf_font", tried=tried)


@lru_cache(maxsize=1)
def preview_font_file() -> tuple[str, int]:
    """A CJK font file Pillow can draw with (path, face index)."""
    from PIL import ImageFont

    candidates = list(_PREVIEW_CANDIDATES)
    found = _fc_match("sans-serif:lang=zh-cn")
    if found:
        candidates.insert(0, found)
    candidates += _pdf_candidates()
    for path, index in candidates:
        if not os.path.isfile(path):
            continue
        try:
            font = ImageFont.truetype(path, 24, index=index)
        except OSError:
            continue
        if font.getbbox("收")[2] > 0:
            return path, index
    raise FontNotFound("print.font.no_preview_font")


@lru_cache(maxsize=16)
def preview_font(size: int):  # -> PIL.ImageFont.FreeTypeFont
    from PIL import ImageFont

    path, index = preview_font_file()
    return ImageFont.truetype(path, size, index=index)
