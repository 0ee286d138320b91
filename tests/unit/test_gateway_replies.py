"""How each driver reads replies it is handed (no network: a fake session returns crafted
bodies). The emulator tests cover the conversation; these pin the edge cases of belief."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from drivers.gateways import alipay as ali
from drivers.gateways import wechat as wx

KEY = "k" * 32
MERCHANT = {"appid": "wx1", "mch_id": "1900000109"}


@dataclass
class Reply:
    status_code: int
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


class FakeSession:
    def __init__(self, status: int, body: bytes) -> None:
        self.reply = Reply(status, body)
        self.sent: list[dict] = []

    def post(self, url, data=None, **kw):  # noqa: ANN001, ANN003
        self.sent.append({"url": url, "data": data, **kw})
        return self.reply


def wechat_with(body: dict | bytes, status: int = 200, sign: bool = True) -> wx.WeChatPay:
    if isinstance(body, dict):
        fields = {"return_code": "SUCCESS", **MERCHANT, "nonce_str": "n", **body}
        if sign:
            fields["sign"] = wx.sign(fields, KEY)
        body = wx.to_xml(fields)
    return wx.WeChatPay({**MERCHANT, "key": KEY, "cert": "c", "cert_key": "k", "reverse_tries": 2, "retry_wait": 0},
                        session=FakeSession(status, body))


PAID = {"result_code": "SUCCESS", "transaction_id": "4200000000000000000000000001", "total_fee": "1230",
        "out_trade_no": "P1"}


def test_wechat_signed_success_is_success():
    r = wechat_with(PAID).pay("P1", "134567890123456789", 1230, "x")
    assert (r.state, r.transaction_id, r.amount_fen) == ("success", PAID["transaction_id"], 1230)


@pytest.mark.parametrize("body,sign,status,code", [
    (PAID, False, 200, "BAD_SIGNATURE"),  # a success without a signature
    ({**PAID, "total_fee": "1"}, True, 200, "AMOUNT_MISMATCH"),  # paid, but not this amount
    ({**PAID, "out_trade_no": "P2"}, True, 200, "OUT_TRADE_NO_MISMATCH"),
    ({**PAID, "mch_id": "1900000999"}, True, 200, "MERCHANT_MISMATCH"),
    ({**PAID, "transaction_id": ""}, True, 200, "AMOUNT_MISMATCH"),
    ({"result_code": "FAIL", "err_code": "ORDERPAID"}, True, 200, "ORDERPAID"),
    ({"result_code": "FAIL", "err_code": "BANKERROR"}, True, 200, "BANKERROR"),
    ({"result_code": "FAIL", "err_code": "SOMETHING_NEW"}, True, 200, "SOMETHING_NEW"),
    (b"<html>bad gateway</html>", True, 502, "HTTP_502"),
    (b"not xml at all", True, 200, "BAD_REPLY"),
])
def test_wechat_pay_replies_that_are_not_believed_are_unknown(body, sign, status, code):
    r = wechat_with(body, status=status, sign=sign).pay("P1", "134567890123456789", 1230, "x")
    assert (r.state, r.code) == ("unknown", code)


def test_wechat_a_wrong_signature_on_a_refusal_is_unknown_too():
    body = wx.to_xml({"return_code": "FAIL", "return_msg": "签名错误", "sign": "0" * 32})
    assert wechat_with(body).pay("P1", "134567890123456789", 1230, "x").state == "unknown"


@pytest.mark.parametrize("err", ["NOTENOUGH", "AUTHCODEEXPIRE", "AUTH_CODE_INVALID", "ORDERREVERSED"])
def test_wechat_definite_declines_are_failed_with_the_code(err):
    r = wechat_with({"result_code": "FAIL", "err_code": err, "err_code_des": "x"}).pay("P1", "1", 1230, "x")
    assert (r.state, r.code) == ("failed", err)


@pytest.mark.parametrize("trade_state,state", [("USERPAYING", "paying"), ("NOTPAY", "failed"), ("PAYERROR", "failed"),
                                              ("CLOSED", "closed"), ("REVOKED", "reversed"), ("REFUND", "refunded"),
                                              ("SOMETHING_NEW", "unknown")])
def test_wechat_query_trade_states(trade_state, state):
    r = wechat_with({"result_code": "SUCCESS", "trade_state": trade_state, "out_trade_no": "P1"}).query("P1")
    assert r.state == state


def test_wechat_query_refusal_is_unknown_not_failed():
    body = wx.to_xml({"return_code": "FAIL", "return_msg": "签名错误"})
    assert wechat_with(body).query("P1").state == "unknown"


def test_wechat_reverse_recall_is_bounded():
    g = wechat_with({"result_code": "FAIL", "err_code": "SYSTEMERROR", "recall": "Y"})
    r = g.reverse("P1")
    assert r.state == "unknown" and len(g.session.sent) == 2
    assert all(s["cert"] == ("c", "k") for s in g.session.sent)


def test_wechat_request_is_signed_xml_with_the_sign_type():
    g = wechat_with(PAID)
    g.sign_type = "HMAC-SHA256"
    g.pay("P1", "134567890123456789", 1230, "物业费")
    sent = wx.from_xml(g.session.sent[0]["data"])
    assert sent["sign_type"] == "HMAC-SHA256" and wx.verify(sent, KEY, "HMAC-SHA256")
    assert (sent["total_fee"], sent["body"], sent["appid"], sent["mch_id"]) == ("1230", "物业费", "wx1", "1900000109")
    assert len(sent["nonce_str"]) == 32 and g.session.sent[0].get("cert") is None


# --- Alipay ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keys():
    return (rsa.generate_private_key(public_exponent=65537, key_size=2048),
            rsa.generate_private_key(public_exponent=65537, key_size=2048))


def alipay_with(keys, method: str, node: dict | None, signed: bool = True, raw: bytes | None = None,
                status: int = 200) -> ali.Alipay:
    app_key, alipay_key = keys
    if raw is None:
        text = json.dumps(node, ensure_ascii=False)
        name = method.replace(".", "_") + "_response"
        raw = (f'{{"{name}":{text}' + (f',"sign":"{ali.rsa2_sign(text, alipay_key)}"' if signed else "") + "}").encode()
    pem = app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    pub = alipay_key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return ali.Alipay({"app_id": "2021", "private_key": pem, "alipay_public_key": pub},
                      session=FakeSession(status, raw))


APAID = {"code": "10000", "msg": "Success", "trade_no": "2026120222001400000000000001", "out_trade_no": "P1",
         "total_amount": "12.30"}


def test_alipay_signed_success_is_success(keys):
    r = alipay_with(keys, "alipay.trade.pay", APAID).pay("P1", "284567890123456789", 1230, "x")
    assert (r.state, r.amount_fen, r.transaction_id) == ("success", 1230, APAID["trade_no"])


@pytest.mark.parametrize("node,signed,code", [
    (APAID, False, "BAD_SIGNATURE"),
    ({**APAID, "total_amount": "12.31"}, True, "AMOUNT_MISMATCH"),
    ({"code": "40004", "sub_code": "ACQ.TRADE_HAS_SUCCESS"}, True, "ACQ.TRADE_HAS_SUCCESS"),
    ({"code": "40004", "sub_code": "ACQ.SYSTEM_ERROR"}, True, "ACQ.SYSTEM_ERROR"),
    ({"code": "20000", "sub_code": "isp.unknow-error"}, True, "isp.unknow-error"),
    ({"code": "40004", "sub_code": "ACQ.PAYMENT_AUTH_CODE_INVALID"}, False, "BAD_SIGNATURE"),  # unsigned decline
])
def test_alipay_pay_replies_that_are_not_believed_are_unknown(keys, node, signed, code):
    r = alipay_with(keys, "alipay.trade.pay", node, signed=signed).pay("P1", "284567890123456789", 1230, "x")
    assert (r.state, r.code) == ("unknown", code)


def test_alipay_a_reply_signed_by_another_key_is_unknown(keys):
    # the reply is signed with the app's key, not Alipay's
    text = json.dumps(APAID)
    raw = f'{{"alipay_trade_pay_response":{text},"sign":"{ali.rsa2_sign(text, keys[0])}"}}'.encode()
    r = alipay_with(keys, "alipay.trade.pay", None, raw=raw).pay("P1", "284567890123456789", 1230, "x")
    assert (r.state, r.code) == ("unknown", "BAD_SIGNATURE")


@pytest.mark.parametrize("raw,status,code", [(b"<html>502</html>", 502, "HTTP_502"), (b"{}", 200, "BAD_REPLY"),
                                             (b"<html>ok</html>", 200, "BAD_REPLY")])
def test_alipay_broken_replies_are_unknown(keys, raw, status, code):
    r = alipay_with(keys, "alipay.trade.pay", None, raw=raw, status=status).pay("P1", "284567890123456789", 1230, "x")
    assert (r.state, r.code) == ("unknown", code)


@pytest.mark.parametrize("status,state", [("TRADE_SUCCESS", "success"), ("TRADE_FINISHED", "success"),
                                          ("WAIT_BUYER_PAY", "paying"), ("TRADE_CLOSED", "closed"), ("NEW", "unknown")])
def test_alipay_query_trade_status(keys, status, state):
    g = alipay_with(keys, "alipay.trade.query", {**APAID, "trade_status": status})
    assert g.query("P1").state == state


def test_alipay_unsigned_refusal_counts_only_for_pay(keys):
    refusal = {"code": "40002", "msg": "Invalid Arguments", "sub_code": "isv.invalid-signature"}
    assert alipay_with(keys, "alipay.trade.pay", refusal, signed=False).pay("P1", "2", 1230, "x").state == "failed"
    assert alipay_with(keys, "alipay.trade.query", refusal, signed=False).query("P1").state == "unknown"
    assert alipay_with(keys, "alipay.trade.cancel", refusal, signed=False).reverse("P1").state == "unknown"


def test_alipay_cancel_retry_flag_is_bounded(keys):
    g = alipay_with(keys, "alipay.trade.cancel", {"code": "40004", "sub_code": "ACQ.SYSTEM_ERROR", "retry_flag": "Y"})
    g.reverse_tries, g.retry_wait = 3, 0
    assert g.reverse("P1").state == "unknown" and len(g.session.sent) == 3


def test_alipay_request_is_the_published_form(keys):
    g = alipay_with(keys, "alipay.trade.pay", APAID)
    g.pay("P1", "284567890123456789", 1230, "物业费")
    sent = g.session.sent[0]["data"]
    assert sent["method"] == "alipay.trade.pay" and sent["sign_type"] == "RSA2" and sent["app_id"] == "2021"
    assert json.loads(sent["biz_content"]) == {"out_trade_no": "P1", "scene": "bar_code",
                                               "auth_code": "284567890123456789", "total_amount": "12.30",
                                               "subject": "物业费"}
    pub = keys[0].public_key()
    assert ali.rsa2_verify(ali.sign_content(sent), sent["sign"], pub)
