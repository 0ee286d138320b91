"""The ESC/POS receipt, read back with a strict decoder: content, commands, columns, QR."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from app.money import fen_to_yuan_str
from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.printing.receipt_doc import ReceiptLine
from app.printing.receipt_layout import COLUMNS
from app.printing.receipt_qr import verify
from tests.support.escpos_decode import EscposDecodeError, commands, decode, index_of, printed_lines, qr_payloads, text_of
from tests.support.printing_samples import KEY_HEX, LONG_FEE, receipt, receipt_12_lines, receipt_without_cash

WIDTHS = pytest.mark.parametrize("width", [58, 80])


def lines_of(job: bytes, encoding: str = "gb18030"):
    return printed_lines(decode(job, encoding))


def find(lines, needle: str):
    hits = [x for x in lines if needle in x.text]
    assert hits, f"{needle!r} not printed; lines: {[x.text for x in lines]}"
    return hits[0]


@WIDTHS
def test_content_of_a_bills_receipt(width):
    doc = receipt()
    tokens = decode(render_escpos(doc, width))
    lines = printed_lines(tokens)
    title = find(lines, "阳光花园")
    assert (title.bold, title.height_mult, title.align) == (True, 2, 1)
    for needle in ("收款收据", "收据号：T1-20261124-0001", "终端：T1", "时间：2026-11-24 14:30:05", "收银员：王小明",
                   "房号：3-2-1502", "缴款人：李四", "滞纳金", "大写：叁佰零伍元壹角肆分", "实收现金", "找零", "预存余额",
                   "谢谢惠顾", "扫码验真"):
        find(lines, needle)
    for line in doc.lines:  # each line: its name and period, amount flush right
        assert line.fee_name[:6] in text_of(tokens)
        assert find(lines, fen_to_yuan_str(line.amount_fen)).text.endswith(fen_to_yuan_str(line.amount_fen))
    total = find(lines, "合计")
    assert total.bold and total.text.endswith("305.14")
    assert find(lines, "银行卡").text.endswith("200.00")
    assert "123456789012" in text_of(tokens)  # the POS reference
    assert find(lines, "现金 ").text.endswith("105.14")
    assert find(lines, "找零").text.endswith("94.86")
    assert find(lines, "预存余额").text.endswith("50.00")
    assert "重打" not in text_of(tokens) and "作废" not in text_of(tokens)


@WIDTHS
def test_commands_init_chinese_mode_cut(width):
    tokens = decode(render_escpos(receipt(), width))
    assert tokens[0] == ("cmd", "ESC @", ())
    assert tokens[1] == ("cmd", "FS &", ())
    assert tokens[-1][:2] == ("cmd", "GS V")
    assert not commands(tokens, "ESC !")  # sizes by GS !, which scales hanzi too


@WIDTHS
def test_no_line_exceeds_the_roll(width):
    for doc in (receipt(), receipt_12_lines(), receipt(status="void", void_reason="收错房号" * 12,
                                                       reprint_at=datetime(2026, 11, 24, 8, tzinfo=timezone.utc))):
        for line in lines_of(render_escpos(doc, width)):
            assert line.columns <= COLUMNS[width], (line.text, line.columns)


def test_a_long_fee_name_wraps_on_58mm():
    lines = lines_of(render_escpos(receipt(), 58))
    first = find(lines, LONG_FEE[:8])
    assert first.text.endswith("12.34")
    i = lines.index(first)
    rest = "".join(x.text.strip() for x in lines[i + 1:i + 4])
    assert LONG_FEE[len(first.text.split()[0]):] in rest


def test_drawer_kick_for_cash_only_and_before_the_cut():
    tokens = decode(render_escpos(receipt()))
    assert commands(tokens, "ESC p") == [("cmd", "ESC p", (0, 50, 50))]
    assert index_of(tokens, "ESC p") < index_of(tokens, "GS V")
    assert not commands(decode(render_escpos(receipt_without_cash())), "ESC p")
    assert not commands(decode(render_escpos(receipt(), profile=PrinterProfile(drawer=False))), "ESC p")
    pin5 = decode(render_escpos(receipt(), profile=PrinterProfile(drawer_pin=5)))
    assert commands(pin5, "ESC p")[0][2][0] == 1


def test_reprint_is_marked_and_opens_no_drawer():
    doc = receipt(reprint_at=datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc))
    tokens = decode(render_escpos(doc))
    banner = find(printed_lines(tokens), "重打 REPRINT")
    assert banner.bold and banner.height_mult == 2
    assert "重打时间：2026-11-24 16:00:00" in text_of(tokens)
    assert not commands(tokens, "ESC p")


def test_void_is_prominent_with_reason():
    tokens = decode(render_escpos(receipt(status="void", void_reason="收错房号，重新收取")))
    lines = printed_lines(tokens)
    banner = find(lines, "作废 VOID")
    assert (banner.bold, banner.width_mult, banner.height_mult) == (True, 2, 2)
    assert "作废原因：收错房号，重新收取" in text_of(tokens)
    assert sum("作废 VOID" in x.text for x in lines) == 2  # at the top and again at the bottom


@WIDTHS
def test_qr_is_native_model2_ec_m_and_verifies(width):
    tokens = decode(render_escpos(receipt(), width))
    qr = [t[2] for t in commands(tokens, "GS ( k")]
    assert [name for name, _ in qr] == ["model", "size", "ec", "store", "print"]
    assert dict(qr)["model"] == 2 and dict(qr)["ec"] == "M"
    [payload] = qr_payloads(tokens)
    assert payload == receipt().qr_payload
    result = verify(payload, {"T1": KEY_HEX}.get)
    assert result.genuine and result.total_fen == 30514


def test_qr_as_raster_image_for_printers_without_2d_codes():
    tokens = decode(render_escpos(receipt(), profile=PrinterProfile(qr="image")))
    assert not commands(tokens, "GS ( k")
    [img] = commands(tokens, "GS v 0")
    _, width_bytes, height, raster = img[2]
    assert width_bytes * 8 == 384 and height > 100 and len(raster) == width_bytes * height


def test_utf8_profile_has_no_chinese_mode_and_decodes_as_utf8():
    job = render_escpos(receipt(), profile=PrinterProfile(encoding="utf-8"))
    tokens = decode(job, "utf-8")
    assert not commands(tokens, "FS &")
    assert "收款收据" in text_of(tokens)
    assert "收款收据".encode("utf-8") in job and "收款收据".encode("gb18030") not in job


def test_gb18030_text_is_not_mangled_by_python_escpos():
    job = render_escpos(receipt(payer="欧阳䶮"))  # 䶮: a rare name character, 4 bytes in GB18030
    assert "收款收据".encode("gb18030") in job
    assert "欧阳䶮".encode("gb18030") in job
    assert b"?" not in job.replace(b"Scan to verify", b"")


def test_control_characters_in_names_cannot_inject_commands():
    job = render_escpos(replace(receipt_without_cash(), payer="李四\x1bp\x00\x19\x19"))
    tokens = decode(job)
    assert not commands(tokens, "ESC p")  # no drawer kick smuggled in through a name
    assert "李四 p" in text_of(tokens)


def test_strict_decoder_fails_loudly_on_unknown_commands():
    with pytest.raises(EscposDecodeError):
        decode(b"\x1b@\x1b\x99")
    with pytest.raises(EscposDecodeError):
        decode(b"\x1d(k\x10\x00")  # cut short


def test_profile_from_settings_ignores_transport_keys():
    p = PrinterProfile.from_settings({"transport": "network", "host": "10.0.0.5", "width_mm": "80", "qr": "image"})
    assert (p.width_mm, p.qr, p.encoding) == (80, "image", "gb18030")
    with pytest.raises(ValueError):
        PrinterProfile(width_mm=76)
    with pytest.raises(ValueError):
        PrinterProfile(encoding="big5")


def test_prepay_receipt_without_lines_of_bills():
    doc = replace(receipt_without_cash(), kind="prepay", lines=[ReceiptLine("预存款", "", 30514)],
                  prepaid_balance_after_fen=35514)
    text = text_of(decode(render_escpos(doc)))
    assert "收款收据（预存）" in text and "预存余额" in text and "355.14" in text
