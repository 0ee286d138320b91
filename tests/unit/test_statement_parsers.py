"""The statement parsers on published real files (tests/fixtures/statements/README.md), on
files our writer makes in the same layouts, and on bad files: every failure is a coded
InputError naming the file and the line; arbitrary bytes never crash a parser."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.demo.statement_files import StmtLine, alipay_detail, pos_settlement, wechat_all
from app.errors import InputError
from app.services.closing.statements import SOURCES, parse_bytes, read_file

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "statements"
AT = datetime(2026, 12, 20, 10, 30, 0)


def _err(source: str, data: bytes, name: str = "f.csv") -> InputError:
    with pytest.raises(InputError) as e:
        parse_bytes(source, data, name)
    assert e.value.params["file"] == name
    assert name in e.value.text("zh") and name in e.value.text("en")
    return e.value


def test_real_wechat_all_bill():
    p = read_file("wechat", FIX / "wechat_all_wechatpay_go_sdk.csv").parsed
    assert p.account == "1601959334" and len(p.lines) == 3 and p.pay_total_fen == 3
    first = p.lines[0]
    assert (first.reference, first.out_trade_no, first.amount_fen, first.kind) == (
        "4200000925202101284997714292", "S20210128170702357723", 1, "pay")
    assert first.occurred_at == datetime(2021, 1, 28, 17, 7, 11) and first.line_no == 2


def test_real_wechat_excerpt_is_refused_as_truncated_by_its_summary():
    e = _err("wechat", (FIX / "wechat_all_excerpt_29_rows_shown_2.csv").read_bytes(), "wx.csv")
    assert e.code == "closing.file.summary_mismatch" and e.params["line"] == 5
    assert e.params["count"] == 29 and e.params["rows"] == 2


def test_real_alipay_detail_gbk_with_tab_padded_ids_and_refunds():
    p = read_file("alipay", FIX / "alipay_detail_20190916.csv").parsed
    assert p.account == "20880211096256330156" and p.day_from == date(2019, 9, 16)
    assert len(p.lines) == 10 and p.pay_total_fen == 6 and p.refund_total_fen == -4
    refund = p.lines[1]
    assert (refund.kind, refund.reference, refund.trade_no, refund.amount_fen) == (
        "refund", "re_test_1568602607356", "2019091622001458860515315453", -1)
    assert "\t" not in refund.trade_no and p.lines[0].out_trade_no == "service_1568601259302"


def test_pos_file_by_header_aliases():
    p = read_file("pos", FIX / "pos_allinpay_style_20261220.csv").parsed
    assert [(x.kind, x.reference, x.amount_fen) for x in p.lines] == [
        ("pay", "091245123456", 30000), ("pay", "100311654321", 128050), ("refund", "154002777888", -10000)]
    assert p.lines[0].extra == {"voucher": "000101", "batch": "000012", "terminal": "21045678"}
    assert p.account == "56058104816XXXX"


def test_pos_other_aliases_title_rows_and_total_row():
    text = ("XX银行商户交易明细\n商户编号：898310048990001\n"
            "清算日期,终端编号,检索参考号,流水号,交易名称,金额(元)\n"
            "20261220,21045678,123456789012,000123,消费,\"1,200.00\"\n"
            "20261220,21045678,123456789013,000124,撤销,50.00\n"
            "合计,,,,,1150.00\n")
    p = parse_bytes("pos", text.encode("gbk"), "bank.csv").parsed
    assert [(x.reference, x.amount_fen) for x in p.lines] == [("123456789012", 120000), ("123456789013", -5000)]
    e = _err("pos", text.replace("1150.00", "1100.00").encode("utf-8"), "bank.csv")
    assert e.code == "closing.file.summary_mismatch" and e.params["line"] == 6


@pytest.mark.parametrize("writer,source", [
    (lambda ls: wechat_all(ls), "wechat"), (lambda ls: alipay_detail(ls, date(2026, 12, 20)), "alipay"),
    (lambda ls: pos_settlement(ls), "pos")])
def test_writer_round_trip(writer, source):
    lines = [StmtLine("pay", "4200000001202612200000000001", 12345, AT, out_trade_no="T1abc"),
             StmtLine("refund", "4200000001202612200000000001" if source != "pos" else "999999999999", -2345, AT,
                      out_trade_no="T1abc", refund_no="50300000012026122000000000001", out_refund_no="R1")]
    p = parse_bytes(source, writer(lines), "w.csv").parsed
    assert [(x.kind, x.amount_fen) for x in p.lines] == [("pay", 12345), ("refund", -2345)]
    assert p.lines[1].reference == {"wechat": "50300000012026122000000000001", "alipay": "50300000012026122000000000001",
                                    "pos": "999999999999"}[source]


def _wx() -> bytes:
    return wechat_all([StmtLine("pay", f"42000000012026122000000000{i:02d}", 100 + i, AT, out_trade_no=f"T1{i}")
                       for i in range(3)])


def test_wechat_cut_short_before_the_summary():
    data = _wx()
    cut = data[:data.index("总交易单数".encode())]
    e = _err("wechat", cut)
    assert e.code == "closing.file.truncated"


def test_wechat_cut_in_the_middle_of_a_line():
    data = _wx()
    lines = data.split(b"\r\n")
    e = _err("wechat", b"\r\n".join(lines[:2]) + b"\r\n" + lines[2][:40])
    assert e.code in ("closing.file.bad_line", "closing.file.truncated") and e.params["line"] in (3, "-")


def test_wechat_in_gbk_is_a_wrong_encoding_with_its_line():
    e = _err("wechat", _wx().decode("utf-8").encode("gbk"))
    assert e.code == "closing.file.encoding" and e.params["line"] == 1


def test_alipay_saved_as_utf8_is_a_wrong_encoding():
    text = alipay_detail([StmtLine("pay", "2026122022001400000000000001", 100, AT, out_trade_no="T1x")],
                         date(2026, 12, 20)).decode("gbk")
    e = _err("alipay", text.encode("utf-8"))
    assert e.code == "closing.file.encoding" and e.params["expected"] == "GBK"


def test_alipay_without_its_footer_is_truncated():
    data = alipay_detail([StmtLine("pay", "2026122022001400000000000001", 100, AT)], date(2026, 12, 20))
    cut = data[:data.index("#-----------------------------------------业务明细列表结束".encode("gbk"))]
    assert _err("alipay", cut).code == "closing.file.truncated"


def test_alipay_footer_must_agree():
    data = alipay_detail([StmtLine("pay", "2026122022001400000000000001", 100, AT)], date(2026, 12, 20))
    bad = data.replace("商家实收共1.00元".encode("gbk"), "商家实收共2.00元".encode("gbk"))
    assert _err("alipay", bad).code == "closing.file.summary_mismatch"


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_not_a_statement(source):
    e = _err(source, "房号,姓名,面积\n1-1-101,张三,100\n".encode("gbk" if source == "alipay" else "utf-8"))
    assert e.code == "closing.file.not_statement"
    assert _err(source, b"").code == "closing.file.empty"
    assert _err(source, b"PK\x03\x04\x00\x00binary").code == "closing.file.not_text"


def test_duplicate_line_and_bad_amount():
    line = StmtLine("pay", "4200000001202612200000000001", 100, AT)
    assert _err("wechat", wechat_all([line, line])).code in ("closing.file.duplicate_line",)
    bad = _wx().replace(b"`1.00,", b"`1.0x,", 1)
    e = _err("wechat", bad)
    assert e.code == "closing.file.bad_amount" and e.params["line"] == 2


def test_wechat_lines_of_two_merchants_are_refused():
    a = wechat_all([StmtLine("pay", "4200000001202612200000000001", 100, AT)], mch_id="1900000109")
    b = wechat_all([StmtLine("pay", "4200000001202612200000000002", 100, AT)], mch_id="1900000999")
    rows = a.split(b"\r\n")[:2] + b.split(b"\r\n")[1:2]
    summary = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n`2,`2.00,`0.00,`0.00,`0.01000,`2.00,`0.00\r\n"
    e = _err("wechat", b"\r\n".join(rows) + b"\r\n" + summary.encode())
    assert e.code == "closing.file.mixed_accounts" and e.params["line"] == 3


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(SOURCES)), data=st.binary(max_size=600))
def test_fuzz_random_bytes_never_crash(source, data):
    try:
        parse_bytes(source, data, "fuzz.csv")
    except InputError as e:
        assert e.code.startswith("closing.") and e.params["file"] == "fuzz.csv"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=st.sampled_from(sorted(SOURCES)), cut=st.integers(min_value=0, max_value=10_000),
       junk=st.text(max_size=20), amounts=st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=5))
def test_fuzz_mutated_real_layouts(source, cut, junk, amounts):
    """A real-layout file, cut anywhere or with junk spliced in: parsed to the same lines or
    refused with a code — never an exception of another kind, never a silently shorter file."""
    lines = [StmtLine("pay", f"42000000012026122000000{i:05d}", a, AT, out_trade_no=f"T1{i}") for i, a in enumerate(amounts)]
    data = {"wechat": lambda: wechat_all(lines), "alipay": lambda: alipay_detail(lines, date(2026, 12, 20)),
            "pos": lambda: pos_settlement(lines)}[source]()
    cut %= len(data) + 1
    enc = "gbk" if source != "wechat" else "utf-8"
    mutated = data[:cut] + junk.encode(enc, errors="ignore") + data[cut:] if junk else data[:cut]
    try:
        p = parse_bytes(source, mutated, "m.csv").parsed
    except InputError as e:
        assert e.code.startswith("closing.")
        return
    if mutated == data:
        assert [x.amount_fen for x in p.lines] == amounts
    elif source != "pos":  # wechat and alipay carry totals: a parse that succeeds has every line
        assert sum(x.amount_fen for x in p.lines) == sum(amounts)


def test_wechat_older_layout_with_total_amount_column():
    """Before 2019 the ALL bill named the amount 总金额 and its summary 总交易额/总退款金额
    (the layout of WxJava's test sample, tests/fixtures/statements/README.md)."""
    header = ("交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,"
              "代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率")
    row = ("`2014-11-10 16:33:45,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1001690740201411100005734289,`1415640626,"
           "`085e9858e3ba5186aafcbaed1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`0.01,`0.0,`0,`0,`0,`0,`,`,`被扫支付测试,`订单额外描述,`0,`0.60%")
    text = f"{header}\n{row}\n总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额\n`1,`0.01,`0.00,`0.00,`0\n"
    p = parse_bytes("wechat", text.encode("utf-8"), "old.csv").parsed
    assert [(x.reference, x.amount_fen) for x in p.lines] == [("1001690740201411100005734289", 1)]


def test_wechat_sub_merchant_file_names_both_merchants():
    """Service-provider mode: 特约商户号 is the account, the provider's 商户号 an alias of it."""
    data = wechat_all([StmtLine("pay", "4200000001202612200000000001", 100, AT)], mch_id="1900000109")
    data = data.replace(b"`1900000109,`0,", b"`1900000109,`1900000555,")
    p = parse_bytes("wechat", data, "sub.csv").parsed
    assert p.account == "1900000555" and p.aliases == {"1900000109"}
