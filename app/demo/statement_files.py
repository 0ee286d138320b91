"""Statement files in the platforms' real layouts (tests/fixtures/statements/README.md), for
the demo's day to close, the tests and the day-close benchmark. Each takes `StmtLine`s and
returns the file's bytes exactly as the platform would serve them (encoding included)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.money import fen_to_yuan_str


@dataclass(frozen=True)
class StmtLine:
    kind: str  # pay | refund
    trade_no: str  # WeChat 微信订单号 / Alipay 支付宝交易号 / POS 参考号 (of a refund: its own 参考号)
    amount_fen: int  # negative for a refund
    at: datetime  # Beijing time, naive
    out_trade_no: str = ""
    refund_no: str = ""  # 微信退款单号 / 退款批次号
    out_refund_no: str = ""


def _y(fen: int) -> str:
    return fen_to_yuan_str(fen)


WECHAT_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
                 "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
                 "手续费,费率,订单金额,申请退款金额,费率备注")


def wechat_all(lines: Iterable[StmtLine], mch_id: str = "1900000109", appid: str = "wx2421b1c4370ec43b") -> bytes:
    rows, settle, refunds, fees, n = [], 0, 0, 0, 0
    for x in lines:
        n += 1
        refund = x.kind == "refund"
        amount = abs(x.amount_fen)
        fee = round(amount * 6 / 1000)  # 0.60%, the usual rate
        fee = -fee if refund else fee
        settle += 0 if refund else amount
        refunds += amount if refund else 0
        fees += fee
        cells = [x.at.strftime("%Y-%m-%d %H:%M:%S"), appid, mch_id, "0", "", x.trade_no, x.out_trade_no,
                 "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "MICROPAY", "REFUND" if refund else "SUCCESS", "OTHERS", "CNY",
                 "0.00" if refund else _y(amount), "0.00", x.refund_no if refund else "0",
                 x.out_refund_no if refund else "0", _y(amount) if refund else "0.00", "0.00",
                 "ORIGINAL" if refund else "", "SUCCESS" if refund else "", "物业费", "", f"{fee / 100:.5f}", "0.60%",
                 "0.00" if refund else _y(amount), _y(amount) if refund else "0.00", ""]
        rows.append(",".join("`" + c for c in cells))
    summary = ["总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
               ",".join("`" + c for c in (str(n), _y(settle), _y(refunds), "0.00", f"{fees / 100:.5f}", _y(settle),
                                           _y(refunds)))]
    return ("\r\n".join([WECHAT_HEADER, *rows, *summary]) + "\r\n").encode("utf-8")


ALIPAY_HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,"
                 "商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,"
                 "卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")


def alipay_detail(lines: Iterable[StmtLine], day: date, account: str = "20880211096256330156") -> bytes:
    nxt = date.fromordinal(day.toordinal() + 1)
    out = ["#支付宝业务明细查询", f"#账号：[{account}]",
           f"#起始日期：[{day:%Y年%m月%d日} 00:00:00]   终止日期：[{nxt:%Y年%m月%d日} 00:00:00]",
           "#-----------------------------------------业务明细列表----------------------------------------",
           ALIPAY_HEADER]
    t_n = t_sum = r_n = r_sum = 0
    for x in lines:
        refund = x.kind == "refund"
        amount = -abs(x.amount_fen) if refund else x.amount_fen
        fee = round(abs(amount) * 6 / 1000)
        if refund:
            r_n, r_sum = r_n + 1, r_sum + amount
        else:
            t_n, t_sum = t_n + 1, t_sum + amount
        t = x.at.strftime("%Y-%m-%d %H:%M:%S")
        out.append(",".join([f"{x.trade_no}\t", f"{x.out_trade_no}\t", "退款\t" if refund else "交易\t", "物业费", t, t,
                             "\t", "\t", "\t", "\t", "*三(138****1234)\t", _y(amount), _y(amount), "0.00", "0.00",
                             "0.00", "0.00", "0.00", "", "0.00\t", "0.00", f"{x.refund_no}\t" if refund else "\t",
                             _y(fee if refund else -fee), "0.00", ""]))
    out += ["#-----------------------------------------业务明细列表结束------------------------------------",
            f"#交易合计：{t_n}笔，商家实收共{_y(t_sum)}元，商家优惠共0.00元",
            f"#退款合计：{r_n}笔，商家实收退款共{_y(r_sum)}元，商家优惠退款共0.00元",
            f"#导出时间：[{nxt:%Y年%m月%d日} 05:46:49]"]
    return ("\r\n".join(out) + "\r\n").encode("gbk")


POS_HEADER = ("商户号,门店名,终端号,交易时间,交易类型,交易批次号,凭证号,参考号,卡号,卡类别,发卡行机构代码,发卡行名称,交易金额,手续费,"
              "交易日期,交易单号,订单号,商户备注,对接应用号,原始金额,结算金额,产品类型,交易日期时间,姓名")


def pos_settlement(lines: Iterable[StmtLine], merchant: str = "560581048160001", store: str = "物业服务中心",
                   terminal: str = "21045678") -> bytes:
    out = [POS_HEADER]
    for i, x in enumerate(lines, start=1):
        refund = x.kind == "refund"
        amount = abs(x.amount_fen)
        fee = round(amount * 35 / 10000)
        out.append(",".join([merchant, store, terminal, x.at.strftime("%H:%M:%S"), "退货" if refund else "消费",
                             "000001", f"{i:06d}", x.trade_no, "622588******1234", "借记卡", "03080000", "招商银行",
                             _y(amount), _y(-fee if refund else fee), x.at.strftime("%Y-%m-%d"), "", "", "", "",
                             _y(amount), _y(-(amount - fee) if refund else amount - fee), "银行卡",
                             x.at.strftime("%Y-%m-%d %H:%M:%S"), ""]))
    return ("\r\n".join(out) + "\r\n").encode("gbk")
