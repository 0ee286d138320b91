"""A local payment-gateway emulator for the demo and the tests: WeChat Pay v2 付款码支付 and
Alipay 当面付 条码支付 over plain HTTP, with scripted outcomes.

It checks request signatures the way the platforms do (the merchant's API key for WeChat,
the app's public key for Alipay), signs its replies (the same API key; an emulator Alipay
private key whose public key the merchant configures as `alipay_public_key`), and keeps its
orders, so query, reverse/cancel and refund answer as the real gateways would.

Outcomes, per auth code (`script`) or for the next new orders (`script_next`):

    success         paid at once
    paying          "user is entering the password" (USERPAYING / 10003); paid after
                    `queries` queries
    never           paying forever (the client has to reverse/cancel)
    declined        refused (AUTH_CODE_INVALID / ACQ.PAYMENT_AUTH_CODE_INVALID, or `code`)
    syserror_paid   the pay call answers SYSTEMERROR / 20000, but the order IS paid
    reply_lost      the order is recorded as paid, then the connection is closed unanswered

`reverse_busy: N` makes the first N reversals of that order answer recall=Y / retry_flag=Y.

Refunds (`script_refund`, for the next refund calls): `ok` (default), `lost` (the refund is
made, the reply never arrives), `syserror` (made, but the reply says SYSTEMERROR / 20000),
`declined` (refused, nothing refunded). `/pay/refundquery` and
`alipay.trade.fastpay.refund.query` answer from the refunds kept.

Run it: `python -m drivers.gateways.emulator --listen 127.0.0.1:8700 [--script FILE]
[--keys DIR]` (prints the merchant settings to enter; see the module's `main`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import secrets
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from drivers.gateways import wechat as wx

OUTCOMES = ("success", "paying", "never", "declined", "syserror_paid", "reply_lost")
REFUND_OUTCOMES = ("ok", "lost", "syserror", "declined")


@dataclass
class Plan:
    outcome: str = "success"
    queries: int = 0  # paying: queries answered "paying" before the order is paid
    code: str | None = None  # declined: the err_code / sub_code to answer
    reverse_busy: int = 0  # the first N reversals answer "call again"

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {self.outcome!r} (one of {', '.join(OUTCOMES)})")

    @classmethod
    def of(cls, spec: str | dict[str, Any] | Plan) -> Plan:
        if isinstance(spec, Plan):
            return spec
        if isinstance(spec, str):
            return cls(spec)
        return cls(**spec)


@dataclass
class Order:
    gateway: str
    out_trade_no: str
    auth_code: str
    amount_fen: int
    state: str  # paying | paid | declined | closed | reversed
    transaction_id: str
    plan: Plan
    queries_left: int | None = None  # None: paying forever
    reverse_busy_left: int = 0
    refunded_fen: int = 0
    refunds: dict[str, dict[str, Any]] = field(default_factory=dict)  # out_refund_no -> reply


class GatewayEmulator:
    """Both gateways on one HTTP server. Configure the merchants, script outcomes, `start()`."""

    def __init__(self, *, wechat_appid: str = "wx0000000000emul", wechat_mch_id: str = "1900000109",
                 wechat_key: str | None = None, alipay_app_id: str = "2021000000000001",
                 alipay_app_public_key: str | None = None, alipay_private_key: str | None = None) -> None:
        self.wechat_appid, self.wechat_mch_id = wechat_appid, wechat_mch_id
        self.wechat_key = wechat_key or secrets.token_hex(16)
        self.alipay_app_id = alipay_app_id
        self.alipay_app_public_key = alipay_app_public_key
        self._alipay_private_pem = alipay_private_key
        self._alipay_private = None
        self._app_public = None
        self.codes: dict[str, Plan] = {}
        self.next_plans: list[Plan] = []
        self.refund_plans: list[str] = []  # outcomes of the next refund calls (REFUND_OUTCOMES)
        self.orders: dict[tuple[str, str], Order] = {}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []  # (gateway, api, params) as received
        self.tamper = False  # sign replies wrongly (the client must not believe them)
        self.hold: threading.Event | None = None  # answer only once this is set (timeouts)
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._scheme = "http"
        # (api path or method, the client certificate's subject CN or None) per request: shows
        # which calls presented the merchant certificate (HTTPS mode only)
        self.client_certs: list[tuple[str, str | None]] = []
        self._thread: threading.Thread | None = None

    # scripting ---------------------------------------------------------------------------

    def script(self, auth_code: str, plan: str | dict[str, Any] | Plan) -> None:
        self.codes[auth_code] = Plan.of(plan)

    def script_next(self, *plans: str | dict[str, Any] | Plan) -> None:
        self.next_plans.extend(Plan.of(p) for p in plans)

    def script_refund(self, *outcomes: str) -> None:
        for o in outcomes:
            if o not in REFUND_OUTCOMES:
                raise ValueError(f"unknown refund outcome {o!r} (one of {', '.join(REFUND_OUTCOMES)})")
        self.refund_plans.extend(outcomes)

    def refund_of(self, gateway: str, out_refund_no: str) -> dict[str, Any] | None:
        """The refund made under `out_refund_no` (any order), or None."""
        for (g, _), order in self.orders.items():
            if g == gateway and out_refund_no in order.refunds:
                return order.refunds[out_refund_no]
        return None

    def load_script(self, data: dict[str, Any]) -> None:
        """{"codes": {AUTH_CODE: PLAN}, "next": [PLAN, ...]}; a PLAN is an outcome name or
        {"outcome", "queries", "code", "reverse_busy"}."""
        for code, plan in (data.get("codes") or {}).items():
            self.script(code, plan)
        self.script_next(*(data.get("next") or []))

    def order(self, gateway: str, out_trade_no: str) -> Order | None:
        return self.orders.get((gateway, out_trade_no))

    # keys ---------------------------------------------------------------------------------

    @property
    def alipay_public_key_pem(self) -> str:
        """What the merchant configures as `alipay_public_key`."""
        from cryptography.hazmat.primitives import serialization

        return self._alipay_key().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")

    def _alipay_key(self):  # noqa: ANN202 - cryptography type, imported lazily
        from cryptography.hazmat.primitives.asymmetric import rsa

        from drivers.gateways import alipay as ali

        if self._alipay_private is None:
            if self._alipay_private_pem:
                self._alipay_private = ali.load_private_key(self._alipay_private_pem)
            else:
                self._alipay_private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return self._alipay_private

    # serving ------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> str:
        """Serve on HOST:PORT (0: any free port); with `tls` (a server-side context, e.g. one
        that asks for client certificates) over HTTPS. Returns the base URL."""
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                emulator._handle(self)

            def log_message(self, fmt: str, *args: Any) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            self._scheme = "https"
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="gateway-emulator", daemon=True)
        self._thread.start()
        return self.url

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}"

    def stop(self) -> None:
        if self.hold is not None:
            self.hold.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GatewayEmulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        body = h.rfile.read(length)
        path = urlsplit(h.path).path
        self._record_cert(h, path)
        if path.startswith("/pay/") or path.startswith("/secapi/"):
            reply, ctype = self._wechat(path, body), "text/xml; charset=utf-8"
        else:
            params = dict(parse_qsl(urlsplit(h.path).query, keep_blank_values=True))
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            reply, ctype = self._alipay(params), "application/json; charset=utf-8"
        if self.hold is not None:
            self.hold.wait(60)
        if reply is None:  # reply lost: the order stands, the client hears nothing
            h.close_connection = True
            return
        data = reply.encode("utf-8")
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _record_cert(self, h: BaseHTTPRequestHandler, path: str) -> None:
        getpeercert = getattr(h.connection, "getpeercert", None)
        cn = None
        if getpeercert is not None:
            peer = getpeercert() or {}
            for rdn in peer.get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        cn = value
        with self._lock:
            self.client_certs.append((path, cn))

    # orders, shared by both protocols -------------------------------------------------------

    def _new_order(self, gateway: str, out_trade_no: str, auth_code: str, amount_fen: int) -> Order:
        plan = self.codes.get(auth_code) or (self.next_plans.pop(0) if self.next_plans else Plan())
        tid = (("4200" if gateway == "wechat" else "2026") + f"{next(self._seq):024d}")[:28]
        state = {"success": "paid", "syserror_paid": "paid", "reply_lost": "paid", "declined": "declined"}.get(
            plan.outcome, "paying")
        order = Order(gateway, out_trade_no, auth_code, amount_fen, state, tid, plan,
                      queries_left=None if plan.outcome == "never" else plan.queries,
                      reverse_busy_left=plan.reverse_busy)
        self.orders[(gateway, out_trade_no)] = order
        return order

    @staticmethod
    def _advance(order: Order) -> None:
        """A query of a paying order: the resident finishes after `queries` queries."""
        if order.state == "paying" and order.queries_left is not None:
            if order.queries_left > 0:
                order.queries_left -= 1
            else:
                order.state = "paid"

    def _reverse(self, gateway: str, out_trade_no: str) -> tuple[str, Order]:
        """busy | closed | refunded, and the order (a reversal of an order never seen closes the
        number, so a late pay under it is refused)."""
        order = self.orders.get((gateway, out_trade_no))
        if order is None:
            order = Order(gateway, out_trade_no, "", 0, "reversed", "", Plan())
            self.orders[(gateway, out_trade_no)] = order
            return "closed", order
        if order.reverse_busy_left > 0:
            order.reverse_busy_left -= 1
            return "busy", order
        if order.state == "reversed":
            return ("refunded" if order.refunded_fen else "closed"), order
        action = "refunded" if order.state == "paid" else "closed"
        if order.state == "paid":
            order.refunded_fen = order.amount_fen
        order.state = "reversed"
        return action, order

    def _refund(self, gateway: str, out_trade_no: str, out_refund_no: str, refund_fen: int,
                total_fen: int | None) -> tuple[str, Order | None]:
        """ok | again (same refund number seen) | not_paid | too_much | total_mismatch."""
        order = self.orders.get((gateway, out_trade_no))
        if order is None or order.state != "paid":
            return "not_paid", order
        if out_refund_no in order.refunds:
            return "again", order
        if total_fen is not None and total_fen != order.amount_fen:
            return "total_mismatch", order
        if refund_fen <= 0 or order.refunded_fen + refund_fen > order.amount_fen:
            return "too_much", order
        plan = self.refund_plans.pop(0) if self.refund_plans else "ok"
        if plan == "declined":
            return "declined", order
        order.refunded_fen += refund_fen
        return plan, order  # ok | lost | syserror: the refund is made in all three

    # WeChat Pay v2 ------------------------------------------------------------------------------

    def _wechat(self, path: str, body: bytes) -> str | None:
        try:
            req = wx.from_xml(body)
        except ValueError:
            return wx.to_xml({"return_code": "FAIL", "return_msg": "XML格式错误"}).decode("utf-8")
        with self._lock:
            self.calls.append(("wechat", path, req))
            sign_type = req.get("sign_type") or "MD5"
            if sign_type not in wx.SIGN_TYPES:
                return self._wx_fail("签名类型错误")
            if req.get("mch_id") != self.wechat_mch_id or req.get("appid") != self.wechat_appid:
                return self._wx_fail("appid和mch_id不匹配")
            if not wx.verify(req, self.wechat_key, sign_type):
                return self._wx_fail("签名错误")
            out_trade_no = req.get("out_trade_no", "")
            if path == "/pay/micropay":
                return self._wx_micropay(req, out_trade_no, sign_type)
            if path == "/pay/orderquery":
                return self._wx_query(out_trade_no, sign_type)
            if path == "/secapi/pay/reverse":
                action, order = self._reverse("wechat", out_trade_no)
                if action == "busy":
                    return self._wx_reply(sign_type, result_code="FAIL", err_code="SYSTEMERROR",
                                          err_code_des="系统错误", recall="Y")
                return self._wx_reply(sign_type, result_code="SUCCESS", recall="N")
            if path == "/secapi/pay/refund":
                return self._wx_refund(req, out_trade_no, sign_type)
            if path == "/pay/refundquery":
                return self._wx_refund_query(req, sign_type)
            return self._wx_fail("接口不存在")

    def _wx_micropay(self, req: dict[str, str], out_trade_no: str, sign_type: str) -> str | None:
        order = self.orders.get(("wechat", out_trade_no))
        if order is not None:  # the same order number again
            err = {"paid": "ORDERPAID", "reversed": "ORDERREVERSED", "paying": "USERPAYING"}.get(order.state, "ORDERCLOSED")
            return self._wx_reply(sign_type, result_code="FAIL", err_code=err, err_code_des=err)
        order = self._new_order("wechat", out_trade_no, req.get("auth_code", ""), int(req.get("total_fee") or 0))
        outcome = order.plan.outcome
        if outcome == "reply_lost":
            return None
        if outcome == "success":
            return self._wx_reply(sign_type, result_code="SUCCESS", **self._wx_paid_fields(order))
        if outcome in ("paying", "never"):
            return self._wx_reply(sign_type, result_code="FAIL", err_code="USERPAYING",
                                  err_code_des="需要用户输入支付密码")
        if outcome == "declined":
            code = order.plan.code or "AUTH_CODE_INVALID"
            return self._wx_reply(sign_type, result_code="FAIL", err_code=code, err_code_des="付款码无效，请重新扫码")
        return self._wx_reply(sign_type, result_code="FAIL", err_code="SYSTEMERROR", err_code_des="系统超时")

    def _wx_query(self, out_trade_no: str, sign_type: str) -> str:
        order = self.orders.get(("wechat", out_trade_no))
        if order is None:
            return self._wx_reply(sign_type, result_code="FAIL", err_code="ORDERNOTEXIST", err_code_des="此交易订单号不存在")
        self._advance(order)
        trade_state = {"paying": "USERPAYING", "declined": "PAYERROR", "closed": "CLOSED",
                       "reversed": "REVOKED"}.get(order.state, "SUCCESS")
        if order.state == "paid" and order.refunded_fen:
            trade_state = "REFUND"
        fields = self._wx_paid_fields(order) if order.state == "paid" else {"out_trade_no": out_trade_no}
        return self._wx_reply(sign_type, result_code="SUCCESS", trade_state=trade_state,
                              trade_state_desc=trade_state, **fields)

    def _wx_refund(self, req: dict[str, str], out_trade_no: str, sign_type: str) -> str:
        refund_no = req.get("out_refund_no", "")
        status, order = self._refund("wechat", out_trade_no, refund_no, int(req.get("refund_fee") or 0),
                                     int(req.get("total_fee") or 0))
        if status == "again":
            assert order is not None
            return self._wx_reply(sign_type, **order.refunds[refund_no])
        if status not in ("ok", "lost", "syserror"):
            des = {"not_paid": "订单未支付", "too_much": "退款金额大于支付金额", "declined": "商户可用退款余额不足",
                   "total_mismatch": "订单金额与之前请求不一致"}[status]
            err = "NOTENOUGH" if status == "declined" else "INVALID_REQUEST"
            return self._wx_reply(sign_type, result_code="FAIL", err_code=err, err_code_des=des)
        assert order is not None
        fields = {"result_code": "SUCCESS", "transaction_id": order.transaction_id, "out_trade_no": out_trade_no,
                  "out_refund_no": refund_no, "refund_id": f"5030{next(self._seq):024d}",
                  "refund_fee": req.get("refund_fee", ""), "total_fee": str(order.amount_fen), "cash_fee": str(order.amount_fen)}
        order.refunds[refund_no] = fields
        if status == "lost":
            return None
        if status == "syserror":
            return self._wx_reply(sign_type, result_code="FAIL", err_code="SYSTEMERROR", err_code_des="系统超时")
        return self._wx_reply(sign_type, **fields)

    def _wx_refund_query(self, req: dict[str, str], sign_type: str) -> str:
        refund_no = req.get("out_refund_no", "")
        for (g, _), order in self.orders.items():
            if g == "wechat" and refund_no in order.refunds:
                f = order.refunds[refund_no]
                return self._wx_reply(sign_type, result_code="SUCCESS", transaction_id=order.transaction_id,
                                      out_trade_no=order.out_trade_no, total_fee=str(order.amount_fen),
                                      cash_fee=str(order.amount_fen), refund_count="1", out_refund_no_0=refund_no,
                                      refund_id_0=f["refund_id"], refund_fee_0=f["refund_fee"],
                                      refund_status_0="SUCCESS", refund_channel_0="ORIGINAL")
        return self._wx_reply(sign_type, result_code="FAIL", err_code="REFUNDNOTEXIST", err_code_des="退款订单查询失败")

    @staticmethod
    def _wx_paid_fields(order: Order) -> dict[str, str]:
        return {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "is_subscribe": "N", "trade_type": "MICROPAY",
                "bank_type": "CMC", "fee_type": "CNY", "total_fee": str(order.amount_fen),
                "cash_fee": str(order.amount_fen), "transaction_id": order.transaction_id,
                "out_trade_no": order.out_trade_no, "time_end": "20261202093000"}

    def _wx_fail(self, msg: str) -> str:
        # what WeChat answers to a request it will not process: unsigned, return_code FAIL
        return wx.to_xml({"return_code": "FAIL", "return_msg": msg}).decode("utf-8")

    def _wx_reply(self, sign_type: str, **fields: str) -> str:
        reply = {"return_code": "SUCCESS", "return_msg": "OK", "appid": self.wechat_appid,
                 "mch_id": self.wechat_mch_id, "nonce_str": wx.nonce_str(16), **fields}
        reply["sign"] = wx.sign(reply, self.wechat_key, sign_type)
        if self.tamper:
            reply["sign"] = wx.sign({**reply, "total_fee": "1"}, "not-the-key", sign_type)
        return wx.to_xml(reply).decode("utf-8")

    # Alipay openapi --------------------------------------------------------------------------------

    def _alipay(self, params: dict[str, str]) -> str | None:
        from drivers.gateways import alipay as ali

        method = params.get("method", "")
        node_name = method.replace(".", "_") + "_response" if method else "error_response"
        with self._lock:
            self.calls.append(("alipay", method, params))
            if params.get("app_id") != self.alipay_app_id:
                return self._ali_reply(node_name, {"code": "40002", "msg": "Invalid Arguments",
                                                   "sub_code": "isv.invalid-app-id", "sub_msg": "无效的AppID参数"}, signed=False)
            if self._app_public is None and self.alipay_app_public_key:
                self._app_public = ali.load_public_key(self.alipay_app_public_key)
            if (params.get("sign_type") != "RSA2" or self._app_public is None
                    or not ali.rsa2_verify(ali.sign_content(params), params.get("sign", ""), self._app_public)):
                return self._ali_reply(node_name, {"code": "40002", "msg": "Invalid Arguments",
                                                   "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"}, signed=False)
            try:
                biz = json.loads(params.get("biz_content") or "{}")
            except ValueError:
                biz = None
            if not isinstance(biz, dict):
                return self._ali_reply(node_name, {"code": "40002", "msg": "Invalid Arguments",
                                                   "sub_code": "isv.invalid-parameter", "sub_msg": "biz_content"})
            out_trade_no = str(biz.get("out_trade_no") or "")
            if method == "alipay.trade.pay":
                return self._ali_pay(node_name, biz, out_trade_no)
            if method == "alipay.trade.query":
                return self._ali_query(node_name, out_trade_no)
            if method == "alipay.trade.cancel":
                action, order = self._reverse("alipay", out_trade_no)
                if action == "busy":
                    return self._ali_reply(node_name, {"code": "40004", "msg": "Business Failed",
                                                       "sub_code": "ACQ.SYSTEM_ERROR", "sub_msg": "系统错误",
                                                       "retry_flag": "Y"})
                return self._ali_reply(node_name, {"code": "10000", "msg": "Success", "trade_no": order.transaction_id,
                                                   "out_trade_no": out_trade_no, "retry_flag": "N",
                                                   "action": "refund" if action == "refunded" else "close"})
            if method == "alipay.trade.refund":
                return self._ali_refund(node_name, biz, out_trade_no)
            if method == "alipay.trade.fastpay.refund.query":
                return self._ali_refund_query(node_name, biz, out_trade_no)
            return self._ali_reply("error_response", {"code": "40002", "msg": "Invalid Arguments",
                                                      "sub_code": "isv.invalid-method", "sub_msg": "不存在的方法名"})

    def _ali_pay(self, node_name: str, biz: dict[str, Any], out_trade_no: str) -> str | None:
        from drivers.gateways import _common

        amount = _common.yuan_to_fen(biz.get("total_amount"))
        if biz.get("scene") != "bar_code" or amount is None or not out_trade_no:
            return self._ali_reply(node_name, {"code": "40002", "msg": "Invalid Arguments",
                                               "sub_code": "isv.invalid-parameter", "sub_msg": "参数无效"})
        order = self.orders.get(("alipay", out_trade_no))
        if order is not None:
            sub = {"paid": "ACQ.TRADE_HAS_SUCCESS"}.get(order.state, "ACQ.TRADE_HAS_CLOSE")
            return self._ali_reply(node_name, {"code": "40004", "msg": "Business Failed", "sub_code": sub, "sub_msg": sub})
        order = self._new_order("alipay", out_trade_no, str(biz.get("auth_code") or ""), amount)
        outcome = order.plan.outcome
        if outcome == "reply_lost":
            return None
        if outcome == "success":
            return self._ali_reply(node_name, {"code": "10000", "msg": "Success", **self._ali_paid_fields(order)})
        if outcome in ("paying", "never"):
            return self._ali_reply(node_name, {"code": "10003", "msg": "order success pay inprocess",
                                               "out_trade_no": out_trade_no, "trade_no": order.transaction_id})
        if outcome == "declined":
            return self._ali_reply(node_name, {"code": "40004", "msg": "Business Failed",
                                               "sub_code": order.plan.code or "ACQ.PAYMENT_AUTH_CODE_INVALID",
                                               "sub_msg": "支付失败，获取顾客账户信息失败，请顾客刷新付款码后重新收款"})
        return self._ali_reply(node_name, {"code": "20000", "msg": "Service Currently Unavailable",
                                           "sub_code": "isp.unknow-error", "sub_msg": "系统繁忙"})

    def _ali_query(self, node_name: str, out_trade_no: str) -> str:
        order = self.orders.get(("alipay", out_trade_no))
        if order is None or order.state == "declined":
            return self._ali_reply(node_name, {"code": "40004", "msg": "Business Failed",
                                               "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"})
        self._advance(order)
        status = {"paying": "WAIT_BUYER_PAY", "paid": "TRADE_SUCCESS"}.get(order.state, "TRADE_CLOSED")
        if order.state == "paid" and order.refunded_fen >= order.amount_fen:
            status = "TRADE_CLOSED"
        return self._ali_reply(node_name, {"code": "10000", "msg": "Success", "trade_status": status,
                                           **self._ali_paid_fields(order)})

    def _ali_refund(self, node_name: str, biz: dict[str, Any], out_trade_no: str) -> str:
        from drivers.gateways import _common

        refund_no = str(biz.get("out_request_no") or out_trade_no)
        amount = _common.yuan_to_fen(biz.get("refund_amount"))
        status, order = self._refund("alipay", out_trade_no, refund_no, amount or 0, None)
        if status == "again":
            assert order is not None
            return self._ali_reply(node_name, {k: v for k, v in order.refunds[refund_no].items() if not k.startswith("_")})
        if status not in ("ok", "lost", "syserror"):
            sub = {"not_paid": "ACQ.TRADE_STATUS_ERROR", "too_much": "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
                   "declined": "ACQ.SELLER_BALANCE_NOT_ENOUGH"}[status]
            return self._ali_reply(node_name, {"code": "40004", "msg": "Business Failed", "sub_code": sub, "sub_msg": sub})
        assert order is not None
        fields = {"code": "10000", "msg": "Success", "trade_no": order.transaction_id, "out_trade_no": out_trade_no,
                  "buyer_logon_id": "159****5620", "fund_change": "Y",
                  "refund_fee": _common.fen_to_yuan(order.refunded_fen)}
        order.refunds[refund_no] = {**fields, "_refund_amount": _common.fen_to_yuan(amount or 0)}
        if status == "lost":
            return None
        if status == "syserror":
            return self._ali_reply(node_name, {"code": "20000", "msg": "Service Currently Unavailable",
                                               "sub_code": "isp.unknow-error", "sub_msg": "系统繁忙"})
        return self._ali_reply(node_name, fields)

    def _ali_refund_query(self, node_name: str, biz: dict[str, Any], out_trade_no: str) -> str:
        from drivers.gateways import _common

        refund_no = str(biz.get("out_request_no") or out_trade_no)
        order = self.orders.get(("alipay", out_trade_no))
        if order is None:
            return self._ali_reply(node_name, {"code": "40004", "msg": "Business Failed",
                                               "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"})
        f = order.refunds.get(refund_no)
        if f is None:  # Alipay's answer for "no refund under this number": success with no refund data
            return self._ali_reply(node_name, {"code": "10000", "msg": "Success"})
        return self._ali_reply(node_name, {"code": "10000", "msg": "Success", "trade_no": order.transaction_id,
                                           "out_trade_no": out_trade_no, "out_request_no": refund_no,
                                           "total_amount": _common.fen_to_yuan(order.amount_fen),
                                           "refund_amount": f["_refund_amount"], "refund_status": "REFUND_SUCCESS"})

    @staticmethod
    def _ali_paid_fields(order: Order) -> dict[str, str]:
        from drivers.gateways import _common

        yuan = _common.fen_to_yuan(order.amount_fen)
        return {"trade_no": order.transaction_id, "out_trade_no": order.out_trade_no,
                "buyer_logon_id": "159****5620", "total_amount": yuan, "receipt_amount": yuan,
                "gmt_payment": "2026-12-02 09:30:00", "buyer_user_id": "2088102177846880"}

    def _ali_reply(self, node_name: str, node: dict[str, Any], signed: bool = True) -> str:
        from drivers.gateways import alipay as ali

        # ensure_ascii and ", " separators on purpose: the signature covers this exact text,
        # so a client that re-serialised the node instead of cutting it out would fail.
        text = json.dumps(node, ensure_ascii=True)
        if not signed:
            return f'{{"{node_name}": {text}}}'
        sig = ali.rsa2_sign(text + (" " if self.tamper else ""), self._alipay_key())
        return f'{{"{node_name}": {text},"sign":"{sig}"}}'


# --- command line ------------------------------------------------------------------------------

def _demo_keys(folder: Path) -> dict[str, Any]:
    """Keys of the demo merchants, made once and kept in `folder` (so the settings entered
    with `gateway set` stay valid across restarts)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    folder.mkdir(parents=True, exist_ok=True)

    def pem_pair(stem: str) -> tuple[Path, Path]:
        private, public = folder / f"{stem}_private_key.pem", folder / f"{stem}_public_key.pem"
        if not private.exists():
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
            private.chmod(0o600)
            public.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                             serialization.PublicFormat.SubjectPublicKeyInfo))
        return private, public

    wechat_key = folder / "wechat_api_key.txt"
    if not wechat_key.exists():
        wechat_key.write_text(secrets.token_hex(16))
        wechat_key.chmod(0o600)
    for name in ("wechat_cert.pem", "wechat_cert_key.pem"):  # placeholders: the emulator speaks plain HTTP
        if not (folder / name).exists():
            # PEM-shaped: `gateway set --cert` keeps the PEM text and the driver writes it back
            # to a file; plain text would be taken for a path and every reversal would fail
            kind = "PRIVATE KEY" if "key" in name else "CERTIFICATE"
            (folder / name).write_text(f"-----BEGIN {kind}-----\nZW11bGF0b3IgcGxhY2Vob2xkZXI=\n-----END {kind}-----\n")
    app_private, app_public = pem_pair("app")
    emu_private, emu_public = pem_pair("alipay")
    return {"wechat_key": wechat_key, "app_private": app_private, "app_public": app_public,
            "alipay_private": emu_private, "alipay_public": emu_public,
            "cert": folder / "wechat_cert.pem", "cert_key": folder / "wechat_cert_key.pem"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m drivers.gateways.emulator",
                                description="local WeChat Pay / Alipay 付款码 gateway emulator (demo and tests)")
    p.add_argument("--listen", default="127.0.0.1:8700", help="HOST:PORT (default 127.0.0.1:8700)")
    p.add_argument("--script", help='JSON file: {"codes": {AUTH_CODE: OUTCOME}, "next": [OUTCOME, ...]}')
    p.add_argument("--keys", default="gateway-emulator-keys", help="folder of the demo merchant keys (made if missing)")
    args = p.parse_args(argv)
    host, _, port = args.listen.rpartition(":")
    if not host or not port.isdigit():
        p.error("--listen wants HOST:PORT")
    keys = _demo_keys(Path(args.keys))
    emu = GatewayEmulator(wechat_key=keys["wechat_key"].read_text().strip(),
                          alipay_app_public_key=keys["app_public"].read_text(),
                          alipay_private_key=keys["alipay_private"].read_text())
    if args.script:
        emu.load_script(json.loads(Path(args.script).read_text(encoding="utf-8")))
    url = emu.start(host, int(port))
    print(f"gateway emulator on {url}  (WeChat: {url}/pay/…, Alipay: {url}/gateway.do)")
    print(f"  propdesk gateway set wechat --appid {emu.wechat_appid} --mch-id {emu.wechat_mch_id} "
          f"--key-file {keys['wechat_key']} --cert {keys['cert']} --cert-key {keys['cert_key']} --base-url {url}")
    print(f"  propdesk gateway set alipay --app-id {emu.alipay_app_id} --private-key {keys['app_private']} "
          f"--alipay-public-key {keys['alipay_public']} --base-url {url}/gateway.do")
    print("outcomes by auth code: " + ", ".join(OUTCOMES) + " (default success); Ctrl-C stops", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
