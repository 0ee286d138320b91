"""WeChat Pay v2 付款码支付 (micropay) over `requests`: XML POSTs to /pay/micropay,
/pay/orderquery, /secapi/pay/reverse, /secapi/pay/refund and /pay/refundquery, signed MD5 or HMAC-SHA256
(the v2 "签名生成算法"), every reply's signature verified before it is believed.

No library: the well-known Python SDKs for v2 (wechatpy and others) bring their own HTTP
clients, caches and a wide API surface for four calls and one signature; the algorithm is
twenty lines, and the published example pins it (tests/unit/test_gateway_sign_wechat.py).

Outcomes are `GatewayResult` states, never exceptions: a timeout, a broken connection, a
reply that is not XML or whose signature is wrong is `unknown`, because the resident may
have been charged (the caller queries the same out_trade_no, then reverses).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import time
import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

import requests

from app.gateways import GatewayResult
from drivers.gateways import _common

DEFAULT_BASE_URL = "https://api.mch.weixin.qq.com"
SIGN_TYPES = ("MD5", "HMAC-SHA256")

# micropay err_codes that end the order without taking money: the cashier asks for another
# code or another tender. Any err_code not listed here (SYSTEMERROR, BANKERROR, ORDERPAID,
# OUT_TRADE_NO_USED, one WeChat adds later…) leaves the outcome unknown: the caller queries.
MICROPAY_DECLINED = frozenset({
    "PARAM_ERROR", "NOAUTH", "AUTHCODEEXPIRE", "NOTENOUGH", "NOTSUPORTCARD", "ORDERCLOSED",
    "ORDERREVERSED", "AUTH_CODE_ERROR", "AUTH_CODE_INVALID", "XML_FORMAT_ERROR",
    "REQUIRE_POST_METHOD", "SIGNERROR", "LACK_PARAMS", "NOT_UTF8", "BUYER_MISMATCH",
    "APPID_NOT_EXIST", "MCHID_NOT_EXIST", "APPID_MCHID_NOT_MATCH", "INVALID_REQUEST",
    "TRADE_ERROR", "POSTPAY_NOT_ALLOWED",
})
# orderquery trade_state -> our state
TRADE_STATES = {
    "SUCCESS": "success", "REFUND": "refunded", "USERPAYING": "paying", "NOTPAY": "failed",
    "PAYERROR": "failed", "CLOSED": "closed", "REVOKED": "reversed",
}
# refund err_codes worth sending again with the same out_refund_no
REFUND_RETRY = frozenset({"SYSTEMERROR", "BIZERR_NEED_RETRY", "FREQUENCY_LIMITED"})
# refundquery refund_status_$n -> our state
REFUND_STATES = {"SUCCESS": "refunded", "PROCESSING": "refunded", "REFUNDCLOSE": "failed", "CHANGE": "unknown"}


# --- the v2 signature ---------------------------------------------------------------------

def sign_string(params: dict[str, Any], key: str) -> str:
    """`k1=v1&k2=v2…&key=KEY` over the non-empty parameters sorted by name, `sign` left out."""
    pairs = [f"{k}={params[k]}" for k in sorted(params)
             if k != "sign" and params[k] is not None and str(params[k]) != ""]
    return "&".join(pairs) + f"&key={key}"


def sign(params: dict[str, Any], key: str, sign_type: str = "MD5") -> str:
    text = sign_string(params, key).encode("utf-8")
    if sign_type == "HMAC-SHA256":
        return hmac.new(key.encode("utf-8"), text, hashlib.sha256).hexdigest().upper()
    if sign_type == "MD5":
        return hashlib.md5(text).hexdigest().upper()
    raise ValueError(f"unknown sign_type {sign_type!r}")


def verify(params: dict[str, Any], key: str, sign_type: str = "MD5") -> bool:
    got = str(params.get("sign") or "")
    # as bytes: a reply's sign may hold any character, and compare_digest refuses non-ASCII str
    return bool(got) and hmac.compare_digest(got.upper().encode("utf-8"), sign(params, key, sign_type).encode("utf-8"))


def nonce_str(n: int = 32) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def to_xml(params: dict[str, Any]) -> bytes:
    body = "".join(f"<{k}>{escape(str(v))}</{k}>" for k, v in params.items() if v is not None and str(v) != "")
    return f"<xml>{body}</xml>".encode("utf-8")


def from_xml(data: bytes | str) -> dict[str, str]:
    """A flat <xml><k>v</k>…</xml> reply as a dict. Raises ValueError on anything else.
    DOCTYPE/ENTITY declarations are refused (no entity expansion from a reply)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    if "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper():
        raise ValueError("XML with a DOCTYPE is refused")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise ValueError(f"not XML: {e}") from None
    if root.tag != "xml":
        raise ValueError(f"root element <{root.tag}>, expected <xml>")
    return {child.tag: (child.text or "") for child in root}


# --- the driver ---------------------------------------------------------------------------

class WeChatPay:
    """One WeChat Pay merchant (appid + mch_id + API key), v2 付款码支付."""

    name = "wechat"

    def __init__(self, settings: dict[str, Any], session: requests.Session | None = None) -> None:
        g = self.name
        self.appid = _common.required(g, settings, "appid")
        self.mch_id = _common.required(g, settings, "mch_id")
        self.key = _common.key_text(_common.required(g, settings, "key"))
        self.sign_type = str(settings.get("sign_type") or "MD5").strip().upper()
        if self.sign_type not in SIGN_TYPES:
            from app.errors import InputError

            raise InputError("gateway.setting_bad", gateway=_common.label(g), key="sign_type", value=self.sign_type)
        self.cert = _common.pem_path(settings.get("cert"))  # a path, or PEM text as the settings keep it
        self.cert_key = _common.pem_path(settings.get("cert_key"))
        self.base_url = str(settings.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = _common.number(g, settings, "http_timeout", _common.DEFAULT_HTTP_TIMEOUT)
        self.reverse_tries = int(_common.number(g, settings, "reverse_tries", _common.DEFAULT_REVERSE_TRIES)) or 1
        self.retry_wait = _common.number(g, settings, "retry_wait", 1.0)
        # micropay wants the terminal's IP; the counter PC's LAN address tells WeChat nothing,
        # so a fixed documented placeholder unless the merchant sets one.
        self.spbill_create_ip = str(settings.get("spbill_create_ip") or "127.0.0.1")
        # a CA bundle other than the system's (a test CA, a proxy's); not in the registry schema
        self.ca_bundle = str(settings.get("ca_bundle") or "").strip() or None
        self.session = session or requests.Session()

    # the four calls -------------------------------------------------------------------

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int, subject: str) -> GatewayResult:
        params = {"body": _truncate_utf8(subject or "物业费", 128), "out_trade_no": out_trade_no,
                  "total_fee": str(_common.check_fen(amount_fen)), "fee_type": "CNY",
                  "spbill_create_ip": self.spbill_create_ip, "auth_code": auth_code}
        reply = self._call("/pay/micropay", params)
        if isinstance(reply, GatewayResult):
            return reply
        if reply.get("return_code") != "SUCCESS":
            # The request was refused before any order existed (bad signature, bad
            # parameters): nothing can have been charged under it.
            return _result("failed", reply, code="RETURN_FAIL", message=reply.get("return_msg"))
        if reply.get("result_code") == "SUCCESS":
            return self._paid(reply, out_trade_no, amount_fen)
        err = reply.get("err_code") or ""
        if err == "USERPAYING":
            return _result("paying", reply, code=err, message=reply.get("err_code_des"))
        if err in MICROPAY_DECLINED:
            return _result("failed", reply, code=err, message=reply.get("err_code_des"))
        return _result("unknown", reply, code=err or "RESULT_FAIL", message=reply.get("err_code_des"))

    def query(self, out_trade_no: str) -> GatewayResult:
        reply = self._call("/pay/orderquery", {"out_trade_no": out_trade_no})
        if isinstance(reply, GatewayResult):
            return reply
        if reply.get("return_code") != "SUCCESS":
            return _result("unknown", reply, code="RETURN_FAIL", message=reply.get("return_msg"))
        if reply.get("result_code") != "SUCCESS":
            err = reply.get("err_code") or "RESULT_FAIL"
            # ORDERNOTEXIST: WeChat never took an order under this number, so nothing was
            # charged under it.
            state = "failed" if err == "ORDERNOTEXIST" else "unknown"
            return _result(state, reply, code=err, message=reply.get("err_code_des"))
        if reply.get("out_trade_no") not in (None, "", out_trade_no):
            return _result("unknown", reply, code="OUT_TRADE_NO_MISMATCH")
        trade_state = reply.get("trade_state") or ""
        if trade_state == "SUCCESS":
            return self._paid(reply, out_trade_no, None)
        state = TRADE_STATES.get(trade_state, "unknown")
        return _result(state, reply, code=trade_state or None, message=reply.get("trade_state_desc"),
                       transaction_id=reply.get("transaction_id") or None,
                       amount_fen=_common.fen_field(reply.get("total_fee")))

    def reverse(self, out_trade_no: str) -> GatewayResult:
        """撤销订单: WeChat closes an unpaid order, or refunds a paid one. A reply with recall=Y
        asks for the same call again (the API says so); after `reverse_tries` it stays unknown."""
        last: GatewayResult | None = None
        for attempt in range(self.reverse_tries):
            if attempt and self.retry_wait:
                time.sleep(self.retry_wait)  # the API asks for a pause before calling again
            reply = self._call("/secapi/pay/reverse", {"out_trade_no": out_trade_no}, cert=True)
            if isinstance(reply, GatewayResult):
                if not _common.transient(reply):
                    return reply
                last = reply
                continue  # network trouble: reversing is idempotent, so try again
            if reply.get("return_code") != "SUCCESS":
                return _result("unknown", reply, code="RETURN_FAIL", message=reply.get("return_msg"))
            if reply.get("result_code") == "SUCCESS":
                return _result("reversed", reply)
            if reply.get("recall") == "Y":
                last = _result("unknown", reply, code=reply.get("err_code") or "RECALL",
                               message=reply.get("err_code_des"))
                continue
            err = reply.get("err_code") or "RESULT_FAIL"
            return _result("unknown" if err in ("SYSTEMERROR", "USERPAYING") else "failed", reply, code=err,
                           message=reply.get("err_code_des"))
        assert last is not None
        return last

    def refund(self, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int,
               reason: str) -> GatewayResult:
        params = {"out_trade_no": out_trade_no, "out_refund_no": out_refund_no,
                  "total_fee": str(_common.check_fen(total_fen)), "refund_fee": str(_common.check_fen(refund_fen)),
                  "refund_fee_type": "CNY", "refund_desc": _truncate_utf8(reason or "", 80)}
        reply = self._call("/secapi/pay/refund", params, cert=True)
        if isinstance(reply, GatewayResult):
            return reply
        if reply.get("return_code") != "SUCCESS":
            return _result("failed", reply, code="RETURN_FAIL", message=reply.get("return_msg"))
        if reply.get("result_code") == "SUCCESS":
            # Accepted: WeChat pays the money back to the resident's account from here on.
            return _result("refunded", reply, transaction_id=reply.get("refund_id") or None,
                           amount_fen=_common.fen_field(reply.get("refund_fee")))
        err = reply.get("err_code") or "RESULT_FAIL"
        return _result("unknown" if err in REFUND_RETRY else "failed", reply, code=err,
                       message=reply.get("err_code_des"))

    def refund_query(self, out_trade_no: str, out_refund_no: str) -> GatewayResult:
        """/pay/refundquery by out_refund_no: SUCCESS or PROCESSING → refunded (accepted; WeChat
        pays back), REFUNDCLOSE or REFUNDNOTEXIST → failed (nothing went out), else unknown
        (CHANGE: the money could not reach the account — a manager settles it on the platform)."""
        reply = self._call("/pay/refundquery", {"out_refund_no": out_refund_no})
        if isinstance(reply, GatewayResult):
            return reply
        if reply.get("return_code") != "SUCCESS":
            return _result("unknown", reply, code="RETURN_FAIL", message=reply.get("return_msg"))
        if reply.get("result_code") != "SUCCESS":
            err = reply.get("err_code") or "RESULT_FAIL"
            return _result("failed" if err == "REFUNDNOTEXIST" else "unknown", reply, code=err,
                           message=reply.get("err_code_des"))
        if reply.get("out_trade_no") not in (None, "", out_trade_no):
            return _result("unknown", reply, code="OUT_TRADE_NO_MISMATCH")
        count = int(reply.get("refund_count") or 0) if str(reply.get("refund_count") or "0").isdigit() else 0
        for i in range(count):
            if reply.get(f"out_refund_no_{i}") != out_refund_no:
                continue
            status = reply.get(f"refund_status_{i}") or ""
            state = REFUND_STATES.get(status, "unknown")
            return _result(state, reply, code=status or None, transaction_id=reply.get(f"refund_id_{i}") or None,
                           amount_fen=_common.fen_field(reply.get(f"refund_fee_{i}")))
        return _result("unknown", reply, code="REFUND_NOT_LISTED")

    # plumbing ---------------------------------------------------------------------------

    def _paid(self, reply: dict[str, str], out_trade_no: str, amount_fen: int | None) -> GatewayResult:
        paid = _common.fen_field(reply.get("total_fee"))
        tid = reply.get("transaction_id") or None
        if reply.get("out_trade_no") not in (None, "", out_trade_no):
            return _result("unknown", reply, code="OUT_TRADE_NO_MISMATCH")
        if paid is None or (amount_fen is not None and paid != amount_fen) or not tid:
            # a "success" we cannot match to this order is not a success
            return _result("unknown", reply, code="AMOUNT_MISMATCH", transaction_id=tid, amount_fen=paid)
        return _result("success", reply, transaction_id=tid, amount_fen=paid)

    def _call(self, path: str, params: dict[str, Any], cert: bool = False) -> dict[str, str] | GatewayResult:
        """POST one signed request; the verified reply, or an `unknown` result."""
        body = {"appid": self.appid, "mch_id": self.mch_id, "nonce_str": nonce_str(), **params}
        if self.sign_type != "MD5":
            body["sign_type"] = self.sign_type
        body["sign"] = sign(body, self.key, self.sign_type)
        kwargs: dict[str, Any] = {"verify": self.ca_bundle} if self.ca_bundle else {}
        if cert:
            if not (self.cert and self.cert_key):
                return GatewayResult("unknown", code="CERT_MISSING",
                                     message="the /secapi/ calls need the merchant API certificate (cert, cert_key)")
            kwargs["cert"] = (self.cert, self.cert_key)
        try:
            resp = self.session.post(self.base_url + path, data=to_xml(body), timeout=self.timeout,
                                     headers={"Content-Type": "text/xml; charset=utf-8"}, **kwargs)
        except requests.RequestException as e:
            return GatewayResult("unknown", code="NETWORK", message=f"{type(e).__name__}: {e}")
        except OSError as e:  # an unreadable certificate file
            return GatewayResult("unknown", code="CERT_UNREADABLE", message=str(e))
        if resp.status_code != 200:
            return GatewayResult("unknown", code=f"HTTP_{resp.status_code}", message=resp.text[:200])
        try:
            reply = from_xml(resp.content)
        except ValueError as e:
            return GatewayResult("unknown", code="BAD_REPLY", message=str(e))
        if reply.get("sign"):
            if not verify(reply, self.key, self.sign_type):
                return GatewayResult("unknown", code="BAD_SIGNATURE",
                                     message="the reply's signature does not match the merchant key", raw=reply)
        elif reply.get("return_code") == "SUCCESS":
            # WeChat signs every reply with return_code SUCCESS; an unsigned one is not WeChat's.
            return GatewayResult("unknown", code="BAD_SIGNATURE", message="the reply is not signed", raw=reply)
        if reply.get("return_code") == "SUCCESS" and (reply.get("appid"), reply.get("mch_id")) != (self.appid, self.mch_id):
            return GatewayResult("unknown", code="MERCHANT_MISMATCH", raw=reply)
        return reply


def _result(state: str, reply: dict[str, str], **kw: Any) -> GatewayResult:
    return GatewayResult(state, raw=dict(reply), **kw)  # type: ignore[arg-type]


def _truncate_utf8(text: str, limit: int) -> str:
    """WeChat counts `body` in bytes; cut on a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", errors="ignore")
