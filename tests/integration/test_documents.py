"""Receipts and notices from real payments: ESC/POS decoded, PDFs' text extracted, QR verified."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from app.cli import main
from app.context import AppContext
from app.printing.escpos_decode import commands, decode, qr_payloads, text_of
from app.services.billing.bill_run import bill_run
from tests.support.builders import World


@pytest.fixture
def paid(sqlite_url, capsys):  # type: ignore[no-untyped-def]
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-1-101", "100", owner="张三", phone="13800001234")
        w.room("1-1-102", "80", owner="李四", phone="13900001234")
        w.fee("PM", "area", "2", name="物业服务费")
        w.fee("GARB", "fixed", "10", name="生活垃圾处理费")
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    db = ["--db", sqlite_url]
    assert main([*db, "shift", "open", "--float", "100"]) == 0
    assert main([*db, "pay", "--room", "1-1-101", "--all", "--tender", "pos=100:123456789012", "--tender",
                 "cash=200", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()[-1]
    return db, json.loads(out)


def _json(capsys):  # type: ignore[no-untyped-def]
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize("width,cols", [(58, 32), (80, 48)])
def test_escpos_receipt_of_a_real_payment(paid, tmp_path, capsys, width, cols):
    db, pay = paid
    f = tmp_path / "r.bin"
    assert main([*db, "receipt", pay["receipt_no"], "--width", str(width), "-o", str(f)]) == 0
    tokens = decode(f.read_bytes())
    text = text_of(tokens)
    for needle in ("阳光花园", pay["receipt_no"], "1-1-101", "张三", "物业服务费", "生活垃圾处理费", "210.00", "银行卡",
                   "现金", "找零", "90.00"):
        assert needle in text, needle
    assert all(len(line.encode("gb18030")) <= cols for line in text.splitlines())  # GB18030: hanzi = 2 columns
    names = [t[1] for t in tokens if t[0] == "cmd"]
    assert "ESC p" in names and names.index("ESC p") < names.index("GS V")  # drawer kick, then the cut
    payload = qr_payloads(tokens)[0]
    capsys.readouterr()
    assert main([*db, "verify", payload, "--json"]) == 0
    v = _json(capsys)
    assert v["genuine"] is True and v["record"]["room"] == "1-1-101" and v["total_fen"] == 21000
    forged = payload.replace("|21000|", "|2100|")
    assert main([*db, "verify", forged, "--json"]) == 0
    assert _json(capsys)["genuine"] is False


def test_reprint_and_void_marks(paid, tmp_path, capsys):
    db, pay = paid
    assert main([*db, "void", pay["receipt_no"], "--reason", "收错"]) == 0
    f = tmp_path / "v.bin"
    assert main([*db, "receipt", pay["receipt_no"], "--reprint", "-o", str(f)]) == 0
    text = text_of(decode(f.read_bytes()))
    assert "重打" in text and "作废" in text and "收错" in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_receipt_and_notices_extract_as_chinese(paid, tmp_path, capsys):
    db, pay = paid
    pdf = tmp_path / "r.pdf"
    assert main([*db, "receipt", pay["receipt_no"], "--format", "pdf", "-o", str(pdf)]) == 0
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "收款收据" in text and "物业服务费" in text and pay["receipt_no"] in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    notices = tmp_path / "n.pdf"
    assert main([*db, "print-notices", "--period", "2026-10", "--as-of", "2026-11-20", "-o", str(notices),
                 "--json"]) == 0
    assert _json(capsys)["notices"] == 1  # 1-1-101 has paid; only 1-1-102 has lines left
    ntext = subprocess.run(["pdftotext", str(notices), "-"], capture_output=True, text=True, check=True).stdout
    assert "1-1-102" in ntext and "面积 80㎡ × 2元/㎡" in ntext
    arrears = tmp_path / "a.pdf"
    assert main([*db, "print-arrears", "--as-of", "2026-12-31", "-o", str(arrears), "--json"]) == 0
    assert _json(capsys)["notices"] == 1
