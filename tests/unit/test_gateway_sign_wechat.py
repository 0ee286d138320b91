"""WeChat Pay v2 signature (签名生成算法) and XML, pinned to the official example.

The example is the one in the WeChat Pay v2 documentation, 安全规范 → 签名算法
(https://pay.weixin.qq.com/wiki/doc/api/micropay.php?chapter=4_3; the same text is mirrored
e.g. in github.com/liuyanliang2015/springMVC WebContent/doc/sign.md): parameters appid
wxd930ea5d5a258f4f, mch_id 10000100, device_info 1000, body test, nonce_str
ibuaiVcKdpRxkhJA, key 192006250b4c09247ec02edce69f6a2d → stringA as below, MD5 sign
9A0A8659F005D6984697E2CA0A9CF3B7, HMAC-SHA256 sign 6A9AE165…70DACD6.
"""

import pytest

from drivers.gateways import wechat as wx

EXAMPLE = {"appid": "wxd930ea5d5a258f4f", "mch_id": "10000100", "device_info": "1000", "body": "test",
           "nonce_str": "ibuaiVcKdpRxkhJA"}
KEY = "192006250b4c09247ec02edce69f6a2d"


def test_the_string_signed_is_the_documented_string_a_plus_key():
    assert wx.sign_string(EXAMPLE, KEY) == (
        "appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA"
        "&key=192006250b4c09247ec02edce69f6a2d")


def test_md5_sign_of_the_official_example():
    assert wx.sign(EXAMPLE, KEY, "MD5") == "9A0A8659F005D6984697E2CA0A9CF3B7"


def test_hmac_sha256_sign_of_the_official_example():
    assert wx.sign(EXAMPLE, KEY, "HMAC-SHA256") == "6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6"


def test_empty_values_and_the_sign_itself_are_left_out():
    params = {**EXAMPLE, "attach": "", "detail": None, "sign": "WHATEVER"}
    assert wx.sign(params, KEY) == "9A0A8659F005D6984697E2CA0A9CF3B7"


@pytest.mark.parametrize("sign_type", ["MD5", "HMAC-SHA256"])
def test_verify_accepts_the_right_sign_and_refuses_any_change(sign_type):
    signed = {**EXAMPLE, "sign": wx.sign(EXAMPLE, KEY, sign_type)}
    assert wx.verify(signed, KEY, sign_type)
    assert wx.verify({**signed, "sign": signed["sign"].lower()}, KEY, sign_type)  # hex case is not meaning
    assert not wx.verify({**signed, "body": "test2"}, KEY, sign_type)
    assert not wx.verify({**signed, "extra": "x"}, KEY, sign_type)  # an added field is signed too
    assert not wx.verify(signed, KEY[:-1] + "0", sign_type)
    assert not wx.verify(EXAMPLE, KEY, sign_type)  # no sign at all
    other = "HMAC-SHA256" if sign_type == "MD5" else "MD5"
    assert not wx.verify(signed, KEY, other)


def test_unknown_sign_type_is_refused():
    with pytest.raises(ValueError):
        wx.sign(EXAMPLE, KEY, "SHA1")


def test_xml_round_trip_escapes_and_keeps_chinese():
    params = {"body": "物业费 <2026-12> & 车位", "total_fee": "1230", "empty": ""}
    data = wx.to_xml(params)
    assert data.startswith(b"<xml><body>") and b"&lt;2026-12&gt; &amp;" in data and b"<empty>" not in data
    assert wx.from_xml(data) == {"body": "物业费 <2026-12> & 车位", "total_fee": "1230"}


def test_cdata_replies_are_read_as_wechat_sends_them():
    reply = b"<xml><return_code><![CDATA[SUCCESS]]></return_code><total_fee>1</total_fee></xml>"
    assert wx.from_xml(reply) == {"return_code": "SUCCESS", "total_fee": "1"}


@pytest.mark.parametrize("data", [b"not xml", b"<html></html>",
                                  b'<!DOCTYPE x [<!ENTITY a "b">]><xml><k>&a;</k></xml>'])
def test_anything_but_a_flat_xml_reply_is_refused(data):
    with pytest.raises(ValueError):
        wx.from_xml(data)


def test_nonce_is_random_and_32_alphanumerics():
    a, b = wx.nonce_str(), wx.nonce_str()
    assert a != b and len(a) == 32 and a.isalnum()
