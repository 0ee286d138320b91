"""What a refund gives back, worked out before anything is written: which allocations are
reversed (lines reopened), how much, and by which tenders (the route's legs).

A refund never gives back more than the payment took, less earlier refunds (not voided):
per line, per tender method (route `original`) and in total. A bills or one-off payment is
always refunded by reopening what it paid — by the lines named, or, by amount, from the
last line it paid backwards (late fee first, then principal) — so the books keep saying
what each room owes; the route only says where the money goes: back the way it came, out of
the drawer, or onto the room's prepaid balance (the line is open again and the credit can
pay it, or be refunded later)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import tender_methods
from app.db.models import Allocation, BillLine, FeeItem, Payment, Receipt, Tender
from app.errors import InputError, NotFound, Problem
from app.services import ledger
from app.services.voided import not_voided

ROUTES = ("original", "cash", "prepaid")
REFUNDABLE_KINDS = ("bills", "one_off", "prepay")


@dataclass(frozen=True)
class Request:
    """A refund as the cashier asks for it (CLI `refund`, the GUI's refund dialog)."""

    receipt_no: str
    reason: str
    route: str = "original"
    line_ids: list[str] | None = None  # by lines; or
    amount_fen: int | None = None  # by amount; neither: all that is left
    approver: str | None = None
    pos_reference: str | None = None  # the POS refund slip's 参考号 (route original, card payments)


@dataclass
class Reopen:
    line_id: str
    fee_code: str
    fee_name: str
    period: str
    principal_fen: int  # positive: what is given back on the line
    late_fee_fen: int


@dataclass
class Leg:
    method: str
    amount_fen: int  # positive: money going back
    reference: str | None = None
    gateway_order_id: str | None = None  # the paid order refunded (wechat/alipay)


@dataclass
class Plan:
    payment: Payment
    receipt_no: str
    amount_fen: int
    source: str  # payment | prepaid
    route: str
    reopen: list[Reopen] = field(default_factory=list)
    legs: list[Leg] = field(default_factory=list)

    @property
    def gateway_leg(self) -> Leg | None:
        return next((leg for leg in self.legs if leg.gateway_order_id), None)


def original_payment(s: Session, receipt_no: str) -> tuple[Payment, str]:
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        raise InputError("refund.receipt_required")
    pid = s.scalar(select(Receipt.payment_id).where(Receipt.receipt_no == receipt_no))
    if pid is None:
        raise NotFound("refund.receipt_not_found", receipt=receipt_no)
    p = s.get(Payment, pid)
    if p.kind == "refund":
        raise InputError("refund.is_refund", receipt=receipt_no)
    if p.kind == "deposit":
        raise InputError("refund.use_deposit_refund", receipt=receipt_no)
    if p.kind not in REFUNDABLE_KINDS:
        raise InputError("refund.kind_not_refundable", receipt=receipt_no, kind=p.kind)
    if s.scalar(select(Payment.id).where(Payment.id == p.id, ~not_voided(Payment.id))):
        raise InputError("refund.voided", receipt=receipt_no)
    return p, receipt_no


def earlier_refunds(s: Session, payment_id: str) -> list[str]:
    return list(s.scalars(select(Payment.id).where(Payment.refund_of_id == payment_id, Payment.kind == "refund",
                                                   not_voided(Payment.id))))


def refunded_fen(s: Session, payment_id: str) -> int:
    """What earlier refunds (not voided) gave back of this payment, as a positive number."""
    ids = earlier_refunds(s, payment_id)
    if not ids:
        return 0
    return -sum(s.scalars(select(Payment.total_fen).where(Payment.id.in_(ids))))


def _left_by_line(s: Session, p: Payment, refunds: list[str]) -> list[tuple[Allocation, int, int]]:
    """(allocation, principal left, late fee left) of the payment's allocations, in its order."""
    allocs = s.scalars(select(Allocation).where(Allocation.payment_id == p.id).order_by(Allocation.id)).all()
    back: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    if refunds:
        for lid, principal, late in s.execute(select(Allocation.bill_line_id, Allocation.principal_fen,
                                                     Allocation.late_fee_fen)
                                              .where(Allocation.payment_id.in_(refunds))):
            back[lid][0] -= principal
            back[lid][1] -= late
    out = []
    for a in allocs:
        b = back[a.bill_line_id]
        p_left = a.principal_fen - min(b[0], a.principal_fen)
        l_left = a.late_fee_fen - min(b[1], a.late_fee_fen)
        b[0] -= a.principal_fen - p_left
        b[1] -= a.late_fee_fen - l_left
        out.append((a, p_left, l_left))
    return out


def _names(s: Session, line_ids: list[str]) -> dict[str, tuple[str, str, str]]:
    return {lid: (code, name, period) for lid, code, name, period in s.execute(
        select(BillLine.id, FeeItem.code, FeeItem.name, BillLine.period)
        .join(FeeItem, FeeItem.id == BillLine.fee_item_id).where(BillLine.id.in_(line_ids)))}


def make_plan(s: Session, req: Request) -> Plan:
    """Every check a refund needs, with nothing written. The caller holds the room lock."""
    p, receipt_no = original_payment(s, req.receipt_no)
    if req.route not in ROUTES:
        raise InputError("refund.bad_route", route=req.route, routes=list(ROUTES))
    if not (req.reason or "").strip():
        raise InputError("refund.reason_required")
    if req.line_ids and req.amount_fen is not None:
        raise InputError("refund.lines_or_amount")
    refunds = earlier_refunds(s, p.id)
    left = p.total_fen - refunded_fen(s, p.id)
    if left <= 0:
        raise InputError("refund.nothing_left", receipt=receipt_no, total=p.total_fen)
    plan = Plan(p, receipt_no, 0, "prepaid" if p.kind == "prepay" else "payment", req.route)
    if p.kind == "prepay":
        if req.line_ids:
            raise InputError("refund.prepay_has_no_lines", receipt=receipt_no)
        if req.route == "prepaid":
            raise InputError("refund.prepay_to_prepaid", receipt=receipt_no)
        amount = left if req.amount_fen is None else req.amount_fen
        _check_amount(amount, left, receipt_no)
        balance = -ledger.balance(s, ledger.room_account("PRE", p.room_id))
        if amount > balance:
            raise InputError("refund.prepaid_spent", receipt=receipt_no, amount=amount, balance=balance)
        plan.amount_fen = amount
    else:
        rows = _left_by_line(s, p, refunds)
        names = _names(s, [a.bill_line_id for a, _, _ in rows])
        if req.line_ids:
            by_line = {a.bill_line_id: (a, pl, ll) for a, pl, ll in rows}
            problems = []
            for lid in dict.fromkeys(x.strip() for x in req.line_ids):
                if lid not in by_line:
                    problems.append(Problem.of("refund.line_not_in_payment", line=lid, receipt=receipt_no))
                elif by_line[lid][1] + by_line[lid][2] <= 0:
                    code, name, period = names[lid]
                    problems.append(Problem.of("refund.line_already_refunded", line=f"{name} {period}"))
                else:
                    _, pl, ll = by_line[lid]
                    plan.reopen.append(Reopen(lid, *names[lid], pl, ll))
            if problems:
                raise InputError("refund.bad_lines", problems, receipt=receipt_no)
        else:
            amount = left if req.amount_fen is None else req.amount_fen
            _check_amount(amount, left, receipt_no)
            need = amount
            for a, pl, ll in reversed(rows):  # the last line paid is given back first
                if need <= 0:
                    break
                late = min(ll, need)
                need -= late
                principal = min(pl, need)
                need -= principal
                if principal or late:
                    plan.reopen.append(Reopen(a.bill_line_id, *names[a.bill_line_id], principal, late))
            plan.reopen.reverse()
        plan.amount_fen = sum(r.principal_fen + r.late_fee_fen for r in plan.reopen)
        _check_amount(plan.amount_fen, left, receipt_no)
    plan.legs = _legs(s, p, refunds, plan.amount_fen, req, receipt_no)
    return plan


def _check_amount(amount: int, left: int, receipt_no: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InputError("refund.amount_not_positive")
    if amount > left:
        raise InputError("refund.too_much", receipt=receipt_no, amount=amount, left=left)


def _legs(s: Session, p: Payment, refunds: list[str], amount: int, req: Request, receipt_no: str) -> list[Leg]:
    if req.route == "cash":
        return [Leg("cash", amount)]
    if req.route == "prepaid":
        return [Leg("prepaid", amount)]
    tenders = s.scalars(select(Tender).where(Tender.payment_id == p.id).order_by(Tender.id)).all()
    cap: dict[str, int] = defaultdict(int)
    order: dict[str, Tender] = {}
    for t in tenders:
        cap[t.method] += t.amount_fen
        order.setdefault(t.method, t)
    if refunds:
        for method, back in s.execute(select(Tender.method, Tender.amount_fen).where(Tender.payment_id.in_(refunds))):
            if method in cap:
                cap[method] += back  # refund tenders are negative
    legs, need = [], amount
    for method in reversed(list(order)):  # the last tender taken is given back first
        if need <= 0:
            break
        take = min(max(cap[method], 0), need)
        if take <= 0:
            continue
        need -= take
        t = order[method]
        if method in ("wechat", "alipay"):
            if not t.gateway_order_id:
                raise InputError("refund.no_gateway_order", receipt=receipt_no,
                                 method=tender_methods.label(method))
            legs.append(Leg(method, take, None, t.gateway_order_id))
        elif method == "pos":
            ref = (req.pos_reference or "").strip()
            rule = tender_methods.get("pos").reference
            if not ref:
                raise InputError("refund.pos_reference_required", receipt=receipt_no)
            if rule is not None and not rule.matches(ref):
                raise InputError("refund.pos_reference_bad", reference=ref)
            legs.append(Leg("pos", take, ref))
        else:
            legs.append(Leg(method, take, req.pos_reference if method == "transfer" else None))
    if need > 0:  # the tenders were refunded by other routes before: say what is left
        raise InputError("refund.original_exhausted", receipt=receipt_no, left=amount - need)
    if sum(1 for leg in legs if leg.gateway_order_id) > 1:
        raise InputError("refund.two_gateways", receipt=receipt_no)
    return legs
