"""An in-process Gateway with scripted outcomes, for the payment-flow tests and the benchmark
(the HTTP emulator speaking the real protocols is drivers' business).

A script names what the platform does with one order; the fake keeps its own view of each
order (paid or not, reversed or not) so a test can check the resident was charged once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.gateways import GatewayResult

SCRIPTS = ("success", "paying_then_success", "declined", "paying_forever", "error_but_paid",
           "unknown_then_success", "reverse_fails", "lost_forever", "paying_then_declined")


@dataclass
class FakeOrder:
    out_trade_no: str
    auth_code: str
    amount_fen: int
    paid: bool = False
    reversed: bool = False
    refunded_fen: int = 0
    queries: int = 0
    transaction_id: str = ""


@dataclass
class FakeGateway:
    """`script` decides every order; `paying_queries`: how many queries answer `paying`
    before the order is paid (paying_then_success)."""

    name: str = "wechat"
    script: str = "success"
    paying_queries: int = 2
    calls: list[tuple[str, str]] = field(default_factory=list)
    orders: dict[str, FakeOrder] = field(default_factory=dict)
    _seq: int = 0

    def _txn(self) -> str:
        self._seq += 1
        head = "4200" if self.name == "wechat" else "2026"
        return f"{head}{self._seq:024d}"  # 28 digits, as both platforms issue them

    def _result(self, o: FakeOrder) -> GatewayResult:
        if o.reversed:
            return GatewayResult("reversed", amount_fen=o.amount_fen, raw={"trade_state": "REVOKED"})
        if o.refunded_fen:
            return GatewayResult("refunded", o.transaction_id, o.amount_fen, raw={"trade_state": "REFUND"})
        if o.paid:
            return GatewayResult("success", o.transaction_id, o.amount_fen, raw={"trade_state": "SUCCESS"})
        return GatewayResult("paying", amount_fen=o.amount_fen, code="USERPAYING", raw={"trade_state": "USERPAYING"})

    def pay(self, out_trade_no: str, auth_code: str, amount_fen: int, subject: str) -> GatewayResult:
        self.calls.append(("pay", out_trade_no))
        if out_trade_no in self.orders:  # the platform refuses a second pay of one out_trade_no
            return GatewayResult("failed", code="OUT_TRADE_NO_USED", message="duplicate out_trade_no")
        o = self.orders[out_trade_no] = FakeOrder(out_trade_no, auth_code, amount_fen, transaction_id=self._txn())
        if self.script == "success":
            o.paid = True
            return self._result(o)
        if self.script == "declined":
            o.reversed = False
            return GatewayResult("failed", code="AUTH_CODE_INVALID", message="每个二维码仅限使用一次，请刷新再试")
        if self.script in ("error_but_paid", "unknown_then_success"):
            o.paid = True
            return GatewayResult("unknown", code="SYSTEMERROR", message="系统超时")
        if self.script == "lost_forever":
            o.paid = True
            return GatewayResult("unknown", message="connection reset")
        return GatewayResult("paying", code="USERPAYING", message="需要用户输入支付密码")

    def query(self, out_trade_no: str) -> GatewayResult:
        self.calls.append(("query", out_trade_no))
        o = self.orders.get(out_trade_no)
        if o is None:
            return GatewayResult("failed", code="ORDERNOTEXIST", message="order does not exist")
        o.queries += 1
        if self.script == "lost_forever" and not o.reversed:
            return GatewayResult("unknown", message="connection reset")
        if self.script == "paying_then_success" and not o.reversed and o.queries >= self.paying_queries:
            o.paid = True
        if self.script == "paying_then_declined" and not o.reversed and o.queries >= self.paying_queries:
            return GatewayResult("closed", code="PAYERROR", message="支付失败")
        return self._result(o)

    def reverse(self, out_trade_no: str) -> GatewayResult:
        self.calls.append(("reverse", out_trade_no))
        o = self.orders.get(out_trade_no)
        if self.script in ("reverse_fails", "lost_forever"):
            return GatewayResult("unknown", code="SYSTEMERROR", message="reverse failed")
        if o is None:
            return GatewayResult("closed", code="ORDERNOTEXIST")
        o.reversed, o.paid = True, False  # a reversed paid order gives the money back
        return GatewayResult("reversed", raw={"recall": "N"})

    def refund(self, out_trade_no: str, out_refund_no: str, total_fen: int, refund_fen: int,
               reason: str) -> GatewayResult:
        self.calls.append(("refund", out_trade_no))
        o = self.orders.get(out_trade_no)
        if o is None or not o.paid:
            return GatewayResult("failed", code="TRADE_NOT_EXIST")
        o.refunded_fen += refund_fen
        return GatewayResult("refunded", o.transaction_id, refund_fen)

    # -- what the tests look at --------------------------------------------------------
    def charged_fen(self) -> int:
        """What the residents are out of pocket for, across all orders."""
        return sum(o.amount_fen - o.refunded_fen for o in self.orders.values() if o.paid)

    def count(self, op: str) -> int:
        return sum(1 for c, _ in self.calls if c == op)


class FakeFactory:
    """A GatewayFactory handing out one FakeGateway per gateway name (the same object every
    call, as a restarted app talks to the same platform)."""

    def __init__(self, script: str = "success", **kw: Any) -> None:
        self.gateways = {n: FakeGateway(n, script, **kw) for n in ("wechat", "alipay")}
        self.settings_seen: list[dict] = []

    def __call__(self, name: str, settings: dict[str, Any]) -> FakeGateway:
        self.settings_seen.append(settings)
        return self.gateways[name]

    def script(self, script: str) -> None:
        for g in self.gateways.values():
            g.script = script


WECHAT_CODE = "134567890123456789"  # 18 digits, 10–15
ALIPAY_CODE = "281234567890123456"  # 18 digits, 25–30
