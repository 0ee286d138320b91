"""How each driver reads refund and refund-query replies (no network: a fake session returns
crafted, signed bodies), and what it sends: WeChat's /secapi/ refund with the merchant
certificate, /pay/refundquery by out_refund_no; Alipay's refund with out_request_no and
alipay.trade.fastpay.refund.query, RSA2-signed."""

from __future__ import annotations

import json

import pytest

from drivers.gateways import alipay as ali
from drivers.gateways import wechat as wx
from tests.unit.test_gateway_replies import KEY, alipay_with, keys, wechat_with  # noqa: F401 — fixture

RQ = {"result_code": "SUCCESS", "out_trade_no": "P1", "refund_count": "1", "out_refund_no_0": "R1",
      "refund_id_0": "50300000000000000000000000001", "refund_fee_0": "1000"}


@pytest.mark.parametrize("status,state", [("SUCCESS", "refunded"), ("PROCESSING", "refunded"),
                                          ("REFUNDCLOSE", "failed"), ("CHANGE", "unknown")])
def test_wechat_refund_query_states(status, state):
    g = wechat_with({**RQ, "refund_status_0": status})
    r = g.refund_query("P1", "R1")
    assert r.state == state
    sent = wx.from_xml(g.session.sent[0]["data"])
    assert g.session.sent[0]["url"].endswith("/pay/refundquery") and sent["out_refund_no"] == "R1"
    assert wx.verify(sent, KEY)
    if state == "refunded":
        assert (r.transaction_id, r.amount_fen) == (RQ["refund_id_0"], 1000)


def test_wechat_refund_query_not_exist_is_failed_and_other_errors_unknown():
    assert wechat_with({"result_code": "FAIL", "err_code": "REFUNDNOTEXIST"}).refund_query("P1", "R1").state == "failed"
    assert wechat_with({"result_code": "FAIL", "err_code": "SYSTEMERROR"}).refund_query("P1", "R1").state == "unknown"
    assert wechat_with({**RQ, "refund_status_0": "SUCCESS"}, sign=False).refund_query("P1", "R1").state == "unknown"
    # a listed refund under another number is not ours
    assert wechat_with({**RQ, "out_refund_no_0": "R9", "refund_status_0": "SUCCESS"}).refund_query("P1", "R1").state \
        == "unknown"


def test_wechat_refund_sends_the_certificate_and_signed_amounts():
    g = wechat_with({"result_code": "SUCCESS", "refund_id": "5030", "refund_fee": "1000"})
    r = g.refund("P1", "R1", 4224, 1000, "多收")
    sent = wx.from_xml(g.session.sent[0]["data"])
    assert r.state == "refunded" and g.session.sent[0]["cert"] == ("c", "k")
    assert g.session.sent[0]["url"].endswith("/secapi/pay/refund")
    assert (sent["out_refund_no"], sent["total_fee"], sent["refund_fee"]) == ("R1", "4224", "1000")
    assert wx.verify(sent, KEY)


AQ = {"code": "10000", "msg": "Success", "trade_no": "2026", "out_trade_no": "P1", "out_request_no": "R1",
      "total_amount": "42.24", "refund_amount": "10.00"}


@pytest.mark.parametrize("node,state", [
    ({**AQ, "refund_status": "REFUND_SUCCESS"}, "refunded"),
    (AQ, "refunded"),  # refund_status empty: refunded, as Alipay documents
    ({"code": "10000", "msg": "Success"}, "failed"),  # no refund data: no refund under that number
    ({"code": "40004", "sub_code": "ACQ.SYSTEM_ERROR"}, "unknown"),
])
def test_alipay_refund_query_states(keys, node, state):  # noqa: F811
    g = alipay_with(keys, "alipay.trade.fastpay.refund.query", node)
    r = g.refund_query("P1", "R1")
    assert r.state == state
    params = g.session.sent[0]["data"]
    assert params["method"] == "alipay.trade.fastpay.refund.query"
    assert json.loads(params["biz_content"]) == {"out_trade_no": "P1", "out_request_no": "R1"}
    assert ali.rsa2_verify(ali.sign_content(params), params["sign"], keys[0].public_key())
    if state == "refunded":
        assert r.amount_fen == 1000


def test_alipay_refund_query_unsigned_is_unknown(keys):  # noqa: F811
    g = alipay_with(keys, "alipay.trade.fastpay.refund.query", {**AQ, "refund_status": "REFUND_SUCCESS"}, signed=False)
    assert g.refund_query("P1", "R1").state == "unknown"
