"""PDF documents: Chinese text that extracts, every font embedded, pages that render, QR
codes that scan. Uses poppler's command-line tools, as a person's PDF viewer would."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import decode as zbar

from app.printing.pdf_docs import arrears_notice_pdf, bill_notice_pdf, receipt_pdf, shift_report_pdf
from app.printing.pdf_model import BillNotice, NoticeLine
from tests.support.printing_samples import arrears_notice, bill_notice, receipt, shift_report

POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm"))
if not POPPLER and os.environ.get("CI") == "true":
    raise RuntimeError("poppler-utils (pdftotext, pdffonts, pdftoppm) must be installed in CI")
pytestmark = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout


def text_of(pdf: Path) -> str:
    return _run("pdftotext", "-layout", str(pdf), "-")


def assert_all_fonts_embedded(pdf: Path) -> None:
    rows = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "no fonts at all"
    for row in rows:
        # columns: name type encoding emb sub uni object-id; the name may not contain spaces here
        assert row.split()[-5] == "yes", f"font not embedded: {row}"


def page_png(pdf: Path, page: int = 1, dpi: int = 100) -> Image.Image:
    out = pdf.with_suffix("")
    _run("pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(out))
    return Image.open(f"{out}.png")


def pages(pdf: Path) -> int:
    info = _run("pdfinfo", str(pdf)) if shutil.which("pdfinfo") else ""
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_receipt_pdf(tmp_path):
    pdf = tmp_path / "receipt.pdf"
    receipt_pdf(receipt(), pdf)
    text = text_of(pdf)
    for needle in ("阳光花园", "收款收据", "T1-20261124-0001", "物业管理费", "滞纳金", "305.14", "叁佰零伍元壹角肆分",
                   "银行卡", "123456789012", "找零", "94.86", "扫码验真"):
        assert needle in text, needle
    assert_all_fonts_embedded(pdf)
    img = page_png(pdf, dpi=150)
    assert img.width > img.height * 0.6  # A5 portrait
    assert [s.data.decode() for s in zbar(img)] == [receipt().qr_payload]


def test_void_reprint_receipt_pdf(tmp_path):
    from datetime import datetime, timezone

    pdf = tmp_path / "void.pdf"
    receipt_pdf(receipt(status="void", void_reason="收错房号", reprint_at=datetime(2026, 11, 24, 8, tzinfo=timezone.utc)), pdf)
    text = text_of(pdf)
    assert "作废" in text and "收错房号" in text and "重打" in text and "2026-11-24 16:00:00" in text
    assert_all_fonts_embedded(pdf)


def test_bill_notices_one_page_per_room(tmp_path):
    pdf = tmp_path / "notices.pdf"
    notices = [bill_notice(i) for i in range(3)]
    bill_notice_pdf(notices, pdf)
    assert pages(pdf) == 3
    text = text_of(pdf)
    for needle in ("缴费通知单", "1-1-1501", "1-1-1503", "张三丰", "计算明细", "面积 89.50", "余额法", "本期合计",
                   "568.04", "往期欠费", "356.00", "应缴合计", "924.04", "玖佰贰拾肆元零肆分"):
        assert needle in text, needle
    assert_all_fonts_embedded(pdf)
    assert [s.data.decode() for s in zbar(page_png(pdf, 3, dpi=150))] == ["PDROOM|YG|1-1-1503"]


def test_a_room_with_many_lines_continues_on_a_second_page(tmp_path):
    lines = [NoticeLine(f"临时收费{i}", "2026-11", 100 * i, "说明" * 40) for i in range(1, 41)]
    notice = BillNotice("阳光花园", "9-9-999", None, "2026-11", bill_notice().issued_on, lines, sum(x.amount_fen for x in lines))
    pdf = tmp_path / "long.pdf"
    bill_notice_pdf([notice], pdf)
    assert pages(pdf) >= 2
    text = text_of(pdf)
    assert "临时收费1 " in text and "临时收费40" in text and text.count("收费项目") == pages(pdf)  # header repeats


def test_arrears_notices_two_per_page(tmp_path):
    pdf = tmp_path / "arrears.pdf"
    arrears_notice_pdf([arrears_notice(0), arrears_notice(1, months=12), arrears_notice(2, months=1)], pdf)
    assert pages(pdf) == 2
    text = text_of(pdf)
    for needle in ("催缴通知单", "欧阳娜娜", "5-1-301", "5-1-302", "5-1-303", "871.50", "其余 6 项欠费", "2026-12-10", "沿虚线剪开"):
        assert needle in text, needle
    assert_all_fonts_embedded(pdf)
    assert sorted(s.data.decode() for s in zbar(page_png(pdf, 1, dpi=150))) == ["PDROOM|YG|5-1-301", "PDROOM|YG|5-1-302"]


def test_shift_report(tmp_path):
    pdf = tmp_path / "shift.pdf"
    shift_report_pdf(shift_report(), pdf)
    text = text_of(pdf)
    for needle in ("交接班报表", "王小明", "S-20261124-01", "现金", "银行卡", "微信", "支付宝", "12345.00", "-5.00",
                   "100 元", "角", "12840.00", "短款", "T1-20261124-0007", "收错房号", "交班人签字"):
        assert needle in text, needle
    assert_all_fonts_embedded(pdf)
    assert page_png(pdf).getbbox() is not None


def test_empty_bulk_runs_still_make_a_valid_pdf(tmp_path):
    bill_notice_pdf([], tmp_path / "a.pdf")
    arrears_notice_pdf([], tmp_path / "b.pdf")
    assert "无缴费通知单" in text_of(tmp_path / "a.pdf") and "无催缴通知单" in text_of(tmp_path / "b.pdf")


NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def test_the_pdf_font_is_an_embeddable_truetype_cjk_font():
    from app.printing.fonts import _load_reportlab, pdf_font

    name, path, index = pdf_font()
    assert _load_reportlab(path, index) is not None
    if NOTO_CJK.exists():
        assert _load_reportlab(str(NOTO_CJK), 2) is None  # CFF outlines: reportlab cannot embed them
    if DROID.exists():
        assert _load_reportlab(str(DROID), 0) is None  # hanzi but no Latin letters or digits
    assert _load_reportlab("/nonexistent/font.ttf", 0) is None
