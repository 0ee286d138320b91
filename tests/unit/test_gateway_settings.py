"""Gateway settings without a database: where secrets go, validation, out_trade_no form."""

from __future__ import annotations

import sys
import types

import pytest

from app.errors import InputError
from app.services import gateway_settings
from app.services.scan_pay import new_out_trade_no


def _fake_keyring(monkeypatch, backend_cls):  # type: ignore[no-untyped-def]
    store: dict = {}
    kr = types.ModuleType("keyring")
    kr.get_keyring = lambda: backend_cls()
    kr.set_password = lambda svc, k, v: store.__setitem__((svc, k), v)
    kr.get_password = lambda svc, k: store.get((svc, k))
    backends = types.ModuleType("keyring.backends")
    fail = types.ModuleType("keyring.backends.fail")
    fail.Keyring = type("Keyring", (), {})
    backends.fail = fail
    monkeypatch.setitem(sys.modules, "keyring", kr)
    monkeypatch.setitem(sys.modules, "keyring.backends", backends)
    monkeypatch.setitem(sys.modules, "keyring.backends.fail", fail)
    return store, fail


def test_keyring_used_when_it_has_a_real_backend(monkeypatch):
    monkeypatch.delenv("PROPDESK_SECRETS_DIR", raising=False)
    store, _ = _fake_keyring(monkeypatch, type("SecretService", (), {}))
    s = gateway_settings.default_store()
    assert isinstance(s, gateway_settings.KeyringSecretStore)
    s.set("T1/wechat/key", "k")
    assert store == {("PropDesk", "T1/wechat/key"): "k"}


def test_file_store_without_a_usable_keyring(monkeypatch, tmp_path):
    monkeypatch.delenv("PROPDESK_SECRETS_DIR", raising=False)
    _, fail = _fake_keyring(monkeypatch, None)
    sys.modules["keyring"].get_keyring = lambda: fail.Keyring()
    monkeypatch.setattr("platformdirs.user_data_dir", lambda *a, **k: str(tmp_path))
    s = gateway_settings.default_store()
    assert isinstance(s, gateway_settings.FileSecretStore) and s.path.parent == tmp_path


def test_validation_names_every_bad_field():
    with pytest.raises(InputError) as e:
        gateway_settings.validate("wechat", {"appid": "wx 1", "mch_id": "", "sign_type": "SHA1", "cert": "x",
                                             "base_url": "api", "pay_timeout": 0})
    # appid, mch_id, sign type, cert without its key, the API key, base URL, timeout
    assert e.value.code == "gateway.bad_settings" and len(e.value.problems) == 7
    ok = gateway_settings.validate("alipay", {"app_id": "2021", "private_key": "p", "alipay_public_key": "q"})
    assert ok["pay_timeout"] == 60 and ok["base_url"].startswith("https://openapi.alipay.com")
    with pytest.raises(InputError):
        gateway_settings.validate("unionpay", {})


@pytest.mark.parametrize("terminal", ["T1", "ABCDEFGH", "9"])
def test_out_trade_no_fits_both_platforms(terminal):
    nos = [new_out_trade_no(terminal) for _ in range(200)]
    assert all(n.isalnum() and n.isascii() and len(n) <= 32 and n.startswith(terminal) for n in nos)
    assert len(set(nos)) == 200 and nos == sorted(nos)
