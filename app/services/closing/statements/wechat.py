"""WeChat Pay 交易账单 (downloadbill, bill_type=ALL): UTF-8 CSV. The first line is the header;
every field of a detail line starts with a backtick (so Excel keeps long ids as text); then the
summary header (总交易单数,应结订单总金额,退款总金额,…) and its one line. Older files name the
amount 总金额 instead of 应结订单金额. A SUCCESS line is a payment (应结订单金额), a REFUND line
a refund (退款金额, its own 微信退款单号), a REVOKED line a reversed order (no money: skipped).
The summary must agree with the lines, else the file was cut short."""

from __future__ import annotations

import csv

from app.errors import Msg
from app.services.closing.statements.common import Line, Parsed, decode, fail, money_fen, parse_dt, split_lines

REQUIRED = ("交易时间", "商户号", "微信订单号", "商户订单号", "交易状态", "微信退款单号", "商户退款单号", "退款金额")
SUMMARY_HEAD = "总交易单数"


def _cells(text: str) -> list[str]:
    return next(csv.reader([text]))


def parse(data: bytes, file: str) -> Parsed:
    lines = split_lines(decode(data, file, ("utf-8",), "UTF-8"))
    if not lines:
        raise fail("closing.file.empty", file)
    header = [h.strip() for h in _cells(lines[0])]
    if not all(h in header for h in REQUIRED):
        raise fail("closing.file.not_statement", file, 1, kind=Msg.of("closing.source.wechat"))
    amount_col = "应结订单金额" if "应结订单金额" in header else "总金额" if "总金额" in header else None
    if amount_col is None:
        raise fail("closing.file.not_statement", file, 1, kind=Msg.of("closing.source.wechat"))
    col = {h: i for i, h in enumerate(header)}
    fee_col = col.get("手续费")
    keep = set(REQUIRED) | {amount_col, "特约商户号", "手续费"}
    wanted = [(h, i) for h, i in col.items() if h in keep]
    out: list[Line] = []
    account: str | None = None
    providers: set[str] = set()
    summary_at = None
    settle_sum = refund_sum = rows = 0
    for n, text in enumerate(lines[1:], start=2):
        if text.startswith(SUMMARY_HEAD):
            summary_at = n
            break
        cells = _cells(text)
        if len(cells) < len(header) or not all(c.startswith("`") for c in cells[:len(header)]):
            raise fail("closing.file.bad_line", file, n, expected=len(header), found=len(cells))
        v = {h: cells[i][1:].strip() for h, i in wanted}
        rows += 1
        mch = v["特约商户号"] if v.get("特约商户号") not in (None, "", "0") else v["商户号"]
        providers.add(v["商户号"])
        if account is None:
            account = mch
        elif mch != account:
            raise fail("closing.file.mixed_accounts", file, n, account=mch, first=account)
        at = parse_dt(v["交易时间"], file, n, "交易时间")
        settle = money_fen(v[amount_col], file, n, amount_col)
        refund = money_fen(v["退款金额"], file, n, "退款金额")
        fee = money_fen(v["手续费"], file, n, "手续费", max_places=5) if fee_col is not None else 0
        settle_sum += settle
        refund_sum += refund
        status = v["交易状态"].upper()
        if status == "SUCCESS":
            if not v["微信订单号"]:
                raise fail("closing.file.missing_value", file, n, column="微信订单号")
            out.append(Line(n, "pay", v["微信订单号"], settle, at, trade_no=v["微信订单号"],
                            out_trade_no=v["商户订单号"] or None, fee_fen=fee))
        elif status == "REFUND":
            if not v["微信退款单号"] or v["微信退款单号"] == "0":
                raise fail("closing.file.missing_value", file, n, column="微信退款单号")
            out.append(Line(n, "refund", v["微信退款单号"], -refund, at, trade_no=v["微信订单号"] or None,
                            out_trade_no=v["商户订单号"] or None, out_refund_no=v["商户退款单号"] or None, fee_fen=fee))
        elif status == "REVOKED":
            continue
        else:
            raise fail("closing.file.bad_value", file, n, column="交易状态", value=v["交易状态"])
    if summary_at is None or summary_at + 1 > len(lines):
        raise fail("closing.file.truncated", file, len(lines), why="summary")
    sums = [c.lstrip("`").strip() for c in _cells(lines[summary_at])]  # the line after the summary header
    heads = [h.strip() for h in _cells(lines[summary_at - 1])]
    s = dict(zip(heads, sums))
    try:
        count = int(s.get("总交易单数", ""))
    except ValueError:
        raise fail("closing.file.bad_value", file, summary_at + 1, column="总交易单数",
                   value=s.get("总交易单数", "")) from None
    settle_total = money_fen(s.get("应结订单总金额", s.get("总交易额", "")), file, summary_at + 1, "应结订单总金额")
    refund_total = money_fen(s.get("退款总金额", s.get("总退款金额", "0")), file, summary_at + 1, "退款总金额")
    if count != rows or settle_total != settle_sum or refund_total != refund_sum:
        raise fail("closing.file.summary_mismatch", file, summary_at + 1, count=count, rows=rows,
                   total=settle_total, lines_total=settle_sum, refunds=refund_total, lines_refunds=refund_sum)
    if len(lines) > summary_at + 1:
        raise fail("closing.file.bad_line", file, summary_at + 2, expected=0, found=len(_cells(lines[summary_at + 1])))
    return Parsed("wechat", file, account, out, aliases=providers)
