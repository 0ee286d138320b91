"""Charging a scanned payment code (付款码) through its gateway, in two phases, without ever
charging a resident twice or losing a payment (DESIGN.md "Gateway calls are two-phase").

  0. Everything else is checked first (permissions, shift, lines, settlement, change limit):
     the business call runs once with a stand-in tender and is rolled back. Bad input stops
     here, before any money moves.
  1. A `GatewayOrder` (out_trade_no, amount, what it is for) is COMMITTED on its own.
  2. The gateway is asked to pay. `success` → in ONE unit of work the order becomes `paid`
     (a conditional update: only one process can ever record it) and the payment is recorded
     through app.services.cashier.payments with tender `wechat`/`alipay` and the gateway's
     transaction no (the receipt's print job is queued in it too). `paying` → query every
     ~2 s until paid, declined or `pay_timeout`, then reverse. `unknown` → query the SAME
     out_trade_no (never pay again). Declined → exit 2, nothing recorded. Still unknown after
     query and reversal → the order stays `unknown` (unconfirmed), nothing recorded, exit 1;
     `resolve` settles it later (also on start-up: `recover`).
  If recording fails after the gateway took the money (another counter paid the line
  meanwhile), the money is given back at once (reverse, else refund) and the cashier is told;
  if even that fails the order is kept as `unrecorded` for a manager — never lost silently.

What the order was for (room, kind, lines, other tenders, who) is stored in the order's `raw`
so `resolve` can replay the business call exactly. The gateway itself comes from a
`GatewayFactory` (drivers install theirs with `install_factory`; tests pass a fake).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import clock, tender_methods
from app.db.models import GatewayOrder, Tender, Terminal
from app.errors import AppError, Conflict, InputError, Msg
from app.gateways import GATEWAYS, Gateway, GatewayFactory, GatewayResult
from app.ids import new_id
from app.services import audit, gateway_settings, users
from app.services.cashier import payments
from app.services.cashier.payments import Counter
from app.services.cashier.shifts import require_open
from app.services.cashier.tenders import ScanRequest, TenderInput

POLL_INTERVAL_S = 2.0
RECOVER_MARGIN_S = 60  # beyond pay_timeout: the longest a live payment keeps its order open
QUERY_ATTEMPTS = 3  # queries of an unknown outcome before reversing
OPEN_STATES = ("created", "paying", "unknown")  # not settled: resolve / recover take these
UNCONFIRMED_STATES = OPEN_STATES + ("unrecorded",)  # what day close lists
SUBJECTS = {"bills": "物业费", "prepay": "预存", "deposit": "押金", "one_off": "临时收费"}  # the order's title
_STAND_IN_REF = "0" * 28  # matches both platforms' transaction-no rules; only ever rolled back

Sessions = Callable[[], Any]  # a context manager factory yielding a Session (AppContext.uow)

_installed_factory: GatewayFactory | None = None


def install_factory(factory: GatewayFactory | None) -> None:
    """Drivers register the real gateway factory here (drivers/cli_gateway.py, the GUI)."""
    global _installed_factory
    _installed_factory = factory


def installed_factory() -> GatewayFactory:
    if _installed_factory is None:
        raise AppError("scan.no_driver")
    return _installed_factory


# ---------------------------------------------------------------------------------------
# What a payment is for: stored with the order, replayed on success or by resolve.

@dataclass(frozen=True)
class Purpose:
    kind: str  # bills | prepay | deposit | one_off
    room: str
    line_ids: list[str] | None = None
    as_of: str | None = None
    purpose: str | None = None  # deposit
    fee: str | None = None  # one_off
    amount_fen: int | None = None  # one_off
    note: str | None = None  # one_off

    @classmethod
    def from_dict(cls, d: dict) -> "Purpose":
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__})


def _record_business(s: Session, c: Counter, p: Purpose, tenders: list[TenderInput]) -> dict:
    if p.kind == "bills":
        return payments.pay_bills(s, c, p.room, tenders, line_ids=p.line_ids,
                                  as_of=date.fromisoformat(p.as_of) if p.as_of else None)
    if p.kind == "prepay":
        return payments.prepay(s, c, p.room, tenders)
    if p.kind == "deposit":
        return payments.collect_deposit(s, c, p.room, p.purpose or "", tenders)
    if p.kind == "one_off":
        return payments.charge_one_off(s, c, p.room, p.fee or "", p.amount_fen or 0, p.note or "", tenders)
    raise InputError("scan.bad_purpose", kind=p.kind)


def _tender_dict(t: TenderInput) -> dict:
    return asdict(t)


class _KeepOpen(Exception):
    """The gateway's success cannot be recorded as it stands: keep the order open."""


class _DryRun(Exception):
    """Raised to roll back the check run (phase 0)."""


def _check_first(sessions: Sessions, c: Counter, p: Purpose, tenders: list[TenderInput],
                 scan: ScanRequest) -> Purpose:
    """Run the business call with a stand-in gateway tender and roll it back: every check the
    real recording makes, before any money moves. Returns the purpose with the lines pinned
    (what `--all` chose now is what a later replay pays)."""
    stand_in = TenderInput(scan.gateway, scan.amount_fen, _STAND_IN_REF)
    result: dict = {}
    try:
        with sessions() as s:
            result = _record_business(s, c, p, tenders + [stand_in])
            raise _DryRun
    except _DryRun:
        pass
    if p.kind == "bills":
        return Purpose(**{**asdict(p), "line_ids": [a["line_id"] for a in result["allocations"]],
                          "as_of": result["as_of"]})
    return p


# ---------------------------------------------------------------------------------------
# Orders

def new_out_trade_no(terminal: str) -> str:
    """Terminal code + a time-ordered id: letters and digits, at most 32 characters (both
    platforms' limit), unique across counters."""
    hexid = new_id().replace("-", "")  # 32 hex digits, time first
    return (terminal + hexid)[:32] if len(terminal) + 24 <= 32 else (terminal[:8] + hexid[:24])


def _order(s: Session, out_trade_no: str) -> GatewayOrder:
    o = s.scalar(select(GatewayOrder).where(GatewayOrder.out_trade_no == out_trade_no))
    if o is None:
        from app.errors import NotFound

        raise NotFound("gateway.order_not_found", out_trade_no=out_trade_no)
    return o


def _event(r: GatewayResult, op: str) -> dict:
    return {"op": op, "state": r.state, "code": r.code, "message": r.message, "transaction_id": r.transaction_id,
            "at": clock.now().isoformat()}


def _set_state(sessions: Sessions, out_trade_no: str, state: str, r: GatewayResult | None, op: str,
               only_from: tuple[str, ...] = OPEN_STATES) -> bool:
    """Move an order to `state` (from an open state only) and log the reply; its own unit of work."""
    with sessions() as s:
        o = _order(s, out_trade_no)
        if o.status not in only_from:
            return False
        raw = dict(o.raw or {})
        if r is not None:
            raw["events"] = [*raw.get("events", []), _event(r, op)][-20:]
        o.raw = raw
        o.status = state
        if r is not None and r.transaction_id:
            o.transaction_id = r.transaction_id
        o.updated_at = clock.now()
    return True


def _safe(call: Callable[[], GatewayResult]) -> GatewayResult:
    """A driver never should raise, but a lost reply must never look like a decline."""
    try:
        return call()
    except Exception as e:  # noqa: BLE001
        return GatewayResult("unknown", message=f"{type(e).__name__}: {e}"[:200])


# ---------------------------------------------------------------------------------------
# The flow

@dataclass
class Flow:
    """What drives one order to its end: the gateway, the waiting and a progress callback
    (the GUI shows 等待用户输入密码… on `paying`)."""

    gateway: Gateway
    pay_timeout_s: int = gateway_settings.DEFAULT_PAY_TIMEOUT
    sleep: Callable[[float], None] = time.sleep  # injectable: tests and the benchmark never wait
    on_state: Callable[[str], None] | None = None
    poll_interval_s: float = POLL_INTERVAL_S

    def tell(self, state: str) -> None:
        if self.on_state:
            self.on_state(state)

    def wait_for_user(self, out_trade_no: str) -> GatewayResult:
        """Poll while the customer enters the password: success/failed, or still paying at
        the timeout (the caller reverses)."""
        waited = 0.0
        last = GatewayResult("paying")
        while waited < self.pay_timeout_s:
            self.sleep(self.poll_interval_s)
            waited += self.poll_interval_s
            last = _safe(lambda: self.gateway.query(out_trade_no))
            if last.state in ("success", "failed", "closed", "reversed"):
                return last
        return last if last.state != "unknown" else GatewayResult("paying", message=last.message)

    def settle_unknown(self, out_trade_no: str) -> GatewayResult:
        """A lost reply or system error: ask about the same order a few times."""
        last = GatewayResult("unknown")
        for _ in range(QUERY_ATTEMPTS):
            self.sleep(self.poll_interval_s)
            last = _safe(lambda: self.gateway.query(out_trade_no))
            if last.state != "unknown":
                return last
        return last

    def drive(self, out_trade_no: str, first: GatewayResult) -> tuple[GatewayResult, str]:
        """From the first reply to a final one: (reply, how it ended) where how is
        paid | declined | reversed | unknown."""
        r = first
        if r.state == "unknown":
            r = self.settle_unknown(out_trade_no)
        if r.state == "paying":
            self.tell("paying")
            r = self.wait_for_user(out_trade_no)
        if r.state == "success":
            return r, "paid"
        if r.state in ("failed", "closed", "reversed"):
            return r, "declined"
        # still paying at the timeout, or unknown: cancel the order (refunds it if it was paid)
        rev = _safe(lambda: self.gateway.reverse(out_trade_no))
        if rev.state in ("reversed", "closed"):
            return rev, "reversed" if r.state == "paying" else "reversed_unknown"
        after = _safe(lambda: self.gateway.query(out_trade_no))  # the reversal failed: did it get paid?
        if after.state == "success":
            return after, "paid"
        if after.state in ("failed", "closed", "reversed"):
            return after, "declined"
        return after, "unknown"


def _sleep(seconds: float) -> None:
    time.sleep(seconds)  # looked up at call time, so a test can replace `time` here


def _gateway_for(sessions: Sessions, terminal: str, name: str, factory: GatewayFactory) -> tuple[Gateway, int]:
    with sessions() as s:
        conf = gateway_settings.driver_settings(s, terminal, name)
        timeout = gateway_settings.pay_timeout(s, terminal, name)
    try:
        return factory(name, conf), timeout
    except AppError:
        raise
    except Exception as e:  # noqa: BLE001 — missing or unusable settings: nothing has happened yet
        raise InputError("scan.not_configured", gateway=Msg(GATEWAYS[name].label), reason=str(e)[:120]) from None


def pay_with_scan(sessions: Sessions, c: Counter, purpose: Purpose, tenders: list[TenderInput], scan: ScanRequest,
                  factory: GatewayFactory, *, sleep: Callable[[float], None] | None = None,
                  on_state: Callable[[str], None] | None = None, subject: str | None = None) -> dict:
    """Take a payment of which one tender is a scanned payment code. Returns the payment
    (as payments.* do) with the gateway tender carrying `ref` and `out_trade_no`.
    InputError (exit 2): bad input or declined, nothing recorded; AppError (exit 1): unknown
    outcome (order kept) or taken-but-not-recorded (given back)."""
    purpose = _check_first(sessions, c, purpose, tenders, scan)
    gateway, timeout = _gateway_for(sessions, c.terminal, scan.gateway, factory)
    # Phase 1: the order exists before the call.
    out_trade_no = new_out_trade_no(c.terminal)
    with sessions() as s:
        terminal = users.ensure_terminal(s, c.terminal)
        s.add(GatewayOrder(provider=scan.gateway, out_trade_no=out_trade_no, amount_fen=scan.amount_fen,
                           status="created", terminal_id=terminal.id, created_at=clock.now(),
                           raw={"purpose": asdict(purpose), "tenders": [_tender_dict(t) for t in tenders],
                                "terminal": c.terminal, "user": c.user, "events": []}))
    # Phase 2: the call, and whatever it takes to reach a final answer.
    flow = Flow(gateway, timeout, sleep or _sleep, on_state)
    subject = subject or f"{SUBJECTS.get(purpose.kind, '物业收费')} {purpose.room}"
    first = _safe(lambda: gateway.pay(out_trade_no, scan.auth_code, scan.amount_fen, subject))
    if first.state == "paying":
        _set_state(sessions, out_trade_no, "paying", first, "pay")
    elif first.state == "unknown":
        _set_state(sessions, out_trade_no, "unknown", first, "pay")
    r, how = flow.drive(out_trade_no, first)
    return _finish(sessions, c, out_trade_no, r, how, gateway, timeout)


def _finish(sessions: Sessions, c: Counter, out_trade_no: str, r: GatewayResult, how: str, gateway: Gateway,
            timeout: int) -> dict:
    if how == "paid":  # the hot path: straight to the one unit of work that records it
        return record_paid(sessions, c, out_trade_no, r, gateway)
    with sessions() as s:
        o = _order(s, out_trade_no)
        name, amount = o.provider, o.amount_fen
    label = Msg(GATEWAYS[name].label)
    if how == "declined":
        _set_state(sessions, out_trade_no, "failed", r, "final")
        raise InputError("scan.declined", gateway=label, reason=r.message or r.code or r.state,
                         out_trade_no=out_trade_no)
    if how in ("reversed", "reversed_unknown"):
        _set_state(sessions, out_trade_no, "reversed", r, "reverse")
        if how == "reversed":
            raise InputError("scan.timed_out", seconds=timeout, out_trade_no=out_trade_no)
        raise InputError("scan.declined", gateway=label, reason=Msg("scan.reversed_after_unknown"),
                         out_trade_no=out_trade_no)
    _set_state(sessions, out_trade_no, "unknown", r, "final")
    raise AppError("scan.unconfirmed", gateway=label, out_trade_no=out_trade_no, amount=amount)


def record_paid(sessions: Sessions, c: Counter, out_trade_no: str, r: GatewayResult, gateway: Gateway) -> dict:
    """The gateway says paid: the order and the payment in one unit of work. If the recording
    fails the money is given back at once (and the cashier told), never kept silently."""
    try:
        with sessions() as s:
            o = _order(s, out_trade_no)
            provider = o.provider
            raw = dict(o.raw or {})
            taken = s.execute(update(GatewayOrder).where(GatewayOrder.id == o.id,
                                                         GatewayOrder.status.in_(OPEN_STATES))
                              .values(status="paid", transaction_id=r.transaction_id, updated_at=clock.now())
                              .execution_options(synchronize_session=False)).rowcount
            if taken != 1:  # another process (start-up recovery, resolve) has settled it
                raise Conflict("scan.already_settled", out_trade_no=out_trade_no)
            rule = tender_methods.get(provider).reference
            if rule is not None and not rule.matches(r.transaction_id or ""):
                # the platform's number is not one the tender accepts: a driver matter, never a
                # reason to give a valid payment back — keep the order open, say so
                raise _KeepOpen(f"transaction no {r.transaction_id!r}")
            if r.amount_fen is not None and r.amount_fen != o.amount_fen:  # never record other than was paid
                raise _KeepOpen(f"amount {r.amount_fen} != {o.amount_fen}")
            p = Purpose.from_dict(raw["purpose"])
            tenders = [TenderInput(**t) for t in raw.get("tenders", [])]
            tenders.append(TenderInput(o.provider, o.amount_fen, r.transaction_id))
            result = _record_business(s, c, p, tenders)
            s.execute(update(Tender).where(Tender.payment_id == result["payment_id"], Tender.method == o.provider,
                                           Tender.reference == r.transaction_id)
                      .values(gateway_order_id=o.id).execution_options(synchronize_session=False))
            raw["events"] = [*raw.get("events", []), _event(r, "paid")][-20:]
            raw["payment_id"], raw["receipt_no"] = result["payment_id"], result["receipt_no"]
            o.raw = raw  # flushed with the commit, one statement
            audit.record(s, "gateway.paid", user=c.user, terminal=c.terminal, entity="gateway_order", entity_id=o.id,
                         detail={"out_trade_no": out_trade_no, "transaction_id": r.transaction_id,
                                 "amount_fen": o.amount_fen, "receipt_no": result["receipt_no"]})
    except Conflict as e:
        if e.code == "scan.already_settled":
            raise
        _give_back(sessions, c, out_trade_no, r, gateway, e)
    except (InputError, AppError) as e:
        _give_back(sessions, c, out_trade_no, r, gateway, e)
    except Exception as e:  # noqa: BLE001 — the database failed (locked, gone): the money is taken
        # Not given back: nothing says the payment is wrong, only that it is not saved yet. The
        # order stays open (unknown) so resolve / start-up recovery records it, once.
        try:
            _set_state(sessions, out_trade_no, "unknown", r, "record_failed")
        except Exception:  # noqa: BLE001 — still no database: the order row is still open anyway
            pass
        reason = str(e) if isinstance(e, _KeepOpen) else type(e).__name__
        raise AppError("scan.paid_not_recorded", out_trade_no=out_trade_no, reason=reason) from e
    for t in result["tenders"]:
        t["ref"] = t.get("reference")
        if t["method"] == provider and t.get("reference") == r.transaction_id:
            t["out_trade_no"] = out_trade_no
    result["out_trade_no"] = out_trade_no
    return result


def _give_back(sessions: Sessions, c: Counter, out_trade_no: str, r: GatewayResult, gateway: Gateway,
               why: AppError) -> None:
    """The resident paid but the payment cannot be recorded: reverse (same day), else refund."""
    with sessions() as s:
        o = _order(s, out_trade_no)
        amount = o.amount_fen
    back = _safe(lambda: gateway.reverse(out_trade_no))
    if back.state not in ("reversed", "refunded", "closed"):
        back = _safe(lambda: gateway.refund(out_trade_no, ("R" + out_trade_no)[:32], amount, amount,
                                            "payment could not be recorded"))
    ok = back.state in ("reversed", "refunded", "closed")
    _set_state(sessions, out_trade_no, "refunded" if ok else "unrecorded", back, "give_back",
               only_from=OPEN_STATES + ("unrecorded",))
    with sessions() as s:
        audit.record(s, "gateway.given_back" if ok else "gateway.unrecorded", user=c.user, terminal=c.terminal,
                     entity="gateway_order", entity_id=_order(s, out_trade_no).id,
                     detail={"out_trade_no": out_trade_no, "transaction_id": r.transaction_id, "amount_fen": amount,
                             "reason": why.code})
    raise AppError("scan.recorded_failed_refunded" if ok else "scan.recorded_failed_kept",
                   reason=why.msg, out_trade_no=out_trade_no, amount=amount)


# ---------------------------------------------------------------------------------------
# Settling orders later: resolve one, recover after a crash, list the unconfirmed

def resolve(sessions: Sessions, c: Counter, out_trade_no: str, factory: GatewayFactory, *,
            sleep: Callable[[float], None] | None = None) -> dict:
    """Ask the gateway about an unsettled order (never pay it again): paid → record the
    payment as it was meant (under the resolving counter's open shift); not paid → close it
    (reverse); still unknown → it stays. `unrecorded` (paid, recording failed, giving back
    failed) → try giving it back again. Returns the order as `orders` lists it, plus the
    receipt when a payment was recorded."""
    with sessions() as s:
        o = _order(s, out_trade_no)
        name, status = o.provider, o.status
        if status in OPEN_STATES:
            users.require(s, c.user, "pay")
            require_open(s, c.terminal, c.user)  # the payment needs a shift to land in: check before asking
    if status not in UNCONFIRMED_STATES:
        return {**order_row(sessions, out_trade_no), "resolved": False}
    gateway, timeout = _gateway_for(sessions, c.terminal, name, factory)
    if status == "unrecorded":
        try:
            _give_back(sessions, c, out_trade_no, GatewayResult("success"), gateway,
                       AppError("scan.resolve_give_back"))
        except AppError as e:
            if e.code != "scan.recorded_failed_refunded":
                raise
        return {**order_row(sessions, out_trade_no), "resolved": True}
    r = _safe(lambda: gateway.query(out_trade_no))
    if r.state == "paying":  # nobody is waiting at the counter any more: cancel it
        r = GatewayResult("unknown", message=r.message)
    flow = Flow(gateway, 0, sleep or _sleep, None)
    r, how = flow.drive(out_trade_no, r) if r.state != "success" else (r, "paid")
    receipt: dict | None = None
    try:
        if how == "paid":
            receipt = record_paid(sessions, c, out_trade_no, r, gateway)
        else:
            _finish(sessions, c, out_trade_no, r, how, gateway, timeout)
    except AppError as e:
        if e.code in ("scan.unconfirmed", "scan.declined", "scan.timed_out"):
            return {**order_row(sessions, out_trade_no), "resolved": e.code != "scan.unconfirmed"}
        raise
    return {**order_row(sessions, out_trade_no), "resolved": True, "receipt": receipt}


def recover(sessions: Sessions, c: Counter, factory: GatewayFactory, *,
            sleep: Callable[[float], None] | None = None, min_age_s: float = 0) -> list[dict]:
    """On start-up: this terminal's orders a crash left created/paying/unknown are resolved by
    query (never paid again). A failure on one order does not stop the others. `min_age_s`
    leaves younger orders alone: a caller that may run beside a live payment of the same
    counter (the CLI's scan tender) must not cancel an order a customer is still confirming."""
    cutoff = clock.now() - timedelta(seconds=min_age_s)
    with sessions() as s:
        nos = list(s.scalars(select(GatewayOrder.out_trade_no).join(Terminal, Terminal.id == GatewayOrder.terminal_id)
                             .where(Terminal.code == c.terminal, GatewayOrder.status.in_(OPEN_STATES),
                                    GatewayOrder.created_at <= cutoff)
                             .order_by(GatewayOrder.created_at)))
    out = []
    for no in nos:
        try:
            out.append(resolve(sessions, c, no, factory, sleep=sleep))
        except AppError as e:
            out.append({**order_row(sessions, no), "resolved": False, "error": e.code})
    return out


def _row(o: GatewayOrder) -> dict:
    return {"out_trade_no": o.out_trade_no, "gateway": o.provider, "amount_fen": o.amount_fen, "state": o.status,
            "transaction_id": o.transaction_id, "created_at": o.created_at.isoformat() if o.created_at else None,
            "receipt_no": (o.raw or {}).get("receipt_no")}


def order_row(sessions: Sessions, out_trade_no: str) -> dict:
    with sessions() as s:
        return _row(_order(s, out_trade_no))


def orders(s: Session, *, unconfirmed: bool = False, limit: int = 200) -> list[dict]:
    """Gateway orders, newest first; `unconfirmed`: those still needing settlement."""
    q = select(GatewayOrder).order_by(GatewayOrder.created_at.desc()).limit(limit)
    if unconfirmed:
        q = q.where(GatewayOrder.status.in_(UNCONFIRMED_STATES))
    return [_row(o) for o in s.scalars(q)]


def unconfirmed_orders(s: Session, day: date) -> list[dict]:
    """Orders of a business day still unsettled (created/paying/unknown, or paid but not
    recorded): day close lists them (issue 14)."""
    start, end = clock.day_bounds(day)
    return [_row(o) for o in s.scalars(select(GatewayOrder).where(GatewayOrder.status.in_(UNCONFIRMED_STATES),
                                                                   GatewayOrder.created_at >= start,
                                                                   GatewayOrder.created_at < end)
                                       .order_by(GatewayOrder.created_at))]
