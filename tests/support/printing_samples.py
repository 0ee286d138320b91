"""Sample receipts and PDF documents for the printing tests and benchmark."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from app.printing.pdf_model import (
    ArrearsItem,
    ArrearsNotice,
    BillNotice,
    CashCountRow,
    NoticeLine,
    ShiftReport,
    ShiftTenderRow,
    ShiftVoid,
)
from app.printing.receipt_doc import ReceiptDoc, ReceiptLine, ReceiptTender
from app.printing.receipt_qr import sign

KEY_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
ISSUED = datetime(2026, 11, 24, 6, 30, 5, tzinfo=timezone.utc)  # 14:30:05 in Beijing
LONG_FEE = "电梯运行维护及公共区域照明用电分摊费（高层住宅）"


def receipt(**changes: object) -> ReceiptDoc:
    """A bills receipt: three lines (one with a late fee, one long with a note), POS + cash."""
    lines = [ReceiptLine("物业管理费", "2026-11", 25600),
             ReceiptLine("水费", "2026-10", 3560, late_fee_fen=120),
             ReceiptLine(LONG_FEE, "2026-10", 1234, note="公摊电表 PUB-E 本月 400 度，按面积分摊")]
    total = sum(x.line_total_fen for x in lines)  # 30514
    doc = ReceiptDoc(
        community="阳光花园", terminal="T1", receipt_no="T1-20261124-0001", issued_at=ISSUED, cashier="王小明",
        room_key="3-2-1502", payer="李四", kind="bills", lines=lines, total_fen=total,
        tenders=[ReceiptTender("pos", 20000, "参考号 123456789012"), ReceiptTender("cash", total - 20000)],
        cash_received_fen=20000, change_fen=20000 - (total - 20000), prepaid_balance_after_fen=5000,
        footer="谢谢惠顾！物业服务中心 电话 0571-88886666",
        qr_payload=sign("T1-20261124-0001", total, ISSUED, KEY_HEX))
    return replace(doc, **changes) if changes else doc


def receipt_without_cash() -> ReceiptDoc:
    doc = receipt()
    return replace(doc, tenders=[ReceiptTender("wechat", doc.total_fen, "4200001234202611240001")],
                   cash_received_fen=None, change_fen=0)


def receipt_12_lines() -> ReceiptDoc:
    """The benchmark's receipt: 12 bill lines, split tender."""
    lines = [ReceiptLine(name, f"2026-{m:02d}", 10000 + 137 * m, late_fee_fen=25 * (m % 3))
             for m in range(1, 13) for name in ["物业管理费" if m % 2 else "水费"]]
    total = sum(x.line_total_fen for x in lines)
    doc = receipt()
    return replace(doc, lines=lines, total_fen=total,
                   tenders=[ReceiptTender("prepaid", 5000), ReceiptTender("pos", 50000, "凭证 000123"),
                            ReceiptTender("cash", total - 55000)],
                   cash_received_fen=total - 55000 + 1000, change_fen=1000,
                   qr_payload=sign(doc.receipt_no, total, ISSUED, KEY_HEX))


def bill_notice(i: int = 0) -> BillNotice:
    lines = [NoticeLine("物业管理费", "2026-11", 20585, "面积 89.50㎡ × 2.30 元/㎡·月 × 1 月 = 205.85 元"),
             NoticeLine("水费", "2026-10", 3560, "本月读数 1234 − 上月读数 1224 = 10 吨；第一阶梯 10 吨 × 3.56 元 = 35.60 元"),
             NoticeLine("电费", "2026-10", 15380, "用电 300 度：第一阶梯 230 度 × 0.538 元 = 123.74 元；"
                        "第二阶梯 70 度 × 0.588 元 = 41.16 元；合计 164.90 元，减峰谷优惠 11.10 元"),
             NoticeLine("公共区域电费分摊", "2026-10", 1234, "公摊电表 PUB-E 本月 4000 度 × 0.538 元 = 2152.00 元，"
                        "按建筑面积分摊：89.50 / 15600.00 × 2152.00 = 12.34 元（最大余额法）"),
             NoticeLine("车位管理费", "2026-11", 15000, "地下车位 B-117 固定 150.00 元/月"),
             NoticeLine("垃圾清运费", "2026-09", 1000, "固定 10.00 元/月", late_fee_fen=45)]
    room = f"{i // 200 + 1}-{i // 100 % 2 + 1}-{1501 + i % 100}"
    return BillNotice("阳光花园", room, "张三丰", "2026-11", date(2026, 11, 24), lines,
                      sum(x.amount_fen + x.late_fee_fen for x in lines), arrears_fen=35600, prepaid_fen=5000,
                      due_date=date(2026, 12, 15), qr_payload=f"PDROOM|YG|{room}",
                      contact="阳光花园物业服务中心 3 号楼底商 · 0571-88886666")


def arrears_notice(i: int = 0, months: int = 4) -> ArrearsNotice:
    items = [ArrearsItem("物业管理费", f"2025-{m:02d}", 20585, 1200 + m, date(2025, m, 28)) for m in range(1, months + 1)]
    return ArrearsNotice("阳光花园", f"5-1-{301 + i}", "欧阳娜娜", date(2026, 11, 24), items,
                         sum(x.amount_fen + x.late_fee_fen for x in items), deadline=date(2026, 12, 10),
                         contact="0571-88886666", qr_payload=f"PDROOM|YG|5-1-{301 + i}")


def shift_report() -> ShiftReport:
    return ShiftReport(
        "阳光花园", "T1", "王小明", "S-20261124-01", datetime(2026, 11, 24, 0, 30, tzinfo=timezone.utc),
        datetime(2026, 11, 24, 9, 5, tzinfo=timezone.utc), 50000,
        [ShiftTenderRow("cash", 23, 1234500, 1234000), ShiftTenderRow("pos", 8, 560000, 560000),
         ShiftTenderRow("wechat", 31, 890012, 890012), ShiftTenderRow("alipay", 5, 120000, None)],
        [CashCountRow(10000, 126), CashCountRow(5000, 3), CashCountRow(2000, 2), CashCountRow(1000, 4),
         CashCountRow(100, 9), CashCountRow(50, 2)],
        expected_cash_fen=1284500, receipts_count=67,
        voids=[ShiftVoid("T1-20261124-0007", 20585, "收错房号（应为 3-2-1503），已重新收取")],
        note="POS 机 14:20 断网 10 分钟，期间改收现金。")
