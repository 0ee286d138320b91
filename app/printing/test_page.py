"""The printer test page: a sample receipt in the terminal's own profile, so what the test
shows is exactly how receipts will come out (width, hanzi, bold, QR, cut, drawer)."""

from __future__ import annotations

from app import clock
from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.printing.receipt_doc import ReceiptDoc, ReceiptLine, ReceiptTender


def test_page(profile: PrinterProfile, terminal: str = "T1") -> bytes:
    doc = ReceiptDoc(
        community="打印测试页 PRINTER TEST", terminal=terminal, receipt_no=f"{terminal}-TEST-0000", issued_at=clock.now(),
        cashier="PropDesk", room_key="3-2-1502", payer="测试 张三", kind="bills",
        lines=[ReceiptLine("物业服务费（中文宽度测试）", "2026-11", 12563), ReceiptLine("水费 阶梯", "2026-11", 104000, 210)],
        total_fen=116773, tenders=[ReceiptTender("cash", 116773)], cash_received_fen=120000, change_fen=3227,
        prepaid_balance_after_fen=0,
        footer=f"纸宽 {profile.width_mm}mm · 编码 {profile.encoding} · 二维码 {profile.qr}\n看到整齐的中文与二维码即正常",
        qr_payload="PropDesk printer test")
    return render_escpos(doc, profile.width_mm, profile)
