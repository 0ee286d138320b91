"""Refunding a payment (退款), in one unit of work — or, when part of it goes back through
WeChat Pay or Alipay, in two phases like a scanned payment (DESIGN.md "Gateway calls are
two-phase"):

  1. Everything is checked under the room lock (approval, amount, lines, route) and the
     `RefundOrder` with its idempotent out_refund_no is COMMITTED before the call.
  2. The gateway is asked to refund. Accepted → in ONE unit of work the order becomes
     `recorded` (a conditional update: only one process records it) and the refund payment
     is written. Declined → the order is `failed`, nothing recorded, exit 2. Unknown → the
     SAME out_refund_no is queried (never refunded a second time); still unknown → the order
     stays `unknown` (exit 1) and `resolve_refund` settles it later.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock
from app.db.models import GatewayOrder, RefundOrder
from app.errors import AppError, InputError, Msg, NotFound
from app.gateways import GATEWAYS, Gateway, GatewayFactory, GatewayResult
from app.ids import new_id
from app.services import audit, ledger, rooms, users
from app.services.cashier.payments import Counter
from app.services.closing.day_lock import ensure_day_open
from app.services.refunds import approval, record
from app.services.refunds.plan import Plan, Request, make_plan, original_payment

QUERY_ATTEMPTS = 3
POLL_INTERVAL_S = 2.0
OPEN_STATES = ("created", "unknown")

Sessions = Callable[[], Any]


def _credits(s: Session, plan: Plan) -> list[tuple[str, int]]:
    if plan.source == "prepaid":  # a top-up given back: the room's prepaid balance goes down
        return [(ledger.room_account("PRE", plan.payment.room_id), plan.amount_fen)]
    return record.reopen_credits(s, plan.payment.room_id, plan.reopen)


def _write(s: Session, c: Counter, plan: Plan, reason: str, approved_by: str) -> dict:
    out = record.write_refund(s, c, room_id=plan.payment.room_id, original=plan.payment, amount_fen=plan.amount_fen,
                              source=plan.source, route=plan.route, legs=plan.legs, reopen=plan.reopen,
                              credits=_credits(s, plan), reason=reason.strip(), approved_by=approved_by,
                              note=f"退款 {plan.receipt_no}: {reason.strip()}",
                              kind_detail={"receipt_no": plan.receipt_no})
    out["receipt_no"] = plan.receipt_no
    return out


def _plan_locked(s: Session, req: Request) -> Plan:
    p, _ = original_payment(s, req.receipt_no)
    rooms.lock_room(s, p.room_id)  # then read what is left: another counter may refund it meanwhile
    return make_plan(s, req)


def refund_payment(sessions: Sessions, c: Counter, req: Request, *, password: str | None = None,
                   factory: GatewayFactory | None = None, sleep: Callable[[float], None] | None = None) -> dict:
    """Refund all or part of a payment. Returns {"refund_no", "amount_fen", "route", "state", …}.
    InputError / PermissionDenied: nothing changed. AppError `refund.unconfirmed`: the gateway's
    answer is unknown, the order is kept for `resolve_refund`."""
    with sessions() as s:
        approved_by = approval.check(s, c.user, req.approver, password)
        plan = _plan_locked(s, req)
        ensure_day_open(s, c.terminal, clock.today())  # refunds are today's money: not into a closed day
        record.require_drawer(s, c, plan.legs)
        leg = plan.gateway_leg
        if leg is None:
            out = _write(s, c, plan, req.reason, approved_by)
            record.emit(s, out["refund_id"])
            return out
        order = s.get(GatewayOrder, leg.gateway_order_id)
        provider = order.provider
        if factory is None:
            from app.services.scan_pay import installed_factory

            factory = installed_factory()
        out_refund_no = new_out_refund_no(c.terminal)
        terminal = users.ensure_terminal(s, c.terminal)
        s.add(RefundOrder(provider=order.provider, out_refund_no=out_refund_no, out_trade_no=order.out_trade_no,
                          payment_id=plan.payment.id, amount_fen=leg.amount_fen, status="created",
                          terminal_id=terminal.id, created_at=clock.now(),
                          raw={"request": asdict(req), "approved_by": approved_by, "user": c.user,
                               "terminal": c.terminal, "order_total_fen": order.amount_fen, "events": []}))
        audit.record(s, "refund.gateway_order", user=c.user, terminal=c.terminal, entity="refund_order",
                     entity_id=out_refund_no, detail={"receipt_no": plan.receipt_no, "amount_fen": leg.amount_fen,
                                                      "out_trade_no": order.out_trade_no})
    # phase 2: the order is committed; now the call
    try:
        gateway = _gateway(sessions, c.terminal, provider, factory)
    except AppError:  # not configured: nothing was sent, the order ends here
        _set(sessions, out_refund_no, "failed", GatewayResult("failed", code="NOT_CONFIGURED"), "open")
        raise
    return _drive(sessions, c, out_refund_no, gateway, sleep or time.sleep, first_call=True)


def new_out_refund_no(terminal: str) -> str:
    """'R' + terminal code + a time-ordered id: letters and digits, at most 32 characters."""
    hexid = new_id().replace("-", "")
    prefix = "R" + terminal[:7]
    return (prefix + hexid)[:32]


def _gateway(sessions: Sessions, terminal: str, name: str, factory: GatewayFactory) -> Gateway:
    from app.services.scan_pay import _gateway_for

    gateway, _ = _gateway_for(sessions, terminal, name, factory)
    return gateway


def _safe(call: Callable[[], GatewayResult]) -> GatewayResult:
    try:
        return call()
    except Exception as e:  # noqa: BLE001 — a lost reply must never look like a decline
        return GatewayResult("unknown", message=f"{type(e).__name__}: {e}"[:200])


def _order(s: Session, out_refund_no: str) -> RefundOrder:
    o = s.scalar(select(RefundOrder).where(RefundOrder.out_refund_no == out_refund_no))
    if o is None:
        raise NotFound("refund.order_not_found", out_refund_no=out_refund_no)
    return o


def _log(o: RefundOrder, r: GatewayResult, op: str) -> None:
    raw = dict(o.raw or {})
    raw["events"] = [*raw.get("events", []), {"op": op, "state": r.state, "code": r.code, "message": r.message,
                                              "refund_id": r.transaction_id, "at": clock.now().isoformat()}][-20:]
    o.raw = raw
    o.updated_at = clock.now()


def _set(sessions: Sessions, out_refund_no: str, state: str, r: GatewayResult, op: str) -> None:
    with sessions() as s:
        o = _order(s, out_refund_no)
        if o.status in OPEN_STATES:
            o.status = state
        _log(o, r, op)


def _drive(sessions: Sessions, c: Counter, out_refund_no: str, gateway: Gateway, sleep: Callable[[float], None],
           first_call: bool) -> dict:
    with sessions() as s:
        o = _order(s, out_refund_no)
        raw = dict(o.raw or {})
        out_trade_no, amount, provider = o.out_trade_no, o.amount_fen, o.provider
    reason = raw.get("request", {}).get("reason") or ""
    if first_call:
        r = _safe(lambda: gateway.refund(out_trade_no, out_refund_no, int(raw.get("order_total_fen") or amount),
                                         amount, reason))
    else:
        r = _safe(lambda: gateway.refund_query(out_trade_no, out_refund_no))
    for _ in range(QUERY_ATTEMPTS if r.state == "unknown" else 0):  # the same number, asked again
        _set(sessions, out_refund_no, "unknown", r, "refund" if first_call else "query")
        sleep(POLL_INTERVAL_S)
        r = _safe(lambda: gateway.refund_query(out_trade_no, out_refund_no))
        first_call = False
        if r.state != "unknown":
            break
    label = Msg(GATEWAYS[provider].label)
    if r.state == "refunded":
        return _record(sessions, c, out_refund_no, r)
    if r.state == "failed":
        _set(sessions, out_refund_no, "failed", r, "final")
        raise InputError("refund.gateway_declined", gateway=label, reason=r.message or r.code or r.state,
                         out_refund_no=out_refund_no)
    _set(sessions, out_refund_no, "unknown", r, "final")
    raise AppError("refund.unconfirmed", gateway=label, out_refund_no=out_refund_no, amount=amount)


def _record(sessions: Sessions, c: Counter, out_refund_no: str, r: GatewayResult) -> dict:
    """The gateway accepted the refund: the order and the refund payment in one unit of work.
    If the refund can no longer be recorded as planned (the payment changed meanwhile), the
    order stays `refunded` (money gone, not in the books) for a manager — never silently."""
    try:
        with sessions() as s:
            o = _order(s, out_refund_no)
            raw = dict(o.raw or {})
            req = Request(**raw["request"])
            plan = _plan_locked(s, req)
            leg = plan.gateway_leg
            if leg is None or leg.amount_fen != o.amount_fen:
                raise AppError("refund.plan_changed", out_refund_no=out_refund_no)
            taken = s.execute(update(RefundOrder).where(RefundOrder.id == o.id, RefundOrder.status.in_(OPEN_STATES))
                              .values(status="recorded", updated_at=clock.now(),
                                      gateway_refund_id=r.transaction_id if o.provider == "wechat" else None)
                              .execution_options(synchronize_session=False)).rowcount
            if taken != 1:
                raise AppError("refund.already_settled", out_refund_no=out_refund_no)
            # WeChat's refund_id; Alipay gives a refund no number of its own (trade_no is the
            # payment's), so its refund is known by our out_request_no, as its statement lists it
            leg.reference = ((r.transaction_id if o.provider == "wechat" else None) or out_refund_no)[:64]
            out = _write(s, c, plan, req.reason, raw.get("approved_by") or c.user)
            s.execute(update(RefundOrder).where(RefundOrder.id == o.id).values(refund_id=out["refund_id"])
                      .execution_options(synchronize_session=False))
            _log(o, r, "recorded")
            record.emit(s, out["refund_id"])
    except AppError as e:
        if e.code == "refund.already_settled":
            raise
        _set(sessions, out_refund_no, "refunded", r, "record_failed")
        raise AppError("refund.gateway_not_recorded", out_refund_no=out_refund_no, reason=Msg(e.code, e.params)) from e
    out["out_refund_no"] = out_refund_no
    return out


def resolve_refund(sessions: Sessions, c: Counter, out_refund_no: str, factory: GatewayFactory, *,
                   sleep: Callable[[float], None] | None = None) -> dict:
    """Settle a refund order whose outcome was unknown: query it (never refund again);
    refunded → record it; refused → failed; still unknown → it stays."""
    with sessions() as s:
        o = _order(s, out_refund_no)
        if not users.allows(s, c.user, "refund_approve"):
            users.require(s, c.user, "refund")
        status, provider = o.status, o.provider
    if status not in OPEN_STATES:
        return order_row(sessions, out_refund_no)
    gateway = _gateway(sessions, c.terminal, provider, factory)
    try:
        return _drive(sessions, c, out_refund_no, gateway, sleep or time.sleep, first_call=False)
    except (InputError, AppError) as e:
        if e.code in ("refund.unconfirmed", "refund.gateway_declined"):
            return order_row(sessions, out_refund_no)
        raise


def recover_refunds(sessions: Sessions, c: Counter, factory: GatewayFactory, *,
                    sleep: Callable[[float], None] | None = None, min_age_s: float = 0) -> list[dict]:
    """On start-up: this terminal's refund orders a crash or a lost answer left `created` /
    `unknown` are settled by query (never refunded again). Younger orders than `min_age_s`
    are left to whoever may still be waiting on them. One failure does not stop the others."""
    from datetime import timedelta

    from app.db.models import Terminal

    cutoff = clock.now() - timedelta(seconds=min_age_s)
    with sessions() as s:
        nos = list(s.scalars(select(RefundOrder.out_refund_no).join(Terminal, Terminal.id == RefundOrder.terminal_id)
                             .where(Terminal.code == c.terminal, RefundOrder.status.in_(OPEN_STATES),
                                    RefundOrder.created_at <= cutoff).order_by(RefundOrder.created_at)))
    out = []
    for no in nos:
        try:
            out.append(resolve_refund(sessions, c, no, factory, sleep=sleep))
        except AppError as e:
            out.append({**order_row(sessions, no), "error": e.code})
    return out


def _row(o: RefundOrder) -> dict:
    return {"out_refund_no": o.out_refund_no, "gateway": o.provider, "out_trade_no": o.out_trade_no,
            "amount_fen": o.amount_fen, "state": o.status, "refund_id": o.refund_id,
            "gateway_refund_id": o.gateway_refund_id, "created_at": o.created_at.isoformat() if o.created_at else None}


def order_row(sessions: Sessions, out_refund_no: str) -> dict:
    with sessions() as s:
        return _row(_order(s, out_refund_no))


def refund_orders(s: Session, *, open_only: bool = False, limit: int = 200) -> list[dict]:
    q = select(RefundOrder).order_by(RefundOrder.created_at.desc()).limit(limit)
    if open_only:
        q = q.where(RefundOrder.status.in_(OPEN_STATES + ("refunded",)))
    return [_row(o) for o in s.scalars(q)]
