"""A receipt as rows of a fixed-width roll: what goes where, independent of the wire format.

`layout_receipt` turns a `ReceiptDoc` into `Row`s already wrapped to the roll's columns
(32 on 58 mm, 48 on 80 mm, font A 12×24); `escpos_layout` only encodes them. Keeping the
two apart lets tests check the column rule on plain strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import InputError
from app.money import fen_to_yuan_str
from app.printing.amount_words import yuan_capital
from app.printing.receipt_doc import ReceiptDoc, format_local
from app.printing.width import clean, two_columns, wrap

COLUMNS: dict[int, int] = {58: 32, 80: 48}
QR_CAPTION = "扫码验真 Scan to verify"
VOID_BANNER = "作废 VOID"
REPRINT_BANNER = "重打 REPRINT"


@dataclass(frozen=True)
class Row:
    text: str = ""
    align: str = "left"  # left | center | right
    bold: bool = False
    size: str = "normal"  # normal | 2h (double height) | 2x (double width and height)
    qr: str | None = None  # a QR code row: the payload (text unused)


def columns_for(width_mm: int) -> int:
    try:
        return COLUMNS[width_mm]
    except KeyError:
        raise InputError("print.bad_width", width=width_mm) from None


def _yuan(fen: int) -> str:
    return fen_to_yuan_str(fen)


def _field(label: str, value: str, cols: int) -> list[Row]:
    """'收据号：T1-…' wrapped; continuation lines indent under the value."""
    head = f"{label}："
    indent = 2
    lines = wrap(head + clean(value), cols - indent, first_width=cols)
    return [Row(lines[0])] + [Row(" " * indent + rest) for rest in lines[1:]]


def _pair(left: str, right: str, cols: int, *, bold: bool = False, size: str = "normal",
          indent: int = 2) -> list[Row]:
    return [Row(line, bold=bold, size=size) for line in two_columns(left, right, cols, indent=indent)]


def _centered(text: str, cols: int, *, bold: bool = False, size: str = "normal") -> list[Row]:
    limit = cols // 2 if size == "2x" else cols
    return [Row(line, align="center", bold=bold, size=size) for line in wrap(text, limit)]


def layout_receipt(doc: ReceiptDoc, width_mm: int = 58) -> list[Row]:
    cols = columns_for(width_mm)
    rule = Row("-" * cols)
    rows: list[Row] = []
    rows += _centered(clean(doc.community), cols, bold=True, size="2h")
    rows += _centered(doc.title, cols, bold=True)
    if doc.is_void:
        rows += _centered(VOID_BANNER, cols, bold=True, size="2x")
        rows += _centered(f"作废原因：{clean(doc.void_reason)}", cols)
    if doc.reprint_at is not None:
        rows += _centered(REPRINT_BANNER, cols, bold=True, size="2h")
        rows += _centered(f"重打时间：{format_local(doc.reprint_at)}", cols)
    rows.append(rule)
    rows += _field("收据号", doc.receipt_no, cols)
    rows += _field("终端", doc.terminal, cols)
    rows += _field("时间", format_local(doc.issued_at), cols)
    rows += _field("收银员", doc.cashier, cols)
    rows += _field("房号", doc.room_key, cols)
    if doc.payer:
        rows += _field("缴款人", doc.payer, cols)
    rows.append(rule)
    rows += _pair("项目", "金额(元)", cols)
    for line in doc.lines:
        name = " ".join(p for p in (clean(line.fee_name), clean(line.period)) if p)
        rows += _pair(name, _yuan(line.amount_fen), cols)
        if line.late_fee_fen:
            rows += _pair("  滞纳金", _yuan(line.late_fee_fen), cols, indent=4)
        if line.note:
            first, *rest = wrap(f"  备注：{clean(line.note)}", cols - 4, first_width=cols)
            rows += [Row(first)] + [Row("    " + part) for part in rest]
    rows.append(rule)
    rows += _pair("合计", _yuan(doc.total_fen), cols, bold=True, size="2h")
    rows += _field("大写", yuan_capital(doc.total_fen), cols)
    for t in doc.tenders:
        label = t.display_name + (f" {clean(t.reference)}" if t.reference else "")
        rows += _pair(label, _yuan(t.amount_fen), cols, indent=2)
    if doc.cash_received_fen is not None:
        rows += _pair("实收现金", _yuan(doc.cash_received_fen), cols)
        rows += _pair("找零", _yuan(doc.change_fen), cols, bold=True)
    if doc.prepaid_balance_after_fen is not None:
        rows += _pair("预存余额", _yuan(doc.prepaid_balance_after_fen), cols)
    rows.append(rule)
    if doc.footer:
        rows += _centered(doc.footer, cols)
    if doc.qr_payload:
        rows.append(Row(align="center", qr=doc.qr_payload))
        rows += _centered(QR_CAPTION, cols)
    if doc.is_void:
        rows += _centered(f"*** {VOID_BANNER} ***", cols, bold=True, size="2h")
    return rows
