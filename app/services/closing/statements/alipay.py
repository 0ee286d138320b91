"""Alipay 业务明细 (the `…_业务明细.csv` inside the bill download): GBK CSV. `#` preamble lines
(#支付宝业务明细查询, #账号：[2088…0156], #起始日期：[2019年09月16日 00:00:00] 终止日期：[…], a
#---业务明细列表--- rule), the header (支付宝交易号,商户订单号,业务类型,…,订单金额（元）,商家实收（元）,
…,退款批次号/请求号,服务费（元）,…), lines whose ids are tab-padded ("2019…\t"), then `#` footer
lines: the end rule, #交易合计：N笔，商家实收共X元…, #退款合计：M笔，商家实收退款共-Y元…, #导出时间.
业务类型 交易 is a payment, 退款 a refund (amounts already negative). The footer must agree
with the lines, else the file was cut short."""

from __future__ import annotations

import csv
import re
from datetime import date

from app.errors import Msg
from app.services.closing.statements.common import Line, Parsed, decode, fail, money_fen, parse_dt, split_lines

TITLE = "#支付宝业务明细查询"
REQUIRED = ("支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额（元）")
_ACCOUNT = re.compile(r"#账号[:：]\s*\[?([^\]\s]+)\]?")
_START = re.compile(r"#起始日期[:：]\s*\[(\d{4})年(\d{2})月(\d{2})日")
_TRADES = re.compile(r"#交易合计[:：]\s*(\d+)\s*笔[，,]\s*商家实收共\s*(-?[\d.,]+)\s*元")
_REFUNDS = re.compile(r"#退款合计[:：]\s*(\d+)\s*笔[，,]\s*商家实收退款共\s*(-?[\d.,]+)\s*元")


def _norm(h: str) -> str:
    return h.strip().replace("(", "（").replace(")", "）")


def parse(data: bytes, file: str) -> Parsed:
    text = decode(data, file, ("gbk",), "GBK")
    lines = split_lines(text)
    if not lines:
        raise fail("closing.file.empty", file)
    if lines[0].strip() != TITLE:
        # the same file re-saved as UTF-8 decodes as GBK into nonsense: say which it is
        try:
            if data.lstrip(b"\xef\xbb\xbf").decode("utf-8").startswith(TITLE):
                raise fail("closing.file.encoding", file, 1, expected="GBK")
        except UnicodeDecodeError:
            pass
        raise fail("closing.file.not_statement", file, 1, kind=Msg.of("closing.source.alipay"))
    account = None
    day_from = None
    n = 1
    while n < len(lines) and lines[n].startswith("#"):
        m = _ACCOUNT.match(lines[n].strip())
        if m:
            account = m.group(1)
        m = _START.match(lines[n].strip())
        if m:
            day_from = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        n += 1
    if n >= len(lines):
        raise fail("closing.file.truncated", file, len(lines), why="header")
    header = [_norm(h) for h in next(csv.reader([lines[n]]))]
    if not all(h in header for h in REQUIRED):
        raise fail("closing.file.not_statement", file, n + 1, kind=Msg.of("closing.source.alipay"))
    col = {h: i for i, h in enumerate(header)}
    received = col.get("商家实收（元）", col["订单金额（元）"])
    fee_col = col.get("服务费（元）")
    refund_col = col.get("退款批次号/请求号")
    out: list[Line] = []
    trade_count = refund_count = trade_received = refund_received = 0
    n += 1
    end_at = None
    while n < len(lines):
        raw = lines[n]
        lno = n + 1
        if raw.startswith("#"):
            end_at = n
            break
        cells = [c.strip() for c in next(csv.reader([raw]))] if raw.strip() else []
        if len(cells) != len(header):
            raise fail("closing.file.bad_line", file, lno, expected=len(header), found=len(cells))
        trade_no, kind = cells[col["支付宝交易号"]], cells[col["业务类型"]]
        if not trade_no:
            raise fail("closing.file.missing_value", file, lno, column="支付宝交易号")
        at = parse_dt(cells[col["完成时间"]], file, lno, "完成时间")
        amount = money_fen(cells[col["订单金额（元）"]], file, lno, "订单金额（元）")
        got = money_fen(cells[received], file, lno, header[received])
        fee = money_fen(cells[fee_col], file, lno, "服务费（元）") if fee_col is not None and cells[fee_col] else 0
        out_no = cells[col["商户订单号"]] or None
        if kind == "交易":
            trade_count += 1
            trade_received += got
            out.append(Line(lno, "pay", trade_no, amount, at, trade_no=trade_no, out_trade_no=out_no, fee_fen=fee))
        elif kind == "退款":
            refund_count += 1
            refund_received += got
            batch = cells[refund_col] if refund_col is not None else ""
            out.append(Line(lno, "refund", batch or f"{trade_no}#{lno}", -abs(amount), at, trade_no=trade_no,
                            out_trade_no=out_no, out_refund_no=batch or None, fee_fen=fee))
        else:
            raise fail("closing.file.bad_value", file, lno, column="业务类型", value=kind)
        n += 1
    if end_at is None:
        raise fail("closing.file.truncated", file, len(lines), why="footer")
    footer = "\n".join(x.strip() for x in lines[end_at:])
    mt, mr = _TRADES.search(footer), _REFUNDS.search(footer)
    if not mt:
        raise fail("closing.file.truncated", file, len(lines), why="footer")
    foot_line = end_at + 1 + next(i for i, x in enumerate(lines[end_at:]) if x.startswith("#交易合计"))
    t_count, t_sum = int(mt.group(1)), money_fen(mt.group(2), file, foot_line, "交易合计")
    r_count, r_sum = (int(mr.group(1)), money_fen(mr.group(2), file, foot_line + 1, "退款合计")) if mr else (0, 0)
    if (t_count, t_sum, r_count, -abs(r_sum)) != (trade_count, trade_received, refund_count, -abs(refund_received)):
        raise fail("closing.file.summary_mismatch", file, foot_line, count=t_count + r_count,
                   rows=trade_count + refund_count, total=t_sum, lines_total=trade_received, refunds=r_sum,
                   lines_refunds=refund_received)
    return Parsed("alipay", file, account, out, day_from=day_from)
