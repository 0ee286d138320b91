"""The factory opens a driver for every registered gateway, and refuses unusable settings."""

import pytest

from app.errors import InputError
from app.gateways import GATEWAYS
from app.messages import catalog
from drivers.gateways import factory


def test_every_registered_gateway_has_a_driver():
    assert set(GATEWAYS) <= set(factory.IMPLEMENTATIONS)


def test_the_drivers_carry_their_registry_name_and_the_four_calls():
    from drivers.gateways.alipay import Alipay
    from drivers.gateways.wechat import WeChatPay

    for name, cls in (("wechat", WeChatPay), ("alipay", Alipay)):
        assert cls.name == name
        for call in ("pay", "query", "reverse", "refund"):
            assert callable(getattr(cls, call))


def test_wechat_opens_with_its_settings_and_default_host():
    g = factory.open_gateway("wechat", {"appid": "wx1", "mch_id": "10000100", "key": "k" * 32})
    assert g.name == "wechat" and g.base_url == "https://api.mch.weixin.qq.com" and g.sign_type == "MD5"


def test_unknown_gateway_is_an_input_error():
    with pytest.raises(InputError) as e:
        factory.open_gateway("unionpay", {})
    assert e.value.code == "gateway.unknown" and "unionpay" in e.value.text("en")


@pytest.mark.parametrize("name,settings,key", [
    ("wechat", {"appid": "wx1", "key": "k"}, "mch_id"),
    ("wechat", {"appid": "wx1", "mch_id": "1", "key": " "}, "key"),
    ("alipay", {"app_id": "1", "alipay_public_key": "x"}, "private_key"),
])
def test_a_missing_setting_is_named(name, settings, key):
    with pytest.raises(InputError) as e:
        factory.open_gateway(name, settings)
    assert e.value.code == "gateway.setting_missing"
    assert key in e.value.text("zh") and key in e.value.text("en")


@pytest.mark.parametrize("settings", [{"sign_type": "SHA1"}, {"http_timeout": "soon"}, {"http_timeout": "-1"}])
def test_a_bad_setting_is_named(settings):
    with pytest.raises(InputError) as e:
        factory.open_gateway("wechat", {"appid": "wx1", "mch_id": "1", "key": "k", **settings})
    assert e.value.code == "gateway.setting_bad"


def test_driver_message_codes_are_catalogued():
    for code in ("gateway.unknown", "gateway.setting_missing", "gateway.setting_bad", "gateway.key_unreadable"):
        assert code in catalog()


def _reason(code: str) -> str:
    """The rule written in app/messages/gateways.py: gateway.reason.<code, lowercased, . and - as _>."""
    return "gateway.reason." + code.lower().replace(".", "_").replace("-", "_")


def test_the_reasons_a_cashier_meets_most_have_words():
    from app.errors import Msg
    from app.messages import render

    for code in ("AUTH_CODE_INVALID", "AUTHCODEEXPIRE", "NOTENOUGH", "ACQ.PAYMENT_AUTH_CODE_INVALID",
                 "ACQ.BUYER_BALANCE_NOT_ENOUGH", "RETURN_FAIL", "isv.invalid-signature", "NETWORK", "BAD_SIGNATURE",
                 "CERT_MISSING", "other"):
        assert _reason(code) in catalog(), code
    assert "签名错误" in render(Msg.of(_reason("RETURN_FAIL"), message="签名错误"), "zh")


def test_certificates_kept_as_pem_text_reach_requests_as_private_files():
    """The gateway settings keep the WeChat API certificate as PEM text; requests needs paths."""
    import os
    import stat

    from drivers.gateways import _common

    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    path = _common.pem_path(pem)
    assert path and open(path, encoding="utf-8").read().strip() == pem
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert _common.pem_path(pem) == path  # written once
    assert _common.pem_path("/etc/ssl/cert.pem") == "/etc/ssl/cert.pem" and _common.pem_path("") is None
