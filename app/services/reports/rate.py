"""Collection rate (收缴率) = principal collected / principal billed, for the bill lines of
the periods in the range (the months of --from … --to), by building, fee item and period.

Billed = the lines' amounts (charges, one-off charges, corrections; credits went to
prepaid and are not billed); collected = principal paid on those lines by payments not
voided, whenever paid; waived = principal waived; outstanding = billed − collected −
waived, which is what the arrears report shows for those periods.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Allocation, BillAdjustment, BillLine, Building, FeeItem, Room
from app.domain.periods import Period
from app.services.reports.model import FEN, PCT, Chart, Column, Params, Report, Section, rate_pct
from app.services.reports.scope import community_id
from app.services.voided import voided_payment_ids

_NUMS = ("billed_fen", "collected_fen", "waived_fen", "outstanding_fen")


def rate(s: Session, p: Params) -> Report:
    first, last = str(Period.of(p.start)), str(Period.of(p.end))
    voided = voided_payment_ids()
    paid = (select(Allocation.bill_line_id.label("line_id"), func.sum(Allocation.principal_fen).label("fen"))
            .where(Allocation.payment_id.not_in(voided)).group_by(Allocation.bill_line_id).subquery())
    waived = (select(BillAdjustment.bill_line_id.label("line_id"), func.sum(BillAdjustment.amount_fen).label("fen"))
              .where(BillAdjustment.kind == "waive_principal").group_by(BillAdjustment.bill_line_id).subquery())
    q = (select(Building.name, FeeItem.name, BillLine.period, func.sum(BillLine.amount_fen),
                func.sum(func.coalesce(paid.c.fen, 0)), func.sum(func.coalesce(waived.c.fen, 0)))
         .join(Room, Room.id == BillLine.room_id).join(Building, Building.id == Room.building_id)
         .join(FeeItem, FeeItem.id == BillLine.fee_item_id)
         .outerjoin(paid, paid.c.line_id == BillLine.id).outerjoin(waived, waived.c.line_id == BillLine.id)
         .where(BillLine.kind != "credit", BillLine.period >= first, BillLine.period <= last)
         .group_by(Building.name, FeeItem.name, BillLine.period))
    cid = community_id(s, p)
    if cid is not None:
        q = q.where(Room.community_id == cid)
    groups: dict[str, dict[str, list[int]]] = {k: defaultdict(lambda: [0, 0, 0]) for k in ("building", "fee", "period")}
    for building, fee, period, billed, collected, waived_fen in s.execute(q):
        for key, name in (("building", building), ("fee", fee), ("period", period)):
            g = groups[key][name]
            g[0] += int(billed)
            g[1] += int(collected)
            g[2] += int(waived_fen)

    def rows(key: str, order) -> list[dict]:  # type: ignore[no-untyped-def]
        out = []
        for name in sorted(groups[key], key=order):
            billed, collected, waived_fen = groups[key][name]
            out.append({key: name, "billed_fen": billed, "collected_fen": collected, "waived_fen": waived_fen,
                        "outstanding_fen": billed - collected - waived_fen, "rate_pct": rate_pct(collected, billed)})
        return out

    def section(key: str, title: str, label: str, order, chart: str) -> Section:  # type: ignore[no-untyped-def]
        r = rows(key, order)
        totals = {k: sum(x[k] for x in r) for k in _NUMS}
        totals["rate_pct"] = rate_pct(totals["collected_fen"], totals["billed_fen"])
        return Section(title, [Column(key, label), *(Column(k, f"reports.col.{k[:-4]}", FEN) for k in _NUMS),
                               Column("rate_pct", "reports.col.rate", PCT)], r, totals,
                       Chart(chart, key, ("rate_pct",)))

    from app.services.reports.arrears import _natural

    return Report("rate", "reports.kind.rate", p, [
        section("building", "reports.sec.by_building", "reports.col.building", _natural, "bar"),
        section("fee", "reports.sec.by_fee_item", "reports.col.fee_item", str, "bar"),
        section("period", "reports.sec.by_period", "reports.col.period", str, "line"),
    ])
