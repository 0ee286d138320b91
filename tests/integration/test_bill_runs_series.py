"""`bill_runs`: consecutive periods computed by one forked child, the annual tiers' usage
billed so far carried from one period to the next instead of read back — the same lines,
results, runs and ledger as `bill_run` of each period in turn, across a year's end too."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from app.context import AppContext
from app.db.models import AuditEvent, BillLine, BillRun, LedgerTxn
from app.services.billing import ahead
from app.services.billing import bill_run as bill_run_module
from app.services.billing.bill_run import bill_run, bill_runs
from app.services.ledger_check import full_check
from tests.conftest import _counter, _ready_context
from tests.integration.test_bill_run_chunks import _lines
from tests.support.builders import World

PERIODS = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
# Low annual tiers, so the year's usage so far moves rooms into the dearer tiers within months.
YEAR_TIERS = [{"up_to": "20", "unit_price": "5"}, {"up_to": "45", "unit_price": "7"},
              {"up_to": None, "unit_price": "9.5"}]
ROOMS = 17
RESULT_KEYS = ("period", "lines", "total_fen", "skipped_existing", "by_fee_item", "missing_readings",
               "flagged_readings", "missing", "problems")


def build(ctx: AppContext) -> None:
    """Rooms with a water meter read every month (annual tiers), one read in only some months
    (its water and electricity missing are reported, the months after bill from the last
    reading), one
    with two meters; a monthly-tier electricity meter, an area fee and a public meter."""
    with ctx.uow() as s:
        w = World(s)
        for i in range(ROOMS):
            key = f"{i % 2 + 1}-{i + 101}"
            w.room(key, f"{70 + i * 3}.2{i % 10}")
            w.meter(f"W{i}", "water", key)
            w.meter(f"E{i}", "electricity", key)
            value_w, value_e = 10 * i, 100 * i
            for k, p in enumerate(["2025-10", *PERIODS]):
                value_w += 3 + (i * 7 + k * 5) % 13
                value_e += 90 + (i * 37 + k * 11) % 300
                if i == 5 and p in ("2025-12", "2026-02"):
                    continue  # not read these months
                w.reading(f"W{i}", p, f"{value_w}.{k % 10}")
                w.reading(f"E{i}", p, str(value_e))
        w.meter("W-second", "water", "1-103")  # a second water meter in one room
        for k, p in enumerate(["2025-10", *PERIODS]):
            w.reading("W-second", p, str(4 * k * k))
        w.meter("PUB", "electricity", None, multiplier="10")
        for k, p in enumerate(["2025-10", *PERIODS]):
            w.reading("PUB", p, str(50 * k))
        w.fee("PM", "area", "2.35")
        w.fee("WATER", "usage", tiers=YEAR_TIERS, tier_period="year", meter_kind="water")
        w.fee("ELEC", "usage", tiers=[{"up_to": "200", "unit_price": "0.4883"}, {"up_to": None, "unit_price": "0.7883"}],
              tier_period="month", meter_kind="electricity")
        w.fee("PUBE", "apportioned", "0.61", apportion={"meter_no": "PUB", "by": "area", "scope": "community"})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_ctx(request, tmp_path) -> Iterator[tuple[AppContext, AppContext]]:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"]
    else:
        server = request.getfixturevalue("pg")
        urls = [server.create_database(f"t{os.getpid()}_{next(_counter)}") for _ in range(2)]
    ctxs = [_ready_context(u) for u in urls]
    yield ctxs[0], ctxs[1]
    for c in ctxs:
        c.close()


def _counts(ctx: AppContext) -> tuple[int, int, int]:
    with ctx.uow() as s:
        return (s.scalar(select(func.count()).select_from(BillRun)),
                s.scalar(select(func.count()).select_from(LedgerTxn).where(LedgerTxn.ref_type == "bill_run")),
                s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "bill_run")))


def test_a_series_gives_what_the_runs_one_by_one_give(two_ctx, tmp_path, monkeypatch):
    ref, ctx = two_ctx
    monkeypatch.setattr(ahead, "COMPUTE_IN_CHILD", True)
    build(ref)
    build(ctx)
    with ref.uow() as s:  # each period alone: the year's usage read back from the lines
        one_by_one = [bill_run(s, p, user="admin", chunk_rooms=4) for p in PERIODS]
    assert sum(r["missing_readings"] for r in one_by_one) == 4 and all(r["lines"] for r in one_by_one)

    pids = tmp_path / "pids"
    real_compute, real_before = bill_run_module._Computation.compute, bill_run_module._Computation._billed_before
    read_back: list[str] = []

    def noting_compute(self, rooms):  # type: ignore[no-untyped-def]
        with open(pids, "a") as f:
            f.write(f"{os.getpid()} {self.p}\n")
        return real_compute(self, rooms)

    def noting_before(self, it):  # type: ignore[no-untyped-def]
        if it.id not in self._before and not (self.carry is not None and it.id in self.carry):
            with open(tmp_path / "read_back", "a") as f:
                f.write(f"{self.p}\n")
        return real_before(self, it)

    monkeypatch.setattr(bill_run_module._Computation, "compute", noting_compute)
    monkeypatch.setattr(bill_run_module._Computation, "_billed_before", noting_before)
    with ctx.uow() as s:
        series = bill_runs(s, PERIODS, user="admin", chunk_rooms=4, open_rooms=10**6)
    by = [line.split() for line in pids.read_text().splitlines()]
    assert {pid for pid, _ in by} != {str(os.getpid())} and len({pid for pid, _ in by}) == 1  # one child
    assert [p for _, p in by] == [p for p in PERIODS for _ in range(-(-(ROOMS) // 4))]
    # Read back from the lines only where nothing is carried: the first period, and January
    # (a new year: nothing to read). Every other period took the usage from the one before.
    read_back += (tmp_path / "read_back").read_text().split()
    assert read_back == ["2025-11", "2026-01"]

    for mine, theirs in zip(series, one_by_one):
        for key in RESULT_KEYS:
            assert mine[key] == theirs[key], (mine["period"], key)
    assert _lines(ctx) == _lines(ref)
    runs, txns, events = _counts(ctx)
    assert (runs, txns, events) == _counts(ref) and runs == events == len(PERIODS) and txns >= runs
    with ctx.uow() as s:
        assert full_check(s)["ok"]


def test_where_a_period_has_lines_already_each_period_is_a_run_of_its_own(tmp_path, monkeypatch):
    """A series carries the year's usage only where it wrote every line itself: with one of
    its periods billed already (here the first), each period is bill_run (reading back), and
    skips what is there."""
    monkeypatch.setattr(ahead, "COMPUTE_IN_CHILD", True)
    ref = _ready_context(f"sqlite:///{tmp_path / 'ref.db'}")
    ctx = _ready_context(f"sqlite:///{tmp_path / 'run.db'}")
    build(ref)
    build(ctx)
    with ref.uow() as s:
        for p in PERIODS:
            bill_run(s, p, user="admin", chunk_rooms=4)
    with ctx.uow() as s:
        first = bill_run(s, PERIODS[0], user="admin", chunk_rooms=4)
    forked = []
    real_series = ahead.SeriesAhead

    def noting_series(jobs):  # type: ignore[no-untyped-def]
        forked.append(len(jobs))
        return real_series(jobs)

    monkeypatch.setattr(ahead, "SeriesAhead", noting_series)
    with ctx.uow() as s:
        runs = bill_runs(s, PERIODS, user="admin", chunk_rooms=4)
    assert forked == [] and runs[0]["lines"] == 0 and runs[0]["skipped_existing"] == first["lines"]
    assert _lines(ctx) == _lines(ref)
    ctx.close()
    ref.close()


def test_a_failing_child_stops_the_series_at_that_period(tmp_path, monkeypatch):
    """The child fails computing the third period: the two before are written and committed
    (as two bill runs would be), the third writes nothing, and the error reaches the caller."""
    monkeypatch.setattr(ahead, "COMPUTE_IN_CHILD", True)
    ctx = _ready_context(f"sqlite:///{tmp_path / 'run.db'}")
    build(ctx)
    real_compute = bill_run_module._Computation.compute
    parent = os.getpid()

    def failing_at_the_third(self, rooms):  # type: ignore[no-untyped-def]
        if os.getpid() != parent and self.p == PERIODS[2]:
            raise RuntimeError("the child broke")
        return real_compute(self, rooms)

    monkeypatch.setattr(bill_run_module._Computation, "compute", failing_at_the_third)
    with pytest.raises(ahead.ChildFailed, match="the child broke"):
        with ctx.uow() as s:
            bill_runs(s, PERIODS, user="admin", chunk_rooms=4, open_rooms=10**6)
    with ctx.uow() as s:
        periods = s.scalars(select(BillRun.period).order_by(BillRun.period)).all()
        billed = set(s.scalars(select(BillLine.period)).all())
        assert full_check(s)["ok"]
    assert periods == PERIODS[:2] and billed == set(PERIODS[:2])
    runs, txns, events = _counts(ctx)
    assert runs == events == 2 and txns == 2 * -(-(ROOMS) // 4)  # a ledger transaction per chunk
    ctx.close()
