"""The counter's payment-gateway (WeChat Pay / Alipay) merchant settings.

Non-secret settings (appid, mch_id, sign type, base URL, pay timeout, public certificate and
the Alipay public key) are kept in `Terminal.gateways` (JSON), like the printer settings.
Secrets (the WeChat API key and certificate key, the Alipay private key) are never written to
a database row a cashier can read: they go to the OS keyring through `keyring` when a usable
backend exists, otherwise to a file only this OS user can read (0600) in the data dir.
`show` masks them; nothing prints them back. Which keys are secret comes from the registry
`app.gateways.GATEWAYS`."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Terminal
from app.errors import InputError, Problem
from app.gateways import GATEWAYS, GatewayKind
from app.services import audit, users

DEFAULTS: dict[str, dict[str, Any]] = {
    "wechat": {"sign_type": "MD5", "base_url": "https://api.mch.weixin.qq.com", "pay_timeout": 60},
    "alipay": {"base_url": "https://openapi.alipay.com/gateway.do", "pay_timeout": 60},
}
DEFAULT_PAY_TIMEOUT = 60
SERVICE = "PropDesk"  # the keyring service name


class SecretStore(Protocol):
    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str) -> None: ...


class FileSecretStore:
    """A JSON file readable only by its owner (0600), rewritten atomically."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}

    def get(self, key: str) -> str | None:
        return self._read().get(key)

    def set(self, key: str, value: str) -> None:
        data = self._read() | {key: value}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others, even briefly
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)


class KeyringSecretStore:
    def __init__(self, kr: Any) -> None:
        self.kr = kr

    def get(self, key: str) -> str | None:
        return self.kr.get_password(SERVICE, key)

    def set(self, key: str, value: str) -> None:
        self.kr.set_password(SERVICE, key, value)


def default_store() -> SecretStore:
    """The OS keyring when `keyring` is installed with a real backend; else the 0600 file in
    the data dir (PROPDESK_SECRETS_DIR overrides where, for tests and portable installs)."""
    forced = os.environ.get("PROPDESK_SECRETS_DIR")
    if not forced:
        try:
            import keyring
            from keyring.backends import fail

            backend = keyring.get_keyring()
            if not isinstance(backend, fail.Keyring) and "null" not in type(backend).__module__:
                return KeyringSecretStore(keyring)
        except Exception:  # noqa: BLE001 — no keyring (or a broken one): the file below
            pass
    if forced:
        base = Path(forced)
    else:
        import platformdirs

        base = Path(platformdirs.user_data_dir("PropDesk", appauthor=False))
    return FileSecretStore(base / "gateway-secrets.json")


def _kind(name: str) -> GatewayKind:
    g = GATEWAYS.get((name or "").strip().lower())
    if g is None:
        raise InputError("gateway.unknown_name", name=name, known=list(GATEWAYS))
    return g


def _secret_key(terminal: str, gateway: str, field: str) -> str:
    return f"{terminal}/{gateway}/{field}"


def _terminal(s: Session, code: str) -> Terminal:
    return users.ensure_terminal(s, code)


def read_file(path: str | None, option: str) -> str | None:
    """A key or certificate file's text; InputError naming the option and the file."""
    if path is None:
        return None
    try:
        text = Path(path).read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError("gateway.file_unreadable", source=option, file=path, reason=type(e).__name__) from None
    if not text:
        raise InputError("gateway.file_unreadable", source=option, file=path, reason="empty")
    return text


def validate(name: str, values: dict[str, Any]) -> dict[str, Any]:
    """The settings with defaults filled in; InputError listing every bad field."""
    g = _kind(name)
    out = {**DEFAULTS[g.name], **{k: v for k, v in values.items() if k in g.settings and v is not None}}
    problems: list[Problem] = []
    ids = ("appid", "mch_id") if g.name == "wechat" else ("app_id",)
    for f in ids:
        if not re.fullmatch(r"[A-Za-z0-9_]{1,32}", str(out.get(f) or "")):
            problems.append(Problem.of("gateway.bad_field", column=f, field=f))
    if g.name == "wechat":
        if out["sign_type"] not in ("MD5", "HMAC-SHA256"):
            problems.append(Problem.of("gateway.bad_sign_type", column="sign_type"))
        if bool(out.get("cert")) != bool(out.get("cert_key")):
            problems.append(Problem.of("gateway.cert_pair", column="cert"))
        if not out.get("key"):
            problems.append(Problem.of("gateway.bad_field", column="key", field="key"))
    else:
        for f in ("private_key", "alipay_public_key"):
            if not out.get(f):
                problems.append(Problem.of("gateway.bad_field", column=f, field=f))
    if not re.fullmatch(r"https?://\S+", str(out["base_url"])):
        problems.append(Problem.of("gateway.bad_base_url", column="base_url", value=out["base_url"]))
    t = out["pay_timeout"]
    if isinstance(t, bool) or not isinstance(t, int) or not 5 <= t <= 600:
        problems.append(Problem.of("gateway.bad_timeout", column="pay_timeout", value=t))
    if len(problems) == 1:
        raise InputError(problems[0].reason, **problems[0].params)
    if problems:
        raise InputError("gateway.bad_settings", problems)
    return out


def save(s: Session, terminal_code: str, user: str, name: str, values: dict[str, Any],
         store: SecretStore | None = None) -> dict:
    """Store one gateway's settings for this counter (manager permission `settings`).
    Secret fields go to the secret store, the rest to the terminal row."""
    users.require(s, user, "settings")
    g = _kind(name)
    clean = validate(g.name, values)
    store = store or default_store()
    public = {k: v for k, v in clean.items() if k not in g.secrets}
    for k in g.secrets:
        if clean.get(k):
            store.set(_secret_key(terminal_code, g.name, k), str(clean[k]))
    t = _terminal(s, terminal_code)
    t.gateways = {**(t.gateways or {}), g.name: public}  # a new dict: the JSON column is written
    audit.record(s, "gateway.settings", user=user, terminal=terminal_code, entity="terminal", entity_id=t.id,
                 detail={"gateway": g.name, **{k: v for k, v in public.items() if k in ("appid", "mch_id", "app_id",
                                                                                       "base_url", "sign_type",
                                                                                       "pay_timeout")}})
    ident = "mch_id" if g.name == "wechat" else "app_id"
    return {"gateway": g.name, ident: public[ident], "base_url": public["base_url"]}


def _stored(s: Session, terminal_code: str) -> dict:
    return s.scalar(select(Terminal.gateways).where(Terminal.code == terminal_code)) or {}


def _masked(key: str, value: str | None) -> str | None:
    return None if not value else "******"


def show(s: Session, terminal_code: str, store: SecretStore | None = None) -> dict:
    """Every gateway's settings for this counter, secrets masked (only whether they are set);
    key and certificate texts shown by size only."""
    store = store or default_store()
    stored = _stored(s, terminal_code)
    out: dict[str, dict | None] = {}
    for g in GATEWAYS.values():
        public = stored.get(g.name)
        if not public:
            out[g.name] = None
            continue
        doc: dict[str, Any] = {}
        for k in g.settings:
            if k in g.secrets:
                doc[k] = _masked(k, store.get(_secret_key(terminal_code, g.name, k)))
            elif k in ("cert", "alipay_public_key"):
                doc[k] = f"PEM, {len(public[k])} chars" if public.get(k) else None
            else:
                doc[k] = public.get(k)
        out[g.name] = doc
    return out


def driver_settings(s: Session, terminal_code: str, name: str, store: SecretStore | None = None) -> dict:
    """Everything the gateway driver needs, secrets included — for the factory, never shown."""
    g = _kind(name)
    public = _stored(s, terminal_code).get(g.name) or {}
    if not public:
        return {}
    store = store or default_store()
    secrets = {k: store.get(_secret_key(terminal_code, g.name, k)) for k in g.secrets}
    return {**public, **{k: v for k, v in secrets.items() if v}}


def pay_timeout(s: Session, terminal_code: str, name: str) -> int:
    value = (_stored(s, terminal_code).get(name) or {}).get("pay_timeout", DEFAULT_PAY_TIMEOUT)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else DEFAULT_PAY_TIMEOUT
