"""Collections (实收) and income by tender: money received at the counters in a range of
business days, by day, tender, fee item and cashier; and by tender and counter.

Money received = the tenders applied, except `prepaid` (spending a prepaid balance moves no
money: it was received when the balance was topped up). So every section's total is the
same number, and it equals the movement of the counters' tender accounts (TND:*) in the
ledger for those payments. The fee-item section explains the same total by what was paid
for: principal per fee item, late fees, top-ups, deposits, less the prepaid balance spent.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import tender_methods
from app.db.models import Allocation, BillLine, FeeItem, Payment, Tender, Terminal, User
from app.services.reports.model import FEN, INT, LABEL, PCT, TENDER, Chart, Column, Params, Report, Section, rate_pct
from app.services.reports.scope import counted_payments

PREPAID = "prepaid"


def _tender_rows(s: Session, p: Params) -> list[tuple]:
    """(day, method, cashier, terminal, tenders, fen) for every money tender in range."""
    q = (counted_payments(s, p, Payment.business_day, Tender.method, User.username, User.display_name, Terminal.code,
                          func.count(Tender.id), func.sum(Tender.amount_fen))
         .join(Tender, Tender.payment_id == Payment.id)
         .outerjoin(User, User.id == Payment.user_id)
         .join(Terminal, Terminal.id == Payment.terminal_id)
         .where(Tender.method != PREPAID)
         .group_by(Payment.business_day, Tender.method, User.username, User.display_name, Terminal.code))
    # The cashier as shown: the display name, with the login name when two share a name.
    rows = s.execute(q).all()
    names: dict[str, set[str]] = defaultdict(set)
    for _d, _m, login, shown, *_rest in rows:
        names[shown or "—"].add(login or "")
    return [(d, m, (shown or "—") if len(names[shown or "—"]) == 1 else f"{shown} ({login})", t, int(n), int(f))
            for d, m, login, shown, t, n, f in rows]


def _method_order(methods: set[str]) -> list[str]:
    known = [c for c in tender_methods.METHODS if c in methods]
    return known + sorted(methods - set(known))


def _by_tender(rows: list[tuple], total: int) -> Section:
    amount: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for _d, m, _u, _t, n, f in rows:
        amount[m] += f
        count[m] += n
    out = [{"tender": m, "tenders": count[m], "amount_fen": amount[m],
            "share_pct": rate_pct(amount[m], total)} for m in _method_order(set(amount))]
    return Section("reports.sec.by_tender",
                   [Column("tender", "reports.col.tender", TENDER), Column("tenders", "reports.col.tenders", INT),
                    Column("amount_fen", "reports.col.amount", FEN), Column("share_pct", "reports.col.share", PCT)],
                   out, {"tenders": sum(count.values()), "amount_fen": total,
                         "share_pct": 100.0 if total else None},
                   Chart("pie", "tender", ("amount_fen",)))


def collections(s: Session, p: Params) -> Report:
    rows = _tender_rows(s, p)
    total = sum(r[5] for r in rows)
    methods = _method_order({r[1] for r in rows})
    payments_by_day = dict(s.execute(counted_payments(s, p, Payment.business_day, func.count(Payment.id))
                                     .group_by(Payment.business_day)).all())
    by_day: dict = defaultdict(lambda: defaultdict(int))
    for d, m, _u, _t, _n, f in rows:
        by_day[d][m] += f
    day_rows = []
    for d in sorted(set(by_day) | set(payments_by_day)):
        day_rows.append({"day": d.isoformat(), "payments": int(payments_by_day.get(d, 0)),
                         **{f"{m}_fen": by_day[d].get(m, 0) for m in methods},
                         "amount_fen": sum(by_day[d].values())})
    day_cols = ([Column("day", "reports.col.day"), Column("payments", "reports.col.payments", INT)]
                + [Column(f"{m}_fen", f"tender.method.{m}", FEN) for m in methods]
                + [Column("amount_fen", "reports.col.amount", FEN)])
    day_totals = {"payments": sum(r["payments"] for r in day_rows),
                  **{f"{m}_fen": sum(r[f"{m}_fen"] for r in day_rows) for m in methods}, "amount_fen": total}
    by_cashier: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _d, _m, u, _t, n, f in rows:
        by_cashier[u][0] += n
        by_cashier[u][1] += f
    cashier_rows = [{"cashier": u, "tenders": n, "amount_fen": f} for u, (n, f) in sorted(by_cashier.items())]
    sections = [
        Section("reports.sec.by_day", day_cols, day_rows, day_totals,
                Chart("stacked", "day", tuple(f"{m}_fen" for m in methods))),
        _by_tender(rows, total),
        _by_fee(s, p, total),
        Section("reports.sec.by_cashier",
                [Column("cashier", "reports.col.cashier"), Column("tenders", "reports.col.tenders", INT),
                 Column("amount_fen", "reports.col.amount", FEN)],
                cashier_rows, {"tenders": sum(r["tenders"] for r in cashier_rows), "amount_fen": total},
                Chart("bar", "cashier", ("amount_fen",))),
    ]
    return Report("collections", "reports.kind.collections", p, sections)


def _by_fee(s: Session, p: Params, total: int) -> Section:
    """The same money by what it paid for. Rows: principal per fee item, late fees, then
    what payments took beyond their allocations by kind (top-ups, deposits, a bill payment's
    excess credited to prepaid), less the prepaid balance spent (a negative row)."""
    alloc = s.execute(counted_payments(s, p, FeeItem.code, FeeItem.name, func.sum(Allocation.principal_fen),
                                       func.sum(Allocation.late_fee_fen))
                      .join(Allocation, Allocation.payment_id == Payment.id)
                      .join(BillLine, BillLine.id == Allocation.bill_line_id)
                      .join(FeeItem, FeeItem.id == BillLine.fee_item_id)
                      .group_by(FeeItem.code, FeeItem.name)).all()
    fee: dict[str, tuple[str, int]] = {}
    late = 0
    for code, name, principal, late_fee in alloc:
        old = fee.get(code, (name, 0))
        fee[code] = (old[0], old[1] + int(principal))
        late += int(late_fee)
    totals_by_kind = dict(s.execute(counted_payments(s, p, Payment.kind, func.sum(Payment.total_fen))
                                    .group_by(Payment.kind)).all())
    alloc_by_kind = dict(s.execute(counted_payments(s, p, Payment.kind, func.sum(Allocation.principal_fen
                                                                             + Allocation.late_fee_fen))
                                   .join(Allocation, Allocation.payment_id == Payment.id)
                                   .group_by(Payment.kind)).all())
    prepaid_spent = int(s.scalar(counted_payments(s, p, func.coalesce(func.sum(Tender.amount_fen), 0))
                                 .join(Tender, Tender.payment_id == Payment.id)
                                 .where(Tender.method == PREPAID)) or 0)
    rows = [{"item": f"{name}", "code": code, "amount_fen": amount} for code, (name, amount) in sorted(fee.items())]
    if late:
        rows.append({"item": "reports.item.late_fee", "code": "late_fee", "amount_fen": late})
    for kind in sorted(totals_by_kind):
        rest = int(totals_by_kind[kind]) - int(alloc_by_kind.get(kind, 0) or 0)
        if rest:
            rows.append({"item": f"reports.item.kind.{kind}" if kind in _KINDS else kind, "code": kind,
                         "amount_fen": rest})
    if prepaid_spent:
        rows.append({"item": "reports.item.prepaid_spent", "code": PREPAID, "amount_fen": -prepaid_spent})
    got = sum(r["amount_fen"] for r in rows)
    return Section("reports.sec.by_fee",
                   [Column("item", "reports.col.item", "label"), Column("amount_fen", "reports.col.amount", FEN)],
                   rows, {"amount_fen": got}, Chart("bar", "item", ("amount_fen",)))


_KINDS = ("bills", "one_off", "prepay", "deposit", "refund")


def tenders(s: Session, p: Params) -> Report:
    """Income by tender, and by tender at each counter (what each counter's tender account
    in the ledger should have moved by)."""
    rows = _tender_rows(s, p)
    total = sum(r[5] for r in rows)
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for _d, m, _u, t, n, f in rows:
        per[(t, m)][0] += n
        per[(t, m)][1] += f
    order = {m: i for i, m in enumerate(_method_order({r[1] for r in rows}))}
    counter_rows = [{"terminal": t, "tender": m, "account": f"TND:{m}:{t}", "tenders": n, "amount_fen": f}
                    for (t, m), (n, f) in sorted(per.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))]
    return Report("tenders", "reports.kind.tenders", p, [
        _by_tender(rows, total),
        Section("reports.sec.by_counter",
                [Column("terminal", "reports.col.terminal"), Column("tender", "reports.col.tender", TENDER),
                 Column("account", "reports.col.account"), Column("tenders", "reports.col.tenders", INT),
                 Column("amount_fen", "reports.col.amount", FEN)],
                counter_rows, {"tenders": sum(r["tenders"] for r in counter_rows), "amount_fen": total}),
    ])
