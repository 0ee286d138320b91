#!/usr/bin/env python3
"""Re-make resources/fonts/PropDeskCJK.ttf: the WenQuanYi Micro Hei face cut to what a counter
prints and shows. Needs fontTools (`pip install ".[build]"`, or build/venv from installer/build.py).

    build/venv/bin/python installer/subset_font.py [--source wqy-microhei.ttc]

Source: Debian's `fonts-wqy-microhei` (`apt-get download fonts-wqy-microhei && dpkg-deb -x ...`,
or the installed /usr/share/fonts/truetype/wqy/wqy-microhei.ttc), face 0 (the proportional one).
Kept: ASCII and Latin-1, general and CJK punctuation, full-width forms, every character of GBK
(all of GB2312 plus the rarer hanzi residents' names use — 堃, 喆, 赟…: a name printed as a box on a
receipt is worse than 2 MB), box drawing, and every non-ASCII character in our own sources
(app/, ui/, drivers/, resources/i18n/*.ts) so a new UI string never falls outside. Run it again
after adding text with characters outside GBK; tests/unit/test_bundled_font.py fails until then.
Hinting is dropped (Qt and PDF viewers render unhinted outlines well at counter sizes).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "fonts" / "PropDeskCJK.ttf"
DEFAULT_SOURCE = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SOURCE_DIRS = ("app", "ui", "drivers")
RANGES = [
    (0x20, 0x7E),      # ASCII
    (0xA0, 0xFF),      # Latin-1: ¥ × · ÷ °
    (0x2000, 0x206F),  # general punctuation: — … ‘ ’ “ ”
    (0x2100, 0x218F),  # letterlike and number forms: № ℃ Ⅰ
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed numbers ① ②
    (0x2500, 0x259F),  # box drawing, blocks
    (0x25A0, 0x25FF),  # geometric shapes ■ ▲ ○
    (0x3000, 0x303F),  # CJK punctuation 、。《》【】
    (0xFF00, 0xFFEF),  # full-width forms （）：，￥
]


def source_characters() -> set[str]:
    """Every non-ASCII character in our code and translations."""
    chars: set[str] = set()
    files = [p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py")]
    files += list((ROOT / "resources" / "i18n").glob("*.ts"))
    for f in files:
        chars.update(ch for ch in f.read_text(encoding="utf-8", errors="ignore") if ord(ch) > 0x7E)
    return chars


def wanted_codepoints() -> set[int]:
    cps = {c for lo, hi in RANGES for c in range(lo, hi + 1)}
    for c in range(0x80, 0x10000):
        if 0xD800 <= c <= 0xDFFF:
            continue
        try:
            chr(c).encode("gbk")
        except UnicodeEncodeError:
            continue
        cps.add(c)
    cps.update(ord(ch) for ch in source_characters())
    return cps


def main(argv: list[str] | None = None) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default=DEFAULT_SOURCE, help="wqy-microhei.ttc (face 0 is used)")
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    font = TTFont(args.source, fontNumber=0)
    cmap = font.getBestCmap()
    wanted = wanted_codepoints()
    missing_ours = sorted(ch for ch in source_characters() if ord(ch) not in cmap and not ch.isspace())
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.glyph_names = False
    sub = subset.Subsetter(options)
    sub.populate(unicodes=sorted(c for c in wanted if c in cmap))
    sub.subset(font)
    # Our own family name, so Qt and reportlab find *this* file and never confuse it with an
    # installed WenQuanYi of another version; the original names stay in the copyright records.
    for rec in font["name"].names:
        if rec.nameID in (1, 4, 16):
            rec.string = "PropDesk CJK"
        elif rec.nameID == 6:
            rec.string = "PropDeskCJK"
    font.save(args.out)
    kept = len(font.getBestCmap())
    print(f"{args.out}: {kept} characters, {Path(args.out).stat().st_size / 1e6:.1f} MB")
    if missing_ours:
        print(f"not in the source font (will fall back to the system): {''.join(missing_ours)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
