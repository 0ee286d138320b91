"""What both drivers share: settings reading, fen/yuan conversion, key material loading."""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from typing import Any

from app.errors import InputError, Msg

# Seconds one HTTP call may take before its outcome is `unknown` (the settings key
# `http_timeout` may override it; it is not in the registry schema because the
# cashier-facing `pay_timeout` is the one a merchant sets).
DEFAULT_HTTP_TIMEOUT = 15.0
# How often a reversal/cancel the gateway asks to repeat (WeChat recall=Y, Alipay
# retry_flag=Y) is sent again before the outcome is left `unknown`.
DEFAULT_REVERSE_TRIES = 5


def label(gateway: str) -> Msg:
    """The gateway's name as the cashier reads it (微信支付 / 支付宝)."""
    return Msg.of(f"gateway.{gateway}")


def required(gateway: str, settings: dict[str, Any], key: str) -> str:
    value = settings.get(key)
    if value is None or str(value).strip() == "":
        raise InputError("gateway.setting_missing", gateway=label(gateway), key=key)
    return str(value).strip()


def number(gateway: str, settings: dict[str, Any], key: str, default: float) -> float:
    value = settings.get(key)
    if value is None or value == "":
        return default
    try:
        n = float(value)
    except (TypeError, ValueError):
        raise InputError("gateway.setting_bad", gateway=label(gateway), key=key, value=str(value)) from None
    if n < 0:
        raise InputError("gateway.setting_bad", gateway=label(gateway), key=key, value=str(value))
    return n


def check_fen(fen: int) -> int:
    """An amount handed to a gateway: a positive integer of fen (a caller's bug otherwise:
    raised before anything is sent, never turned into a gateway outcome)."""
    if isinstance(fen, bool) or not isinstance(fen, int) or fen <= 0:
        raise ValueError(f"amount must be a positive integer of fen, got {fen!r}")
    return fen


def fen_to_yuan(fen: int) -> str:
    """Integer fen as the yuan string the gateways want: 1230 -> "12.30"."""
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
        raise ValueError(f"amount must be a non-negative integer of fen, got {fen!r}")
    return f"{fen // 100}.{fen % 100:02d}"


def yuan_to_fen(text: Any) -> int | None:
    """A yuan string from a reply ("12.30") as fen; None when it is not an exact amount."""
    try:
        d = Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None
    fen = d * 100
    if fen != fen.to_integral_value() or fen < 0:
        return None
    return int(fen)


def transient(result: Any) -> bool:
    """An `unknown` that another try may clear: no answer, or the server's own trouble."""
    code = str(getattr(result, "code", "") or "")
    return code == "NETWORK" or code.startswith("HTTP_5")


def fen_field(text: Any) -> int | None:
    """A fen integer field from a reply ("1230")."""
    s = str(text or "").strip()
    return int(s) if s.isdigit() else None


def key_text(value: str) -> str:
    """Key material given inline (PEM or bare base64, as the platforms' key tools produce) or
    as the path of a file holding it."""
    v = value.strip()
    if "-----BEGIN" not in v and len(v) < 4096 and os.path.isfile(v):
        with open(v, encoding="utf-8") as f:
            return f.read().strip()
    return v


def pem_path(value: str | None) -> str | None:
    """A certificate or key for `requests` (which takes only file paths): a path as given, or
    PEM text (as the gateway settings keep secrets: app/services/gateway_settings.py) written
    once to a file only this user can read, named by its digest so it is written once."""
    v = (value or "").strip()
    if not v:
        return None
    if "-----BEGIN" not in v:
        return v
    import hashlib
    import tempfile

    folder = os.path.join(tempfile.gettempdir(), f"propdesk-pem-{os.getuid() if hasattr(os, 'getuid') else 'u'}")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    path = os.path.join(folder, hashlib.sha256(v.encode()).hexdigest()[:32] + ".pem")
    if not os.path.exists(path):
        fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(v + "\n")
        os.replace(path + ".tmp", path)
    return path
