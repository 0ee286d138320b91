"""Bill notices (缴费通知单, one A4 page per room) and arrears notices (催缴通知单, two per A4
page with a cut line) — printed in bulk and put in letterboxes, so they say how each amount
was computed and carry a QR code that opens the room at the counter."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.printing.amount_words import yuan_capital
from app.printing.pdf_base import Col, PdfDoc, yuan
from app.printing.pdf_model import ArrearsItem, ArrearsNotice, BillNotice

BILL_QR_CAPTION = "到前台出示，扫码调取本户账单"
ARREARS_ROWS_PER_HALF = 7


def _d(value) -> str:  # date | None -> text
    return value.isoformat() if value else "—"


def _bill_page(pdf: PdfDoc, n: BillNotice, page_no: int, pages: int) -> None:
    qr = 30 * mm
    if n.qr_payload:
        pdf.qr(n.qr_payload, pdf.right - qr, pdf.top - qr, qr)
        pdf.text(pdf.right - qr / 2, pdf.top - qr - 9, BILL_QR_CAPTION, 7, align="center", gray=0.35)
    mid = (pdf.left + pdf.right - (qr if n.qr_payload else 0)) / 2
    pdf.y = pdf.top - 18
    pdf.text(mid, pdf.y, n.community, 15, bold=True, align="center")
    pdf.y -= 26
    pdf.text(mid, pdf.y, "缴费通知单", 20, bold=True, align="center")
    pdf.y = min(pdf.y - 10, pdf.top - qr - 14)
    fields = [("房号", n.room_key), ("业主", n.owner or "—"), ("账期", n.period), ("通知日期", _d(n.issued_on)),
              ("缴费截止", _d(n.due_date)), ("预存余额", f"{yuan(n.prepaid_fen)} 元")]
    pdf.field_grid(fields, 10.5, columns=2)
    pdf.y -= 10
    inner = pdf.right - pdf.left
    cols = [Col("收费项目", 30 * mm), Col("账期", 18 * mm), Col("计算明细", inner - 92 * mm),
            Col("金额(元)", 22 * mm, "right"), Col("滞纳金(元)", 22 * mm, "right")]
    rows = [[x.fee_name, x.period, x.detail_text, yuan(x.amount_fen), yuan(x.late_fee_fen) if x.late_fee_fen else ""]
            for x in n.lines]
    pdf.table(cols, rows, 9)
    pdf.ensure(110)
    pdf.y -= 6
    summary = [("本期合计", yuan(n.total_fen)), ("往期欠费", yuan(n.arrears_fen)), ("应缴合计", yuan(n.amount_due_fen))]
    for label, value in summary:
        pdf.y -= 17
        big = label == "应缴合计"
        pdf.text(pdf.right - 40 * mm, pdf.y, f"{label}：", 12 if big else 10.5, bold=big, align="right")
        pdf.text(pdf.right, pdf.y, f"{value} 元", 12 if big else 10.5, bold=big, align="right")
    pdf.y -= 17
    pdf.text(pdf.right, pdf.y, f"大写：{yuan_capital(n.amount_due_fen)}", 10, align="right")
    pdf.y -= 12
    pdf.hline(dash=True)
    pdf.y -= 4
    notes = [n.note] if n.note else []
    notes.append("请凭本通知单到物业服务中心缴费，支持现金、银行卡、微信、支付宝；也可使用预存款抵扣。"
                 "对金额有疑问请到前台查询，计算明细如上。")
    if n.contact:
        notes.append(f"联系方式：{n.contact}")
    for text in notes:
        pdf.para(text, 9.5)
    pdf.footer(f"{n.community} · {n.room_key} · {n.period} · 第 {page_no}/{pages} 页 · PropDesk")


def bill_notice_pdf(notices: list[BillNotice], path: str | Path) -> None:
    """One page per room (a room with very many lines continues on the next page)."""
    pdf = PdfDoc(path, A4, "缴费通知单", margin=16 * mm)
    for i, n in enumerate(notices):
        if i:
            pdf.page_break()
        _bill_page(pdf, n, i + 1, len(notices))
    if not notices:
        pdf.text(pdf.left, pdf.top - 20, "（无缴费通知单）", 12)
    pdf.save()


def _fold(items: list[ArrearsItem], limit: int) -> list[list[str]]:
    """At most `limit` rows; the oldest ones beyond that fold into one summary row."""
    def row(x: ArrearsItem) -> list[str]:
        return [x.fee_name, x.period, _d(x.due_date), yuan(x.amount_fen), yuan(x.late_fee_fen) if x.late_fee_fen else ""]

    if len(items) <= limit:
        return [row(x) for x in items]
    keep, rest = items[-(limit - 1):], items[:-(limit - 1)]
    folded = [f"其余 {len(rest)} 项欠费", f"{rest[0].period}～{rest[-1].period}", "—",
              yuan(sum(x.amount_fen for x in rest)), yuan(sum(x.late_fee_fen for x in rest))]
    return [folded] + [row(x) for x in keep]


def _arrears_half(pdf: PdfDoc, n: ArrearsNotice, top: float, bottom: float) -> None:
    pdf.y = top - 22
    mid = pdf.width / 2
    pdf.text(mid, pdf.y, f"{n.community}　催缴通知单", 15, bold=True, align="center")
    pdf.y -= 14
    qr = 22 * mm
    if n.qr_payload:
        pdf.qr(n.qr_payload, pdf.right - qr, pdf.y - qr, qr)
    text_w = pdf.right - pdf.left - (qr + 6 * mm if n.qr_payload else 0)
    pdf.para(f"尊敬的 {n.owner or ''} 业主/住户（房号 {n.room_key}）：", 10.5, width=text_w)
    deadline = f"请于 {n.deadline.isoformat()} 前" if n.deadline else "请尽快"
    pdf.para(f"　　截至 {n.as_of.isoformat()}，贵户尚欠下列费用共计 {yuan(n.total_fen)} 元"
             f"（大写：{yuan_capital(n.total_fen)}），{deadline}到物业服务中心缴纳。"
             "逾期将按规定计收滞纳金。如已缴纳，请忽略本通知。", 10, width=text_w)
    pdf.y = min(pdf.y, top - 22 - 14 - qr - 4) - 6
    inner = pdf.right - pdf.left
    cols = [Col("收费项目", inner - 116 * mm), Col("账期", 30 * mm), Col("应缴日期", 28 * mm),
            Col("欠费(元)", 30 * mm, "right"), Col("滞纳金(元)", 28 * mm, "right")]
    pdf.table(cols, _fold(list(n.items), ARREARS_ROWS_PER_HALF), 9)
    y = bottom + 30
    pdf.text(pdf.right, y, f"{n.community} 物业服务中心", 10.5, align="right")
    pdf.text(pdf.right, y - 15, n.as_of.isoformat(), 10, align="right")
    if n.contact:
        pdf.text(pdf.left, y - 15, f"联系方式：{n.contact}", 9)


def arrears_notice_pdf(rows: list[ArrearsNotice], path: str | Path) -> None:
    """Two notices per A4 page, separated by a dashed cut line."""
    pdf = PdfDoc(path, A4, "催缴通知单", margin=14 * mm)
    half = pdf.height / 2
    # Rows that would overflow a half page are folded (_fold), so a half never breaks a page.
    pdf.bottom = 0
    for i, n in enumerate(rows):
        if i and i % 2 == 0:
            pdf.page_break()
        if i % 2 == 0:
            _arrears_half(pdf, n, pdf.height - pdf.margin, half + 6 * mm)
            pdf.hline(half, x0=6 * mm, x1=pdf.width - 6 * mm, dash=True, width=0.5)
            pdf.text(8 * mm, half + 2, "沿虚线剪开", 7, gray=0.5)
        else:
            _arrears_half(pdf, n, half - 6 * mm, pdf.margin)
    if not rows:
        pdf.text(pdf.left, pdf.top - 20, "（无催缴通知单）", 12)
    pdf.save()
