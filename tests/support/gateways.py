"""The gateway emulator ready for tests of the payment flow (issue 12): one call gives a
running emulator and the merchant settings of both gateways pointing at it.

    from tests.support.gateways import running_emulator

    def test_something(tmp_path):
        with running_emulator(tmp_path) as (emu, settings):
            emu.script("134567890123456789", {"outcome": "paying", "queries": 2})
            gw = open_gateway("wechat", settings["wechat"])   # drivers.gateways.factory
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from drivers.gateways.emulator import GatewayEmulator

WECHAT_CODE = "134567890123456789"  # a WeChat 付款码 (10–15, 18 digits)
ALIPAY_CODE = "284567890123456789"  # an Alipay 付款码 (25–30, 16–24 digits)


@functools.lru_cache(maxsize=1)
def app_keys() -> tuple[str, str, str]:
    """(app private PEM, app public PEM, emulator's Alipay private PEM), made once per run:
    RSA key generation is the slow part."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    def pem(key) -> str:  # noqa: ANN001
        return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()

    app = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    emu = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = app.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem(app), public, pem(emu)


@contextmanager
def running_emulator(tmp_path: Path, **extra: Any) -> Iterator[tuple[GatewayEmulator, dict[str, dict[str, Any]]]]:
    """A started emulator and {"wechat": settings, "alipay": settings} for the factory;
    `extra` settings (e.g. http_timeout=0.5, pay_timeout=…) go to both. Reversals are
    repeated without a pause (retry_wait 0)."""
    app_private, app_public, emu_private = app_keys()
    emu = GatewayEmulator(wechat_key="e" * 32, alipay_app_public_key=app_public, alipay_private_key=emu_private)
    url = emu.start()
    cert, cert_key = tmp_path / "apiclient_cert.pem", tmp_path / "apiclient_key.pem"
    cert.write_text("emulator: plain HTTP, the certificate is passed but not used\n")
    cert_key.write_text("emulator\n")
    common = {"http_timeout": 10, "retry_wait": 0, **extra}
    settings = {
        "wechat": {"appid": emu.wechat_appid, "mch_id": emu.wechat_mch_id, "key": emu.wechat_key, "sign_type": "MD5",
                   "cert": str(cert), "cert_key": str(cert_key), "base_url": url, **common},
        "alipay": {"app_id": emu.alipay_app_id, "private_key": app_private, "alipay_public_key": emu.alipay_public_key_pem,
                   "base_url": url + "/gateway.do", **common},
    }
    try:
        yield emu, settings
    finally:
        emu.stop()
