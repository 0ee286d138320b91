"""Reports (报表): the registry of report kinds and the one way to run one.

Each kind is a read-only function over the facts (payments, tenders, allocations, bill
lines, adjustments) returning a `Report` (model.py): sections of rows with totals and a
chart spec. The CLI (`propdesk report KIND`), the GUI's 报表 screen and the Excel/PDF
writers all read this registry; adding a report is one `ReportKind` here plus its module.

The reports agree with each other and with the ledger (docs/reports.md; a test proves it
on the demo): collections = income by tender = movement of the counters' tender accounts;
arrears = the receivable balance; the collection rate's outstanding = the arrears of those
periods.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app import clock
from app.errors import InputError
from app.services import users
from app.services.reports.arrears import arrears
from app.services.reports.collections import collections, tenders
from app.services.reports.model import Params, Report
from app.services.reports.rate import rate

# Longest range a report covers: ten years of days (a typo like 2062 would otherwise scan everything).
MAX_DAYS = 3660


@dataclass(frozen=True)
class ReportKind:
    code: str
    title: str  # message code
    build: Callable[[Session, Params], Report]
    uses_range: bool  # False: as of today (arrears)
    default_months: int  # default range: this many months up to today (1 = this month)


KINDS: dict[str, ReportKind] = {k.code: k for k in (
    ReportKind("collections", "reports.kind.collections", collections, True, 1),
    ReportKind("arrears", "reports.kind.arrears", arrears, False, 1),
    ReportKind("rate", "reports.kind.rate", rate, True, 12),
    ReportKind("tenders", "reports.kind.tenders", tenders, True, 1),
)}


def default_range(kind: str, today: date | None = None) -> tuple[date, date]:
    today = today or clock.today()
    months = KINDS[kind].default_months
    y, m = today.year, today.month - (months - 1)
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1), today


def run(s: Session, user: str, kind: str, *, start: date | None = None, end: date | None = None,
        community: str | None = None) -> Report:
    users.require(s, user, "reports")
    k = KINDS.get(kind)
    if k is None:
        raise InputError("reports.unknown_kind", kind=kind, known=list(KINDS))
    d_start, d_end = default_range(kind, end)
    start, end = start or d_start, end or d_end
    if start > end:
        raise InputError("reports.bad_range", start=start.isoformat(), end=end.isoformat())
    if (end - start).days > MAX_DAYS:
        raise InputError("reports.range_too_long", start=start.isoformat(), end=end.isoformat(), days=MAX_DAYS)
    return k.build(s, Params(start, end, (community or "").strip() or None))


__all__ = ["KINDS", "Params", "Report", "ReportKind", "default_range", "run"]
