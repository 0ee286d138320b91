"""Arrears aging (欠费账龄): every open bill line's unpaid principal, by how many days past
its due date it is today, per building; the top debtors; and the rooms whose bank
collection (托收) failed, with the bank's reason, for follow-up.

Unpaid principal of a line = its amount + corrections merged into it − principal paid by
payments not voided − principal waived: the same sum `ledger check` proves the receivable
(AR) accounts equal, so this report's total is the ledger's receivable balance. Lines not
due yet are a column of their own (未到期). Late fees are not in it: they are not booked
until paid (the counter computes them on the day of payment).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import clock
from app.db.models import Allocation, BillAdjustment, BillLine, Building, Community, Room
from app.services.reports.model import FEN, INT, LABEL, Chart, Column, Params, Report, Section
from app.services.reports.scope import community_id
from app.services.voided import voided_payment_ids

# (key, upper bound in days past due, label code); None = no bound.
BUCKETS: tuple[tuple[str, int | None, str], ...] = (
    ("d0_30_fen", 30, "reports.col.d0_30"), ("d31_90_fen", 90, "reports.col.d31_90"),
    ("d91_180_fen", 180, "reports.col.d91_180"), ("d181_365_fen", 365, "reports.col.d181_365"),
    ("d365_plus_fen", None, "reports.col.d365_plus"))
NOT_DUE = "not_due_fen"
TOP_DEBTORS = 20


def bucket_of(days_past_due: int) -> str:
    if days_past_due < 0:
        return NOT_DUE
    for key, upper, _label in BUCKETS:
        if upper is None or days_past_due <= upper:
            return key
    raise AssertionError("unreachable")


def open_lines(s: Session, cid: str | None) -> list[tuple[str, str, date, int]]:
    """(line id, room id, due date, unpaid principal) of every line with something unpaid
    (or overpaid) — merged corrections folded into the line they correct."""
    voided = voided_payment_ids()
    paid = (select(Allocation.bill_line_id.label("line_id"), func.sum(Allocation.principal_fen).label("fen"))
            .where(Allocation.payment_id.not_in(voided)).group_by(Allocation.bill_line_id).subquery())
    waived = (select(BillAdjustment.bill_line_id.label("line_id"), func.sum(BillAdjustment.amount_fen).label("fen"))
              .where(BillAdjustment.kind == "waive_principal").group_by(BillAdjustment.bill_line_id).subquery())
    rest = BillLine.amount_fen - func.coalesce(paid.c.fen, 0) - func.coalesce(waived.c.fen, 0)
    q = (select(BillLine.id, BillLine.room_id, BillLine.due_date, rest)
         .outerjoin(paid, paid.c.line_id == BillLine.id).outerjoin(waived, waived.c.line_id == BillLine.id)
         .where(BillLine.kind != "credit", rest != 0))
    if cid is not None:
        q = q.where(BillLine.room_id.in_(select(Room.id).where(Room.community_id == cid)))
    lines = {lid: [room, due, int(fen)] for lid, room, due, fen in s.execute(q)}
    # Merged corrections (few: read whole, like ledger check) belong to the line they correct.
    for lid, target, detail in s.execute(select(BillLine.id, BillLine.corrects_id, BillLine.__table__.c.detail)
                                         .where(BillLine.kind == "delta", BillLine.corrects_id.is_not(None))):
        d = detail if isinstance(detail, dict) else json.loads(detail or "{}")
        if d.get("mode") != "merged" or lid not in lines:
            continue
        fen = lines.pop(lid)[2]
        if target not in lines:
            row = s.execute(select(BillLine.room_id, BillLine.due_date).where(BillLine.id == target)).one()
            lines[target] = [row[0], row[1], 0]
        lines[target][2] += fen
    return [(lid, room, due, fen) for lid, (room, due, fen) in lines.items() if fen]


def arrears(s: Session, p: Params) -> Report:
    from app.services.collect.query import failed_rooms

    today = clock.today()
    cid = community_id(s, p)
    lines = open_lines(s, cid)
    room_ids = sorted({r for _l, r, _d, _f in lines})
    rooms: dict[str, tuple[str, str, str]] = {}
    for i in range(0, len(room_ids), 900):
        chunk = room_ids[i:i + 900]
        for rid, key, bname, cname in s.execute(
                select(Room.id, Room.room_key, Building.name, Community.name)
                .join(Building, Building.id == Room.building_id).join(Community, Community.id == Room.community_id)
                .where(Room.id.in_(chunk))):
            rooms[rid] = (cname, bname, key)
    keys = [NOT_DUE] + [b[0] for b in BUCKETS]
    by_building: dict[tuple[str, str], dict] = defaultdict(lambda: {k: 0 for k in keys} | {"rooms": set()})
    by_room: dict[str, dict] = defaultdict(lambda: {"fen": 0, "overdue": 0, "lines": 0, "oldest": None})
    for _lid, room, due, fen in lines:
        cname, bname, _key = rooms[room]
        days = (today - due).days
        b = by_building[(cname, bname)]
        b[bucket_of(days)] += fen
        b["rooms"].add(room)
        r = by_room[room]
        r["fen"] += fen
        r["lines"] += 1
        if days >= 0:
            r["overdue"] += fen
            r["oldest"] = due if r["oldest"] is None or due < r["oldest"] else r["oldest"]
    building_rows = []
    for (cname, bname), b in sorted(by_building.items(), key=lambda kv: (kv[0][0], _natural(kv[0][1]))):
        building_rows.append({"community": cname, "building": bname, "rooms": len(b["rooms"]),
                              **{k: b[k] for k in keys}, "total_fen": sum(b[k] for k in keys)})
    totals = {"rooms": len(by_room), **{k: sum(r[k] for r in building_rows) for k in keys},
              "total_fen": sum(r["total_fen"] for r in building_rows)}
    failures = failed_rooms(s, list(by_room))
    top = sorted(by_room.items(), key=lambda kv: (-kv[1]["fen"], rooms[kv[0]]))[:TOP_DEBTORS]
    from app.services.cashier.payments import payer_name

    top_rows = [{"community": rooms[rid][0], "room": rooms[rid][2], "owner": payer_name(s, rid) or "",
                 "lines": r["lines"], "oldest_due": r["oldest"].isoformat() if r["oldest"] else "",
                 "days": (today - r["oldest"]).days if r["oldest"] else 0, "total_fen": r["fen"],
                 "collect": failures.get(rid, "")} for rid, r in top]
    failed_rows = [{"community": rooms[rid][0], "room": rooms[rid][2], "owner": payer_name(s, rid) or "",
                    "total_fen": by_room[rid]["fen"], "collect": reason}
                   for rid, reason in sorted(failures.items(), key=lambda kv: rooms[kv[0]])]
    bucket_cols = [Column(NOT_DUE, "reports.col.not_due", FEN)] + [Column(k, label, FEN) for k, _u, label in BUCKETS]
    sections = [
        Section("reports.sec.aging", [Column("community", "reports.col.community"),
                                      Column("building", "reports.col.building"),
                                      Column("rooms", "reports.col.rooms", INT), *bucket_cols,
                                      Column("total_fen", "reports.col.total", FEN)],
                building_rows, totals,
                Chart("stacked", "building", tuple(k for k, _u, _l in BUCKETS))),
        Section("reports.sec.top_debtors", [Column("community", "reports.col.community"),
                                            Column("room", "reports.col.room"),
                                            Column("owner", "reports.col.owner"),
                                            Column("lines", "reports.col.lines", INT),
                                            Column("oldest_due", "reports.col.oldest_due"),
                                            Column("days", "reports.col.days", INT),
                                            Column("total_fen", "reports.col.total", FEN),
                                            Column("collect", "reports.col.collect_failed", LABEL)],
                top_rows, {"total_fen": sum(r["total_fen"] for r in top_rows)},
                Chart("bar", "room", ("total_fen",))),
        Section("reports.sec.collect_failed", [Column("community", "reports.col.community"),
                                               Column("room", "reports.col.room"),
                                               Column("owner", "reports.col.owner"),
                                               Column("total_fen", "reports.col.total", FEN),
                                               Column("collect", "reports.col.collect_failed", LABEL)],
                failed_rows, {"total_fen": sum(r["total_fen"] for r in failed_rows)}),
    ]
    return Report("arrears", "reports.kind.arrears", Params(today, today, p.community), sections)


def _natural(name: str) -> tuple:
    """Buildings 1, 2, …, 10 in number order, then the rest by name (S1, P)."""
    return (0, int(name), "") if name.isdigit() else (1, 0, name)
