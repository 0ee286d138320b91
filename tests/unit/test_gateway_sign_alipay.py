"""Alipay RSA2 (SHA256withRSA, PKCS#1 v1.5) request signatures and reply verification, with
real RSA keys made here, checked in both directions against `cryptography` used directly."""

import base64
import json
from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app import clock
from drivers.gateways import _common
from drivers.gateways import alipay as ali


@pytest.fixture(scope="module")
def keys():
    app_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    alipay_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return app_key, alipay_key


def _pem_private(key) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _pem_public(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _bare(pem: str) -> str:
    """The way Alipay's key tool and open platform show keys: base64 without PEM lines."""
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


def _driver(keys, **extra):
    app_key, alipay_key = keys
    return ali.Alipay({"app_id": "2021000000000001", "private_key": _pem_private(app_key),
                       "alipay_public_key": _pem_public(alipay_key), **extra})


def test_sign_content_is_sorted_non_empty_params_without_sign():
    params = {"method": "alipay.trade.pay", "app_id": "2014072300007148", "sign": "x", "notify_url": "",
              "biz_content": '{"a":"b"}', "charset": "utf-8"}
    assert ali.sign_content(params) == 'app_id=2014072300007148&biz_content={"a":"b"}&charset=utf-8&method=alipay.trade.pay'


def test_request_signature_verifies_with_the_app_public_key(keys, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 2, 1, 30, 5, tzinfo=timezone.utc))
    d = _driver(keys)
    params = d.request_params("alipay.trade.pay", {"out_trade_no": "P1", "scene": "bar_code", "auth_code": "28763443825664394",
                                                   "total_amount": "12.30", "subject": "物业费"})
    assert params["timestamp"] == "2026-12-02 09:30:05"  # Beijing time
    assert (params["format"], params["charset"], params["sign_type"], params["version"]) == ("JSON", "utf-8", "RSA2", "1.0")
    assert json.loads(params["biz_content"])["subject"] == "物业费"
    content = ali.sign_content(params).encode("utf-8")
    keys[0].public_key().verify(base64.b64decode(params["sign"]), content, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(InvalidSignature):
        keys[0].public_key().verify(base64.b64decode(params["sign"]), content + b"x", padding.PKCS1v15(), hashes.SHA256())


def test_timestamp_is_beijing_time_whatever_the_business_zone(keys, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 2, 1, 30, 5, tzinfo=timezone.utc))
    clock.set_zone("Asia/Urumqi")
    try:
        assert _driver(keys).timestamp() == "2026-12-02 09:30:05"
    finally:
        clock.set_zone(None)


def test_reply_signed_by_cryptography_verifies_and_a_changed_one_does_not(keys):
    alipay_key = keys[1]
    text = '{"code":"10000","msg":"Success","total_amount":"12.30"}'
    sig = base64.b64encode(alipay_key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
    pub = ali.load_public_key(_pem_public(alipay_key))
    assert ali.rsa2_verify(text, sig, pub)
    assert not ali.rsa2_verify(text.replace("12.30", "12.31"), sig, pub)
    assert not ali.rsa2_verify(text, sig, ali.load_public_key(_pem_public(keys[0])))  # another key
    assert not ali.rsa2_verify(text, "not base64!", pub)


def test_rsa2_sign_is_pkcs1v15_sha256(keys):
    sig = ali.rsa2_sign("a=1&b=2", keys[0])
    keys[0].public_key().verify(base64.b64decode(sig), b"a=1&b=2", padding.PKCS1v15(), hashes.SHA256())


def test_keys_load_as_pem_bare_base64_or_a_file(keys, tmp_path):
    app_key, _ = keys
    pem = _pem_private(app_key)
    pkcs1 = app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                  serialization.NoEncryption()).decode()
    n = app_key.private_numbers().public_numbers.n
    assert ali.load_private_key(pem).private_numbers().public_numbers.n == n
    assert ali.load_private_key(_bare(pem)).private_numbers().public_numbers.n == n
    assert ali.load_private_key(pkcs1).private_numbers().public_numbers.n == n
    assert ali.load_public_key(_bare(_pem_public(app_key))).public_numbers().n == n
    f = tmp_path / "app_private_key.txt"
    f.write_text(_bare(pem))
    assert ali.load_private_key(_common.key_text(str(f))).private_numbers().public_numbers.n == n


def test_unreadable_key_is_an_input_error_naming_it(keys):
    from app.errors import InputError

    with pytest.raises(InputError) as e:
        _driver(keys, alipay_public_key="not a key")
    assert e.value.code == "gateway.key_unreadable" and "alipay_public_key" in e.value.text("en")
    assert "支付宝" in e.value.text("zh")


def test_the_response_node_is_cut_out_exactly_as_written():
    node = '{"code": "10000", "msg": "Success", "subject": "\\u7269\\u4e1a {x}, \\"y\\"", "n": {"a": [1, 2]}}'
    body = '{"alipay_trade_pay_response": ' + node + ' ,\n "sign":"SIG=="}'
    assert ali.response_node(body, "alipay.trade.pay") == ("alipay_trade_pay_response", node, "SIG==")
    # the sign may come first, and a node of another method is not taken for this one
    body2 = '{"sign":"S2","alipay_trade_query_response":{"code":"10000"},"alipay_trade_pay_response":{"code":"40004"}}'
    assert ali.response_node(body2, "alipay.trade.pay") == ("alipay_trade_pay_response", '{"code":"40004"}', "S2")


def test_error_response_and_unsigned_replies():
    body = '{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}}'
    assert ali.response_node(body, "alipay.trade.pay") == (
        "error_response", '{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature"}', None)


@pytest.mark.parametrize("body", ["", "<html>502</html>", "[]", '{"other_response":{}}', '{"alipay_trade_pay_response":'])
def test_replies_without_the_node_give_none(body):
    assert ali.response_node(body, "alipay.trade.pay") is None


@pytest.mark.parametrize("fen,yuan", [(0, "0.00"), (1, "0.01"), (1230, "12.30"), (100000, "1000.00")])
def test_amounts_are_yuan_with_two_decimals_both_ways(fen, yuan):
    assert _common.fen_to_yuan(fen) == yuan
    assert _common.yuan_to_fen(yuan) == fen


@pytest.mark.parametrize("text", ["12.345", "abc", None, "-1.00"])
def test_inexact_or_bad_reply_amounts_are_not_amounts(text):
    assert _common.yuan_to_fen(text) is None


def test_float_or_negative_amounts_are_refused():
    with pytest.raises(ValueError):
        _common.fen_to_yuan(12.3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        _common.fen_to_yuan(-1)


def test_the_documented_string_to_sign():
    """The request sample of Alipay's open-platform doc 自行实现签名 (筛选并排序 → 拼接), as
    mirrored e.g. in the SOP project's sign.html: every non-empty parameter but `sign`,
    `sign_type` included, sorted by name, `k=v` joined by `&`, values as they are."""
    biz = ('{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"},{"name":"查询","subButton":'
           '[{"actionParam":"ZFB_YECX","actionType":"out","name":"余额查询"},{"actionParam":"ZFB_LLCX","actionType":'
           '"out","name":"流量查询"},{"actionParam":"ZFB_HFCX","actionType":"out","name":"话费查询"}]},{"actionParam":'
           '"http://m.alipay.com","actionType":"link","name":"最新优惠"}]}')
    params = {"app_id": "2014072300007148", "method": "alipay.mobile.public.menu.add", "charset": "GBK",
              "sign_type": "RSA2", "timestamp": "2014-07-24 03:07:50", "biz_content": biz,
              "sign": "e9zEAe4TTQ4LPLQvETPoLGXTiURcxiAKfMVQ6Hrrsx2hmyIEGvSfAQzbLxHrhyZ48wOJXTsD4FPnt+YGdK57+fP1BCbf9rIV"
                      "ycfjhYCqlFhbTu9pFnZgT55W+xbAFb9y7vL0MyAxwXUXvZtQVqEwW7pURtKilbcBTEW7TAxzgro=",
              "version": "1.0"}
    assert ali.sign_content(params) == (
        "app_id=2014072300007148&biz_content=" + biz + "&charset=GBK&method=alipay.mobile.public.menu.add"
        "&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0")


@pytest.mark.parametrize("amount", [0, -5, 12.3, True, "1230"])
def test_both_drivers_refuse_a_non_fen_amount_before_sending(keys, amount):
    from drivers.gateways.wechat import WeChatPay

    class NoNetwork:
        def post(self, *a, **kw):  # noqa: ANN002, ANN003
            raise AssertionError("nothing may be sent")

    wechat = WeChatPay({"appid": "wx1", "mch_id": "1", "key": "k" * 32, "cert": "c", "cert_key": "k"}, session=NoNetwork())
    alipay = _driver(keys)
    alipay.session = NoNetwork()
    for call in (lambda: wechat.pay("P", "134567890123456789", amount, "x"),
                 lambda: wechat.refund("P", "R", 100, amount, "x"),
                 lambda: alipay.pay("P", "284567890123456789", amount, "x"),
                 lambda: alipay.refund("P", "R", 100, amount, "x")):
        with pytest.raises(ValueError):
            call()

_json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                            max_leaves=8)


@hsettings(max_examples=100, deadline=None)
@given(node=st.dictionaries(st.text(max_size=8), _json_values, max_size=5), ascii_only=st.booleans(),
       spaced=st.booleans(), sign_first=st.booleans())
def test_the_node_text_is_cut_out_byte_for_byte_however_it_is_written(node, ascii_only, spaced, sign_first):
    seps = (", ", ": ") if spaced else (",", ":")
    text = json.dumps(node, ensure_ascii=ascii_only, separators=seps)
    member = f'"alipay_trade_query_response"{seps[1]}{text}'
    sign = '"sign":"QUJD"'
    body = "{" + (sign + "," + member if sign_first else member + seps[0] + sign) + "}"
    assert ali.response_node(body, "alipay.trade.query") == ("alipay_trade_query_response", text, "QUJD")
