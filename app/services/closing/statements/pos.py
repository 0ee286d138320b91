"""Bank-card POS settlement / transaction export (银行卡收单对账单): a CSV whose layout
differs by acquirer, so its columns are found by header aliases (like the imports): the
header row is the first of the first 15 rows naming a reference and an amount column. Title
rows above it (银行名称、商户编号：…) are skipped; a 合计/总计 row after the lines is checked
against them. 交易类型 消费 is a payment; 退货/撤销/消费撤销/退款 a refund (negative), with its
own 参考号. UTF-8 (with or without BOM) or GBK, as the bank's portal or Excel saved it."""

from __future__ import annotations

import csv
import io

from app.errors import Msg
from app.services.closing.statements.common import (Line, Parsed, decode, fail, money_fen, parse_day, parse_dt,
                                                    split_lines)

ALIASES: dict[str, tuple[str, ...]] = {
    "reference": ("参考号", "检索参考号", "系统参考号", "交易参考号", "参考号码"),
    "amount": ("交易金额", "金额", "交易本金", "消费金额"),
    "voucher": ("凭证号", "流水号", "终端流水号", "凭证号码"),
    "batch": ("批次号", "交易批次号"),
    "terminal": ("终端号", "终端编号"),
    "kind": ("交易类型", "交易名称"),
    "day": ("交易日期", "清算日期"),
    "time": ("交易时间",),
    "datetime": ("交易日期时间",),
    "merchant": ("商户号", "商户编号", "商户代码"),
    "fee": ("手续费",),
}
PAY_KINDS = {"消费"}
REFUND_KINDS = {"退货", "撤销", "消费撤销", "退款"}
TOTAL_WORDS = ("合计", "总计")


def _norm(h: str) -> str:
    h = h.strip().lstrip("\ufeff").replace("（", "(").replace("）", ")").replace(" ", "")
    return h.removesuffix("(元)")


def _find_header(rows: list[list[str]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(rows[:15]):
        names = [_norm(c) for c in row]
        found: dict[str, int] = {}
        for key, aliases in ALIASES.items():
            for a in aliases:
                if a in names:
                    found[key] = names.index(a)
                    break
        if "reference" in found and "amount" in found:
            return i, found
    return None


def parse(data: bytes, file: str) -> Parsed:
    text = decode(data, file, ("utf-8-sig", "gbk"), "UTF-8/GBK")
    lines = split_lines(text)
    if not lines:
        raise fail("closing.file.empty", file)
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    found = _find_header(rows)
    if found is None:
        raise fail("closing.file.not_statement", file, 1, kind=Msg.of("closing.source.pos"))
    at, col = found
    width = len(rows[at])
    out: list[Line] = []
    account = None
    total_row = None
    for i in range(at + 1, len(rows)):
        cells = [c.strip() for c in rows[i]]
        lno = i + 1
        if not any(cells):
            continue
        if any(c.startswith(TOTAL_WORDS) for c in cells[:3]):
            total_row = (lno, cells)
            continue
        if total_row is not None or len(cells) != width:
            raise fail("closing.file.bad_line", file, lno, expected=width, found=len(cells))
        ref = cells[col["reference"]].lstrip("'`")
        if not ref:
            raise fail("closing.file.missing_value", file, lno, column=rows[at][col["reference"]])
        amount = money_fen(cells[col["amount"]], file, lno, rows[at][col["amount"]])
        kind = cells[col["kind"]] if "kind" in col else ("消费" if amount >= 0 else "退货")
        if kind in REFUND_KINDS:
            amount = -abs(amount)
            k = "refund"
        elif kind in PAY_KINDS:
            k = "pay"
        else:
            raise fail("closing.file.bad_value", file, lno, column=rows[at][col["kind"]], value=kind)
        when = None
        if "datetime" in col and cells[col["datetime"]]:
            when = parse_dt(cells[col["datetime"]], file, lno, rows[at][col["datetime"]])
        elif "day" in col:
            d = parse_day(cells[col["day"]], file, lno, rows[at][col["day"]])
            t = cells[col["time"]] if "time" in col else ""
            when = parse_dt(f"{d.isoformat()} {t or '00:00:00'}", file, lno, rows[at][col.get("time", col["day"])])
        merchant = cells[col["merchant"]] if "merchant" in col else None
        if merchant:
            if account is None:
                account = merchant
            elif merchant != account:
                raise fail("closing.file.mixed_accounts", file, lno, account=merchant, first=account)
        fee = money_fen(cells[col["fee"]], file, lno, "手续费", max_places=5) if "fee" in col and cells[col["fee"]] else 0
        extra = {k2: cells[col[k2]] for k2 in ("voucher", "batch", "terminal") if k2 in col}
        out.append(Line(lno, k, ref, amount, when, fee_fen=fee, extra=extra))
    if total_row is not None:
        lno, cells = total_row
        amount_cell = cells[col["amount"]] if len(cells) > col["amount"] else ""
        if amount_cell:
            total = money_fen(amount_cell, file, lno, rows[at][col["amount"]])
            if total not in (sum(x.amount_fen for x in out), sum(abs(x.amount_fen) for x in out)):
                raise fail("closing.file.summary_mismatch", file, lno, count=len(out), rows=len(out), total=total,
                           lines_total=sum(x.amount_fen for x in out), refunds=0, lines_refunds=0)
    return Parsed("pos", file, account, out)
