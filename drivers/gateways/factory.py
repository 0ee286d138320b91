"""`open_gateway(name, settings)`: the `app.gateways.GatewayFactory` the application context
hands to the payment service (app never imports drivers; the CLI and the GUI, which may,
pass this function in)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.errors import InputError
from app.gateways import GATEWAYS, Gateway

# Imported lazily: cryptography is only needed once an Alipay merchant is configured.
def _wechat(settings: dict[str, Any]) -> Gateway:
    from drivers.gateways.wechat import WeChatPay

    return WeChatPay(settings)


def _alipay(settings: dict[str, Any]) -> Gateway:
    from drivers.gateways.alipay import Alipay

    return Alipay(settings)


IMPLEMENTATIONS: dict[str, Callable[[dict[str, Any]], Gateway]] = {"wechat": _wechat, "alipay": _alipay}


def open_gateway(name: str, settings: dict[str, Any]) -> Gateway:
    """The driver for gateway `name` with its merchant settings (the keys of
    `app.gateways.GATEWAYS[name].settings`, secrets included, as values: the API key or key
    PEM text itself, or a path to a file holding it; `cert`/`cert_key` are file paths).
    Raises InputError (gateway.unknown / gateway.setting_missing / gateway.setting_bad /
    gateway.key_unreadable) when the settings cannot make a working driver."""
    if name not in GATEWAYS or name not in IMPLEMENTATIONS:
        raise InputError("gateway.unknown", name=name, known=sorted(GATEWAYS))
    return IMPLEMENTATIONS[name](dict(settings or {}))
