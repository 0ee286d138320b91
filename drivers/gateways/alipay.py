"""Alipay 当面付 条码支付 over `requests` on the openapi gateway (gateway.do):
alipay.trade.pay (scene=bar_code), .query, .cancel, .refund and .fastpay.refund.query, RSA2 request signatures and
verification of every reply's signature with the Alipay public key.

Signing is written with `cryptography` (SHA256withRSA, PKCS#1 v1.5) rather than taken from
the official `alipay-sdk-python`, which pins its own crypto stack (pycryptodome) and HTTP
code; the wire format below is the published one: common parameters + biz_content JSON,
form-encoded, signed over the sorted `k=v&…` of every non-empty parameter except `sign`; the
reply's signature covers the exact text of the `<method>_response` value as sent.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from zoneinfo import ZoneInfo

import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app import clock
from app.errors import InputError
from app.gateways import GatewayResult
from drivers.gateways import _common

DEFAULT_BASE_URL = "https://openapi.alipay.com/gateway.do"
# Alipay reads `timestamp` as Beijing time whatever the merchant's business zone is.
ALIPAY_ZONE = ZoneInfo("Asia/Shanghai")

# pay sub_codes (code 40004) that do NOT end the order: the outcome stays unknown and the
# caller queries (a system error, or "this order is already paid").
PAY_UNKNOWN_SUB = frozenset({"ACQ.SYSTEM_ERROR", "ACQ.TRADE_HAS_SUCCESS", "ACQ.TRADE_HAS_FINISHED"})
# codes meaning the gateway refused the request itself (missing/invalid parameter, bad
# signature, no permission): no trade was created.
REJECTED_CODES = frozenset({"40001", "40002", "40006"})
TRADE_STATUS = {"TRADE_SUCCESS": "success", "TRADE_FINISHED": "success", "WAIT_BUYER_PAY": "paying",
                "TRADE_CLOSED": "closed"}


# --- keys and RSA2 ------------------------------------------------------------------------

def _der_or_pem(text: str) -> tuple[bool, bytes]:
    t = text.strip()
    if "-----BEGIN" in t:
        return True, t.encode("ascii")
    return False, base64.b64decode("".join(t.split()))


def load_private_key(text: str) -> rsa.RSAPrivateKey:
    """PEM (PKCS#1 or PKCS#8) or the bare base64 PKCS#8/PKCS#1 text Alipay's key tool writes."""
    pem, data = _der_or_pem(text)
    key = serialization.load_pem_private_key(data, None) if pem else serialization.load_der_private_key(data, None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


def load_public_key(text: str) -> rsa.RSAPublicKey:
    """PEM or bare base64 SubjectPublicKeyInfo (the 支付宝公钥 as the open platform shows it)."""
    pem, data = _der_or_pem(text)
    key = serialization.load_pem_public_key(data) if pem else serialization.load_der_public_key(data)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def sign_content(params: dict[str, Any]) -> str:
    """The string a request signature covers: sorted `k=v` of the non-empty params, `sign` left out."""
    return "&".join(f"{k}={params[k]}" for k in sorted(params)
                    if k != "sign" and params[k] is not None and str(params[k]) != "")


def rsa2_sign(content: str, key: rsa.RSAPrivateKey) -> str:
    return base64.b64encode(key.sign(content.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())).decode("ascii")


def rsa2_verify(content: str, signature: str, key: rsa.RSAPublicKey) -> bool:
    try:
        key.verify(base64.b64decode(signature, validate=True), content.encode("utf-8"), padding.PKCS1v15(),
                   hashes.SHA256())
        return True
    except (InvalidSignature, ValueError):
        return False


def response_node(body: str, method: str) -> tuple[str, str | None, str] | None:
    """(name, the exact JSON text of the response node, sign) from a gateway reply.

    The signature covers the node's text byte for byte as Alipay wrote it (its spacing, its
    escapes), so the text is cut out of the body, never re-serialised. The node is
    `<method with _>_response`, or `error_response` when the gateway rejects the call itself.
    """
    try:
        doc = json.loads(body)
    except ValueError:
        return None
    if not isinstance(doc, dict):
        return None
    try:
        return _find_node(body, doc, method)
    except (ValueError, IndexError):
        return None


def _find_node(body: str, doc: dict[str, Any], method: str) -> tuple[str, str | None, str] | None:
    decoder = json.JSONDecoder()
    for name in (method.replace(".", "_") + "_response", "error_response"):
        if name not in doc:
            continue
        # find the key at the top level: scan the top-level object member by member
        idx = _skip_ws(body, 0)
        if body[idx] != "{":
            return None
        idx += 1
        while True:
            idx = _skip_ws(body, idx)
            if body[idx] == "}":
                break
            key, idx = decoder.raw_decode(body, idx)
            idx = _skip_ws(body, idx)
            if body[idx] != ":":
                raise ValueError("not an object member")
            idx = _skip_ws(body, idx + 1)
            _, end = decoder.raw_decode(body, idx)
            if key == name:
                sig = doc.get("sign")
                return name, body[idx:end], sig if isinstance(sig, str) else None
            idx = _skip_ws(body, end)
            if body[idx] == ",":
                idx += 1
        return None
    return None


def _skip_ws(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\r\n":
        i += 1
    return i


# --- the driver ---------------------------------------------------------------------------

class Alipay:
    """One Alipay open-platform app (app_id, the app's private key, the Alipay public key)."""

    name = "alipay"

    def __init__(self, settings: dict[str, Any], session: requests.Session | None = None) -> None:
        g = self.name
        self.app_id = _common.required(g, settings, "app_id")
        private_text = _common.key_text(_common.required(g, settings, "private_key"))
        public_text = _common.key_text(_common.required(g, settings, "alipay_public_key"))
        try:
            self.private_key = load_private_key(private_text)
        except (ValueError, TypeError):
            raise InputError("gateway.key_unreadable", gateway=_common.label(g), key="private_key") from None
        try:
            self.alipay_public_key = load_public_key(public_text)
        except (ValueError, TypeError):
            raise InputError("gateway.key_unreadable", gateway=_common.label(g), key="alipay_public_key") from None
        self.base_url = str(settings.get("base_url") or DEFAULT_BASE_URL)
        self.timeout = _common.number(g, settings, "http_timeout", _common.DEFAULT_HTTP_TIMEOUT)
        self.reverse_tries = int(_common.number(g, settings, "reverse_tries", _common.DEFAULT_REVERSE_TRIES)) or 1
        self.retry_wait = _common.number(g, settings, "retry_wait", 1.0)
        # a CA bundle other than the system's (a test CA, a proxy's); not in the registry schema
        self.ca_bundle = str(settings.get("ca_bundle") or "").strip() or None
        self.session = session or requests.Session()

    # the four calls -------------------------------------------------------------------

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int, subject: str) -> GatewayResult:
        biz = {"out_trade_no": out_trade_no, "scene": "bar_code", "auth_code": auth_code,
               "total_amount": _common.fen_to_yuan(_common.check_fen(amount_fen)), "subject": (subject or "物业费")[:256]}
        reply = self._call("alipay.trade.pay", biz, unsigned_rejection_ok=True)
        if isinstance(reply, GatewayResult):
            return reply
        code, sub = str(reply.get("code") or ""), str(reply.get("sub_code") or "")
        if code == "10000":
            return self._paid(reply, out_trade_no, amount_fen)
        if code == "10003":
            return _result("paying", reply, code="WAIT_BUYER_PAY", message=reply.get("msg"))
        if code == "40004" and sub not in PAY_UNKNOWN_SUB:
            return _result("failed", reply, code=sub or code, message=reply.get("sub_msg"))
        if code in REJECTED_CODES:
            return _result("failed", reply, code=sub or code, message=reply.get("sub_msg") or reply.get("msg"))
        return _result("unknown", reply, code=sub or code or "NO_CODE", message=reply.get("sub_msg") or reply.get("msg"))

    def query(self, out_trade_no: str) -> GatewayResult:
        reply = self._call("alipay.trade.query", {"out_trade_no": out_trade_no})
        if isinstance(reply, GatewayResult):
            return reply
        code, sub = str(reply.get("code") or ""), str(reply.get("sub_code") or "")
        if code != "10000":
            # ACQ.TRADE_NOT_EXIST: Alipay never took an order under this number.
            state = "failed" if sub == "ACQ.TRADE_NOT_EXIST" else "unknown"
            return _result(state, reply, code=sub or code or "NO_CODE", message=reply.get("sub_msg") or reply.get("msg"))
        if reply.get("out_trade_no") not in (None, "", out_trade_no):
            return _result("unknown", reply, code="OUT_TRADE_NO_MISMATCH")
        status = str(reply.get("trade_status") or "")
        if TRADE_STATUS.get(status) == "success":
            return self._paid(reply, out_trade_no, None)
        return _result(TRADE_STATUS.get(status, "unknown"), reply, code=status or None,  # type: ignore[arg-type]
                       transaction_id=reply.get("trade_no") or None,
                       amount_fen=_common.yuan_to_fen(reply.get("total_amount")))

    def reverse(self, out_trade_no: str) -> GatewayResult:
        """alipay.trade.cancel: closes an unpaid trade, refunds a paid one. retry_flag=Y asks for
        the same call again; after `reverse_tries` the outcome stays unknown."""
        last: GatewayResult | None = None
        for attempt in range(self.reverse_tries):
            if attempt and self.retry_wait:
                time.sleep(self.retry_wait)  # the API asks for a pause before calling again
            reply = self._call("alipay.trade.cancel", {"out_trade_no": out_trade_no})
            if isinstance(reply, GatewayResult):
                if not _common.transient(reply):
                    return reply
                last = reply
                continue  # network trouble: reversing is idempotent, so try again
            code, sub = str(reply.get("code") or ""), str(reply.get("sub_code") or "")
            if code == "10000" and reply.get("retry_flag") != "Y":
                return _result("reversed", reply, transaction_id=reply.get("trade_no") or None)
            if reply.get("retry_flag") == "Y":
                last = _result("unknown", reply, code=sub or code or "RETRY", message=reply.get("sub_msg"))
                continue
            state = "failed" if code == "40004" and sub not in PAY_UNKNOWN_SUB else "unknown"
            return _result(state, reply, code=sub or code or "NO_CODE", message=reply.get("sub_msg") or reply.get("msg"))
        assert last is not None
        return last

    def refund(self, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int,
               reason: str) -> GatewayResult:
        # total_fen is WeChat's business; Alipay knows the trade's total itself.
        biz = {"out_trade_no": out_trade_no, "refund_amount": _common.fen_to_yuan(_common.check_fen(refund_fen)),
               "out_request_no": out_refund_no, "refund_reason": (reason or "")[:256]}
        reply = self._call("alipay.trade.refund", biz)
        if isinstance(reply, GatewayResult):
            return reply
        code, sub = str(reply.get("code") or ""), str(reply.get("sub_code") or "")
        if code == "10000":
            # amount_fen: this refund (Alipay's refund_fee is the trade's refunded total so far)
            return _result("refunded", reply, transaction_id=reply.get("trade_no") or None,
                           amount_fen=int(refund_fen))
        if code == "40004" and sub != "ACQ.SYSTEM_ERROR":
            return _result("failed", reply, code=sub or code, message=reply.get("sub_msg"))
        if code in REJECTED_CODES:
            return _result("failed", reply, code=sub or code, message=reply.get("sub_msg") or reply.get("msg"))
        return _result("unknown", reply, code=sub or code or "NO_CODE", message=reply.get("sub_msg") or reply.get("msg"))

    def refund_query(self, out_trade_no: str, out_refund_no: str) -> GatewayResult:
        """alipay.trade.fastpay.refund.query (out_request_no = our out_refund_no). Alipay's rule:
        a reply with the refund's data and refund_status empty or REFUND_SUCCESS means refunded;
        a reply without it means no refund was made under that number (failed: nothing went out)."""
        reply = self._call("alipay.trade.fastpay.refund.query",
                           {"out_trade_no": out_trade_no, "out_request_no": out_refund_no})
        if isinstance(reply, GatewayResult):
            return reply
        code, sub = str(reply.get("code") or ""), str(reply.get("sub_code") or "")
        if code != "10000":
            state = "failed" if sub == "ACQ.TRADE_NOT_EXIST" else "unknown"
            return _result(state, reply, code=sub or code or "NO_CODE", message=reply.get("sub_msg") or reply.get("msg"))
        amount = _common.yuan_to_fen(reply.get("refund_amount")) if reply.get("refund_amount") else None
        if amount is None or reply.get("out_request_no") not in (None, "", out_refund_no):
            return _result("failed", reply, code="REFUND_NOT_EXIST")
        status = str(reply.get("refund_status") or "")
        if status in ("", "REFUND_SUCCESS"):
            return _result("refunded", reply, code=status or None, transaction_id=reply.get("trade_no") or None,
                           amount_fen=amount)
        return _result("unknown", reply, code=status)

    # plumbing ---------------------------------------------------------------------------

    def _paid(self, reply: dict[str, Any], out_trade_no: str, amount_fen: int | None) -> GatewayResult:
        paid = _common.yuan_to_fen(reply.get("total_amount"))
        tid = reply.get("trade_no") or None
        if reply.get("out_trade_no") not in (None, "", out_trade_no):
            return _result("unknown", reply, code="OUT_TRADE_NO_MISMATCH")
        if paid is None or (amount_fen is not None and paid != amount_fen) or not tid:
            return _result("unknown", reply, code="AMOUNT_MISMATCH", transaction_id=tid, amount_fen=paid)
        return _result("success", reply, transaction_id=tid, amount_fen=paid)

    def timestamp(self) -> str:
        return clock.now().astimezone(ALIPAY_ZONE).strftime("%Y-%m-%d %H:%M:%S")

    def request_params(self, method: str, biz: dict[str, Any]) -> dict[str, str]:
        params = {"app_id": self.app_id, "method": method, "format": "JSON", "charset": "utf-8",
                  "sign_type": "RSA2", "timestamp": self.timestamp(), "version": "1.0",
                  "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":"))}
        params["sign"] = rsa2_sign(sign_content(params), self.private_key)
        return params

    def _call(self, method: str, biz: dict[str, Any], unsigned_rejection_ok: bool = False) -> dict[str, Any] | GatewayResult:
        """POST one signed request; the verified response node, or an `unknown` result."""
        params = self.request_params(method, biz)
        try:
            resp = self.session.post(self.base_url, data=params, timeout=self.timeout,
                                     **({"verify": self.ca_bundle} if self.ca_bundle else {}),
                                     headers={"Content-Type": "application/x-www-form-urlencoded;charset=utf-8"})
        except requests.RequestException as e:
            return GatewayResult("unknown", code="NETWORK", message=f"{type(e).__name__}: {e}")
        if resp.status_code != 200:
            return GatewayResult("unknown", code=f"HTTP_{resp.status_code}", message=resp.text[:200])
        body = resp.content.decode("utf-8", errors="replace")
        found = response_node(body, method)
        if found is None:
            return GatewayResult("unknown", code="BAD_REPLY", message=body[:200])
        _, text, sig = found
        node = json.loads(text)
        if not isinstance(node, dict):
            return GatewayResult("unknown", code="BAD_REPLY", message=body[:200])
        if sig:
            if not rsa2_verify(text, sig, self.alipay_public_key):
                return GatewayResult("unknown", code="BAD_SIGNATURE",
                                     message="the reply's signature does not match the Alipay public key", raw=node)
        elif not (unsigned_rejection_ok and str(node.get("code")) in REJECTED_CODES):
            # Only the gateway's refusal of the request itself (bad signature, bad
            # parameters: no trade created) may come unsigned; anything else is not Alipay's.
            return GatewayResult("unknown", code="BAD_SIGNATURE", message="the reply is not signed", raw=node)
        return node


def _result(state: str, reply: dict[str, Any], **kw: Any) -> GatewayResult:
    return GatewayResult(state, raw=dict(reply), **kw)  # type: ignore[arg-type]
