"""The shift handover report (交接班报表), A4: per tender what the books expect against what
was counted, the drawer count by denomination, voids with reasons, and signature lines."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from app.printing.pdf_base import Col, PdfDoc, yuan
from app.printing.pdf_model import ShiftReport
from app.printing.receipt_doc import format_local, tender_name


def _denomination(fen: int) -> str:
    if fen >= 100:
        return f"{fen // 100} 元" if fen % 100 == 0 else f"{yuan(fen)} 元"
    return f"{fen // 10} 角" if fen % 10 == 0 else f"{fen} 分"


def _signed(fen: int | None) -> str:
    if fen is None:
        return "—"
    return ("+" if fen > 0 else "") + yuan(fen)


def shift_report_pdf(report: ShiftReport, path: str | Path) -> None:
    r = report
    pdf = PdfDoc(path, A4, f"交接班报表 {r.shift_id}", margin=16 * mm)
    mid = pdf.width / 2
    pdf.y -= 18
    pdf.text(mid, pdf.y, r.community, 15, bold=True, align="center")
    pdf.y -= 24
    pdf.text(mid, pdf.y, "交接班报表", 19, bold=True, align="center")
    pdf.y -= 6
    pdf.field_grid([("终端", r.terminal), ("收银员", r.cashier), ("班次", r.shift_id),
                    ("收据张数", str(r.receipts_count)), ("开班时间", format_local(r.opened_at)),
                    ("交班时间", format_local(r.closed_at) if r.closed_at else "未交班")], 10.5)
    inner = pdf.right - pdf.left

    pdf.y -= 30
    pdf.text(pdf.left, pdf.y, "一、按收款方式", 12, bold=True)
    pdf.y -= 6
    cols = [Col("收款方式", 34 * mm), Col("笔数", 18 * mm, "right"), Col("系统应收(元)", (inner - 52 * mm) / 3, "right"),
            Col("实点/对账(元)", (inner - 52 * mm) / 3, "right"), Col("差额(元)", (inner - 52 * mm) / 3, "right")]
    rows = [[tender_name(t.method), str(t.count), yuan(t.expected_fen),
             yuan(t.counted_fen) if t.counted_fen is not None else "—", _signed(t.variance_fen)] for t in r.tenders]
    rows.append(["合计", str(sum(t.count for t in r.tenders)), yuan(sum(t.expected_fen for t in r.tenders)), "", ""])
    pdf.table(cols, rows, 9.5, bold_rows=frozenset({len(rows) - 1}))

    pdf.ensure(60)
    pdf.y -= 20
    pdf.text(pdf.left, pdf.y, "二、现金清点", 12, bold=True)
    pdf.y -= 6
    half = inner / 2 - 4 * mm
    cols = [Col("面额", half / 3), Col("张数", half / 3, "right"), Col("金额(元)", half / 3, "right")]
    counted = sorted(r.cash_count, key=lambda c: -c.denomination_fen)
    rows = [[_denomination(c.denomination_fen), str(c.count), yuan(c.amount_fen)] for c in counted]
    rows.append(["实点现金", "", yuan(r.counted_cash_fen)])
    table_top = pdf.y
    pdf.table(cols, rows, 9.5, bold_rows=frozenset({len(rows) - 1}))
    after_table = pdf.y
    # The reconciliation sits beside the count, where the eye compares them.
    x = pdf.left + inner / 2 + 4 * mm
    y = table_top - 16
    for label, value, bold in (("备用金", yuan(r.float_fen), False), ("应有现金（含备用金）", yuan(r.expected_cash_fen), False),
                               ("实点现金", yuan(r.counted_cash_fen), False),
                               ("现金差额", _signed(r.cash_variance_fen), True)):
        pdf.text(x, y, f"{label}：", 10.5, bold=bold)
        pdf.text(pdf.right, y, f"{value} 元", 10.5, bold=bold, align="right")
        y -= 18
    verdict = "账实相符" if r.cash_variance_fen == 0 else ("长款" if r.cash_variance_fen > 0 else "短款")
    pdf.text(x, y, f"结论：{verdict}", 10.5, bold=True)
    pdf.y = min(after_table, y - 8)

    pdf.ensure(60)
    pdf.y -= 20
    pdf.text(pdf.left, pdf.y, f"三、作废收据（{len(r.voids)} 张）", 12, bold=True)
    pdf.y -= 6
    if r.voids:
        cols = [Col("收据号", 52 * mm), Col("金额(元)", 28 * mm, "right"), Col("作废原因", inner - 80 * mm)]
        pdf.table(cols, [[v.receipt_no, yuan(v.amount_fen), v.reason] for v in r.voids], 9.5)
    else:
        pdf.y -= 14
        pdf.text(pdf.left, pdf.y, "无", 10)
    if r.note:
        pdf.y -= 10
        pdf.para(f"备注：{r.note}", 10)

    pdf.ensure(50)
    pdf.y -= 44
    for i, label in enumerate(("交班人签字", "接班人签字", "主管签字")):
        x = pdf.left + i * inner / 3
        pdf.text(x, pdf.y, f"{label}：", 10.5)
        pdf.hline(pdf.y - 2, x0=x + 24 * mm, x1=x + inner / 3 - 6 * mm, width=0.5)
    pdf.footer(f"{r.community} · {r.terminal} · {r.shift_id} · PropDesk")
    pdf.save()
