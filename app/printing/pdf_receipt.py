"""A receipt as an A5 PDF: for e-mail, for the finance archive, for a reprint on a laser
printer when the thermal one is out. Same data, same marks (作废, 重打) as the paper roll."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm

from app.printing.amount_words import yuan_capital
from app.printing.pdf_base import Col, PdfDoc, yuan
from app.printing.receipt_doc import ReceiptDoc, format_local
from app.printing.receipt_layout import QR_CAPTION, REPRINT_BANNER, VOID_BANNER


def _void_stamp(pdf: PdfDoc) -> None:
    """A large diagonal 作废 VOID across the page, drawn first so the text stays readable."""
    c = pdf.c
    c.saveState()
    c.translate(pdf.width / 2, pdf.height / 2)
    c.rotate(35)
    c.setFillColorRGB(0.85, 0.1, 0.1, alpha=0.18)
    c.setFont(pdf.font, 72)
    c.drawCentredString(0, -24, VOID_BANNER)
    c.restoreState()


def receipt_pdf(doc: ReceiptDoc, path: str | Path) -> None:
    pdf = PdfDoc(path, A5, f"{doc.title} {doc.receipt_no}", margin=12 * mm)
    if doc.is_void:
        _void_stamp(pdf)
    pdf.on_new_page = lambda: _void_stamp(pdf) if doc.is_void else None
    mid = pdf.width / 2
    pdf.y -= 16
    pdf.text(mid, pdf.y, doc.community, 16, bold=True, align="center")
    pdf.y -= 20
    pdf.text(mid, pdf.y, doc.title, 13, bold=True, align="center")
    if doc.is_void:
        pdf.y -= 20
        pdf.text(mid, pdf.y, f"{VOID_BANNER}　作废原因：{doc.void_reason}", 11, bold=True, align="center")
    if doc.reprint_at is not None:
        pdf.y -= 18
        pdf.text(mid, pdf.y, f"{REPRINT_BANNER}　重打时间：{format_local(doc.reprint_at)}", 10, bold=True, align="center")
    pdf.y -= 8
    fields = [("收据号", doc.receipt_no), ("时间", format_local(doc.issued_at)), ("房号", doc.room_key),
              ("缴款人", doc.payer or "—"), ("收银员", doc.cashier), ("终端", doc.terminal)]
    pdf.field_grid(fields, 9.5)
    pdf.y -= 8

    inner = pdf.right - pdf.left
    cols = [Col("收费项目", inner - 82 * mm), Col("账期", 20 * mm), Col("金额", 20 * mm, "right"),
            Col("滞纳金", 18 * mm, "right"), Col("小计", 24 * mm, "right")]
    rows = [[ln.fee_name + (f"\n（{ln.note}）" if ln.note else ""), ln.period, yuan(ln.amount_fen),
             yuan(ln.late_fee_fen) if ln.late_fee_fen else "", yuan(ln.line_total_fen)] for ln in doc.lines]
    rows.append(["合计", "", "", "", yuan(doc.total_fen)])
    pdf.table(cols, rows, 9, bold_rows=frozenset({len(rows) - 1}))
    pdf.y -= 14
    pdf.text(pdf.left, pdf.y, f"合计金额（大写）：{yuan_capital(doc.total_fen)}", 10, bold=True)
    pdf.text(pdf.right, pdf.y, f"￥{yuan(doc.total_fen)}", 11, bold=True, align="right")
    pdf.y -= 10

    tcols = [Col("付款方式", 30 * mm), Col("金额", 26 * mm, "right"), Col("参考号 / 凭证号", inner - 56 * mm)]
    pdf.table(tcols, [[t.display_name, yuan(t.amount_fen), t.reference or ""] for t in doc.tenders], 9)
    extra: list[tuple[str, str]] = []
    if doc.cash_received_fen is not None:
        extra += [("实收现金", yuan(doc.cash_received_fen)), ("找零", yuan(doc.change_fen))]
    if doc.prepaid_balance_after_fen is not None:
        extra.append(("预存余额", yuan(doc.prepaid_balance_after_fen)))
    if extra:
        pdf.y -= 4
        pdf.field_grid(extra, 9.5, columns=3)

    qr_size = 30 * mm
    pdf.ensure(qr_size + 24)
    pdf.y -= 10
    if doc.footer:
        pdf.para(doc.footer, 9, width=inner - qr_size - 8 * mm)
    if doc.qr_payload:
        qy = max(pdf.bottom + 10, pdf.y - qr_size)
        pdf.qr(doc.qr_payload, pdf.right - qr_size, qy, qr_size)
        pdf.text(pdf.right - qr_size / 2, qy - 8, QR_CAPTION, 7.5, align="center", gray=0.35)
    sign_y = pdf.bottom + 26
    pdf.text(pdf.left, sign_y, f"收款单位：{doc.community}　（盖章）", 9.5)
    pdf.text(pdf.left, sign_y - 16, f"收款人：{doc.cashier}", 9.5)
    pdf.footer(f"PropDesk · {doc.receipt_no}")
    pdf.save()
