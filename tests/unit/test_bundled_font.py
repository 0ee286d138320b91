"""The Chinese font shipped in resources/fonts: PDFs use it before any system font, and a PDF
made where fontconfig sees no font at all still embeds it and shows Chinese."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "resources" / "fonts" / "PropDeskCJK.ttf"
POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm"))
if not POPPLER and os.environ.get("CI") == "true":
    raise RuntimeError("poppler-utils (pdftotext, pdffonts, pdftoppm) must be installed in CI")


def _cjk(ch: str) -> bool:
    """Hanzi, CJK punctuation and full-width forms: what GBK covers and the font must have."""
    c = ord(ch)
    return 0x4E00 <= c <= 0x9FA5 or 0x3000 <= c <= 0x303F or 0xFF01 <= c <= 0xFF5E


def test_bundled_font_has_hanzi_latin_and_every_chinese_character_of_our_sources():
    from reportlab.pdfbase.ttfonts import TTFont

    from app.printing.fonts import _load_reportlab

    assert _load_reportlab(str(BUNDLED), 0) is not None  # TrueType outlines, hanzi + ASCII
    cmap = TTFont("BundledProbe", str(BUNDLED)).face.charToGlyph
    used: set[str] = set()
    for folder in ("app", "ui", "drivers"):
        for f in (ROOT / folder).rglob("*.py"):
            used.update(ch for ch in f.read_text(encoding="utf-8") if _cjk(ch))
    for ts in (ROOT / "resources" / "i18n").glob("*.ts"):
        used.update(ch for ch in ts.read_text(encoding="utf-8") if _cjk(ch))
    missing = sorted(ch for ch in used if ord(ch) not in cmap)
    assert not missing, f"re-subset the font (resources/fonts/README.md): missing {''.join(missing)}"
    assert len(used) > 500  # the scan really read our Chinese texts
    for ch in "堃喆赟昇" + "0123456789ABCxyz¥×·—…":  # rarer name hanzi (GBK, not GB2312) and Latin
        assert ord(ch) in cmap, ch
    assert BUNDLED.stat().st_size < 4_000_000  # the subset, not the whole 5 MB collection


def test_pdfs_use_the_bundled_font_before_any_system_font(monkeypatch):
    monkeypatch.delenv("PROPDESK_PDF_FONT", raising=False)
    from app.printing import fonts

    fonts.pdf_font.cache_clear()
    try:
        name, path, index = fonts.pdf_font()
    finally:
        fonts.pdf_font.cache_clear()
    assert Path(path) == BUNDLED and index == 0


_NO_SYSTEM_FONTS = textwrap.dedent("""
    import sys
    from app.printing import fonts
    fonts._TRUETYPE_CANDIDATES[:] = []  # as on a PC without any CJK system font
    from app.printing.pdf_docs import receipt_pdf
    from tests.support.printing_samples import receipt
    receipt_pdf(receipt(), sys.argv[1])
    print(fonts.pdf_font()[1])
""")


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_a_pdf_made_where_no_system_font_is_visible_embeds_the_bundled_font_and_shows_chinese(tmp_path):
    from PIL import Image

    # fontconfig pointed at a configuration with no font directories: fc-match finds nothing
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f'<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PROPDESK_PDF_FONT"}
    env.update(FONTCONFIG_FILE=str(conf), FONTCONFIG_PATH=str(tmp_path))
    listed = subprocess.run(["fc-list"], capture_output=True, text=True, env=env, check=False).stdout \
        if shutil.which("fc-list") else ""
    assert listed.strip() == ""  # really no font visible
    pdf = tmp_path / "receipt.pdf"
    out = subprocess.run([sys.executable, "-c", _NO_SYSTEM_FONTS, str(pdf)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert Path(out.strip()) == BUNDLED
    fonts_table = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = fonts_table.splitlines()[2:]
    assert rows and all("PropDeskCJK" in r and r.split()[-5] == "yes" for r in rows), fonts_table
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for needle in ("收款收据", "物业管理费", "叁佰零伍元壹角肆分", "305.14"):
        assert needle in text, needle
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", str(pdf), str(tmp_path / "page")], check=True,
                   env=env)
    img = Image.open(tmp_path / "page.png").convert("L")
    dark = sum(img.histogram()[:128])
    assert dark > img.width * img.height // 200  # text drawn, not an empty page
