"""The demo company's year at the counter: its twelve bill runs and the payments its residents
made, leaving a realistic share of arrears (`propdesk init --demo`, app.demo).

Bills: the real bill run for each demo period, oldest first, each committed on its own and
without a terminal (so no prepaid deduction runs): `bill_runs`, which computes the twelve
periods in one forked child, a period ahead of the writer (where fork is safe; elsewhere
`bill_run` of each period).

Payments are generated in bulk, but every row is the one the real payment path
(app.services.cashier.payments.record_payment) would have written for the same payment:
Payment (with the prepaid balance after it) + Receipt + one Tender + Allocations (principal and the late fee as of the payment
day, with its detail) + one balanced ledger transaction (kind 'payment', ref the payment:
Dr TND:<method>:<terminal> the amount applied, Cr AR:<room> the principal, Cr
LATE:<community> the late fees; a top-up credits PRE:<room>, a deposit DEP:<room> and has its
Deposit row). Receipt numbers are `<terminal>-<yyyymmdd>-<seq>`, gapless per day in the order
of the payments' times, and `receipt_sequence` holds each day's last number.

The story, drawn from `random.Random` seeded by the demo seed (deterministic but for ids):

- residents pay per quarter-ish: one payment covers every line of up to three consecutive
  periods, a few days (1-12) before the due date of the group's last period (but not after
  yesterday, nor before that period's bills are out); a line already past its grace period
  that day carries its late fee (app.domain.late_fee with the fee item's `late_fee` and
  `rounding`), in the allocation and credited to LATE:<community>;
- rooms (handed over ones; a room not handed over has no lines) fall in one of:
  ~75 % `regular` (everything paid but the newest period), ~10 % `behind` (the period
  before too), ~8 % `full` (everything), ~5 % `chronic` (nothing in the last 6-12 periods),
  ~2 % `never`;
- tenders: WeChat 40 % (28-digit transaction number, 4200…), Alipay 25 % (28-digit trade
  number starting with the date), cash 15 % (handed over rounded up to a 10, 50 or 100 yuan
  note, change given), bank card 12 % (12-digit reference, 6-digit batch and voucher),
  transfer 8 %;
- ~3 % of the paying rooms also top up their prepaid balance (预存), ~2 % of the rooms paid a
  deposit (押金), and about one receipt in 500 was voided (wrong tender chosen, …) and
  re-issued at once: the void as voids.void_receipt writes it (ReceiptVoid and a transaction
  reversing the payment's), the new receipt numbered after it.

History predates this counter: payments have no shift (`shift_id` NULL) and are taken by
the demo cashier `cashier1` at this terminal on their business days (in the business time
zone, app.clock; stored in UTC). They write no outbox events and no audit records: those record what happens at this counter and
feed synchronisation as *new* events; a year of history loaded with the demo is neither.
The books agree with the facts (`ledger check` / ledger_check.full_check passes).

Speed (100,000 rooms: ~460,000 payments, ~4.5 million allocations, ~85-140 s on SQLite on a
2-core machine; the summary's "timings" has each phase): every random draw is made first, per
room in a deterministic order (the "plan"); then the lines are read period by period and each
visit is paid as soon as its last period is read; rows are written by the demo's bulk writer
(executemany / COPY) in one transaction; ids are UUIDv7s made in bulk (app.ids.new_ids). On
SQLite, where fork is safe, the rows are made in a forked child and written by this process
meanwhile, on the other core (app/demo/history_child.py). Secondary indexes that these rows would hit in random order (RANDOM_INDEXES)
are dropped for the load and created again from their own definitions afterwards. On SQLite
the connection runs the load with foreign key checks off (each allocation's check is a random
probe into the bill lines' 5-million-entry key index, which doubled the write time); the rows
are made from rows read in the same transaction, and the tests prove `PRAGMA
foreign_key_check` finds nothing. The garbage collector is paused: millions of tuples, no cycles.
"""

from __future__ import annotations

import gc
import json
import os
import random
import time
from collections import Counter
from contextlib import contextmanager
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, event, inspect
from sqlalchemy.orm import Session

from app import clock, tender_methods
from app.context import AppContext
from app.ids import new_ids
from app.db.models import (Allocation, Deposit, LedgerTxn, Payment, Posting, Receipt, ReceiptSequence, ReceiptVoid,
                           Tender)
from app.domain.late_fee import late_fee
from app.domain.periods import Period, due_date
from app.services import ledger
from app.services.billing.ahead import Computing, can_fork
from app.demo.plan import CATEGORIES, METHODS, _Planner
from app.demo.readings import _Writer

HISTORY_USER = "cashier1"
FLUSH = 300_000  # allocations written at a time
LEDGER_BATCH = 50_000  # receipts (with their ledger transactions) written at a time

# Secondary indexes that rows of the history would hit in random order: dropped for the load
# and created again from their own definitions (a sort), which is several times faster.
RANDOM_INDEXES = {"payment": ("ix_payment_room_created", "ix_payment_business_day"), "tender": ("ix_tender_reference",),
                  "allocation": ("ix_allocation_bill_line_id",), "ledger_txn": ("ix_ledger_txn_ref",),
                  "posting": ("ix_posting_account_id",)}

# Indexes the demo's bill runs would fill at random (lines by room, postings by account —
# every run adds one entry per room to both): dropped for all twelve runs and the history.
BILL_RUN_INDEXES = {"bill_line": ("ix_bill_line_room_period",), "posting": ("ix_posting_account_id",)}

HISTORY_TABLES = ("payment", "tender", "allocation", "deposit", "receipt", "receipt_void", "receipt_sequence",
                  "ledger_txn", "posting")
PAY_COLS = ("id", "kind", "room_id", "payer_name", "shift_id", "terminal_id", "user_id", "total_fen", "change_fen",
            "as_of", "business_day", "note", "created_at", "prepaid_after_fen")
TENDER_COLS = ("id", "payment_id", "method", "amount_fen", "received_fen", "reference", "pos_batch", "pos_voucher")
ALLOC_COLS = ("id", "payment_id", "bill_line_id", "principal_fen", "late_fee_fen", "late_fee_detail")
RECEIPT_COLS = ("id", "receipt_no", "payment_id", "terminal_id", "day", "seq", "issued_at")
TXN_COLS = ("id", "kind", "ref_type", "ref_id", "reverses_id", "memo", "created_by", "terminal_code", "created_at")
POSTING_COLS = ("id", "txn_id", "account_id", "amount_fen")
VOID_COLS = ("id", "receipt_id", "reason", "user_id", "ledger_txn_id", "created_at")
DEPOSIT_COLS = ("id", "room_id", "purpose", "amount_fen", "payment_id", "created_at")


_ALL_ROOMS = 10**9  # more rooms than any demo: a demo bill run is one transaction
# The demo's bill runs' page cache on SQLite (KiB): a year of lines' indexes at 100,000 rooms.
BILL_RUN_CACHE_KIB = 524_288


# Where the twelve runs cannot be one series (bill_runs: no fork), how each run computes:
# lines as rows (the writer waits for them anyway), a helper process where a third core is
# free (on two cores it slowed the writer more than it gained: docs/billing.md).
COMPUTING = Computing(helpers=1 if (os.cpu_count() or 1) >= 3 else 0, files=False)


def demo_chunk_rooms(rooms: int) -> int:
    """Rooms per chunk of a demo bill run: as many chunks as one SQLite transaction can hold
    files of (chunk_files.MAX_ATTACHED), so the run is one transaction and its lines are
    computed in the forked child, a chunk ahead of the writer."""
    from app.services.billing.chunk_files import MAX_ATTACHED

    return max(1, -(-rooms // MAX_ATTACHED))


@contextmanager
def _bill_run_cache(ctx: AppContext) -> Iterator[None]:
    """SQLite: every connection the bill runs check out gets BILL_RUN_CACHE_KIB of page
    cache, kept from run to run; the pool is emptied afterwards, so later connections have
    the engine's own size. (Giving the engine's size back at every check-in threw the cache
    away twice a run: 7 % of a 20,000-room demo's bill runs went to re-reading it.)"""
    if ctx.engine.dialect.name != "sqlite":
        yield
        return

    def big(dbapi_conn, _rec, _proxy) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA cache_size=-{BILL_RUN_CACHE_KIB}")

    event.listen(ctx.engine, "checkout", big)
    try:
        yield
    finally:
        event.remove(ctx.engine, "checkout", big)
        ctx.engine.dispose()


def drop_indexes(conn: Connection, names_by_table: dict[str, tuple[str, ...]]) -> list[str]:
    """Drop these (non-unique) secondary indexes where they exist; return the statements that
    create them again from their own definitions."""
    insp = inspect(conn)
    again = []
    for table, names in names_by_table.items():
        for ix in insp.get_indexes(table):
            if ix["name"] in names and not ix.get("unique"):
                conn.exec_driver_sql(f"DROP INDEX {ix['name']}")
                again.append(f"CREATE INDEX {ix['name']} ON {table} ({', '.join(ix['column_names'])})")
    return again


@contextmanager
def indexes_dropped(ctx: AppContext, names_by_table: dict[str, tuple[str, ...]]) -> Iterator[None]:
    """These indexes dropped while the demo's bill runs and history are written, and made
    again (a sort each) afterwards, however the load ends."""
    with ctx.engine.begin() as conn:
        again = drop_indexes(conn, names_by_table)
    try:
        yield
    finally:
        with ctx.engine.begin() as conn:
            for sql in again:
                conn.exec_driver_sql(sql)


def _id_stream() -> Iterator[str]:
    while True:
        yield from new_ids(50_000)


def bill_periods(ctx: AppContext, periods: list[str], rooms: int) -> dict[str, Any]:
    """The real bill run of each period, oldest first (`bill_runs`: one forked child computes
    the periods in turn, a period ahead of the writer, carrying the year's water usage from
    one to the next).

    Each run writes all its rooms in one transaction (`open_rooms` = every room): no counter
    is open while `init --demo` fills the database, and a commit's cost is dominated by the
    pages of the lines' primary-key index it touches — ids are hashes, so every chunk touches
    most of that index, and 25 commits rewrite it 25 times (measured in docs/billing.md). The
    run is still cut into `demo_chunk_rooms` chunks, so the writer starts on a period's first
    lines while the child computes the rest. On SQLite the runs also get a page cache that
    holds the year's bill-line indexes."""
    from app.services.billing.bill_run import bill_runs

    t0 = time.monotonic()
    runs = []
    chunk_rooms = demo_chunk_rooms(rooms)
    with _bill_run_cache(ctx), ctx.uow() as s:
        for r in bill_runs(s, periods, user="admin", chunk_rooms=chunk_rooms, open_rooms=_ALL_ROOMS,
                           computing=COMPUTING):
            runs.append({"period": r["period"], "lines": r["lines"], "total_fen": r["total_fen"],
                         "missing_readings": r["missing_readings"], "seconds": r.get("seconds"),
                         "timings": r.get("timings")})
    return {"runs": len(runs), "lines": sum(r["lines"] for r in runs), "total_fen": sum(r["total_fen"] for r in runs),
            "missing_readings": sum(r["missing_readings"] for r in runs), "per_period": runs,
            "seconds": round(time.monotonic() - t0, 2)}


class _Forms:
    """Storage forms of dates and timestamps for the writer's dialect (as readings._Writer)."""

    def __init__(self, dialect: str) -> None:
        self.sqlite = dialect == "sqlite"
        self.other = dialect not in ("sqlite", "postgresql")

    def day(self, d: date) -> Any:
        return d.isoformat() if self.sqlite else d

    def ts(self, utc_naive: datetime) -> Any:
        if self.sqlite:
            return utc_naive.strftime("%Y-%m-%d %H:%M:%S.%f")
        return utc_naive.replace(tzinfo=timezone.utc) if self.other else utc_naive


class _History(_Planner):
    def __init__(self, conn: Connection | None, writer: _Writer, seed: int, today: date, periods: list[str],
                 terminal_code: str) -> None:
        self.conn, self.w, self.today = conn, writer, today
        self.rng = random.Random(f"propdesk-demo-history-{seed}")
        self.texts = periods
        self.periods = [Period.parse(p) for p in periods]
        self.k_of = {p: k for k, p in enumerate(periods)}
        self.f = _Forms(writer.dialect)
        qmark = writer.dialect == "sqlite" or (conn is not None and conn.dialect.paramstyle == "qmark")
        self.mark = "?" if qmark else "%s"
        self.terminal_code = terminal_code
        self.terminal_id = self.one("SELECT id FROM terminal WHERE code = {m}", terminal_code)
        self.user_id = self.one("SELECT id FROM app_user WHERE username = {m}", HISTORY_USER)
        self.records: list[tuple] = []  # one per payment, for receipts and the ledger at the end
        self.counts: Counter[str] = Counter()
        self.late_cache: dict[tuple, tuple[int, str | None]] = {}
        self.ymd: dict[date, str] = {}
        self.offsets: dict[date, timedelta] = {}
        self.nid = _id_stream().__next__
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()
        self.pays: list[tuple] = []  # rows waiting for the next _flush
        self.tenders: list[tuple] = []
        self.allocs: list[tuple] = []
        self.deposits: list[tuple] = []

    def query(self, sql: str, *params: Any) -> list[tuple]:
        cur = self.w.raw.cursor()
        try:
            cur.execute(sql.replace("{m}", self.mark), params)
            return cur.fetchall()
        finally:
            cur.close()

    def one(self, sql: str, *params: Any) -> Any:
        rows = self.query(sql, *params)
        if not rows:
            raise LookupError(f"demo history: nothing for {sql} {params}")
        return rows[0][0]

    def _utc_offset(self, day: date) -> timedelta:
        """The business zone's offset on `day` (business days and hours are the company's, as
        clock.today() sees them; timestamps are stored in UTC), memoised per day."""
        off = self.offsets.get(day)
        if off is None:
            off = self.offsets[day] = clock.zone().utcoffset(datetime(day.year, day.month, day.day, 12)) or timedelta()
        return off

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + now - self._t
        self._t = now

    # ---------------------------------------------------------------- execution

    def run(self, *, indexes: bool = True) -> None:
        """The whole history; with `indexes`, RANDOM_INDEXES are dropped for it and made again
        (else the caller does that)."""
        self.load()
        self.plan()
        # a room's one top-up, as (day, secs, amount): the prepaid balance after each payment
        # (printed on its receipt) is the top-up once it is made, else 0 — bills are never
        # paid from it here, and it comes after the room's last bills payment
        self.topups = {idx: (v["day"], v["secs"], v["what"]) for idx, v in self.extra if v["kind"] == "prepay"}
        self.lap("plan")
        dropped = self._drop_indexes() if indexes else []
        for k in range(len(self.periods)):
            self._read_period(k)
            for idx, v in self.ends[k]:
                self._visit_rows(idx, v)
                del v["lines"]
            self.lap("pay")
            if len(self.allocs) >= FLUSH:
                self._flush()
        for idx, v in self.extra:
            self._visit_rows(idx, v)
        self.lap("pay")
        self._flush()
        self._receipts_and_ledger()
        self._create_indexes(dropped)

    def _drop_indexes(self) -> list[str]:
        """Drop what the load would maintain row by row at random, and return the statements
        that create it again: RANDOM_INDEXES, and on PostgreSQL the foreign keys of the tables
        written (each row's check is a trigger with an index probe; adding the constraint back
        validates all rows in one join)."""
        again = drop_indexes(self.conn, RANDOM_INDEXES)
        if self.w.dialect == "postgresql":
            insp, run = inspect(self.conn), self.conn.exec_driver_sql
            for table in HISTORY_TABLES:
                for fk in insp.get_foreign_keys(table):
                    run(f"ALTER TABLE {table} DROP CONSTRAINT {fk['name']}")
                    again.append(f"ALTER TABLE {table} ADD CONSTRAINT {fk['name']} FOREIGN KEY "
                                 f"({', '.join(fk['constrained_columns'])}) REFERENCES {fk['referred_table']} "
                                 f"({', '.join(fk['referred_columns'])})")
        return again

    def _create_indexes(self, again: list[str]) -> None:
        for sql in again:
            self.conn.exec_driver_sql(sql)
        self.lap("indexes")

    def _create_accounts(self, codes: list[str]) -> dict[str, str]:
        made_elsewhere = getattr(self.w, "accounts", None)  # the child's writer (history_child)
        if made_elsewhere is not None:
            return made_elsewhere(codes)
        s = Session(bind=self.conn)
        try:
            return ledger.ensure_accounts(s, codes)
        finally:
            s.close()

    def _read_period(self, k: int) -> None:
        """Lines of period k go to the line list of the visit that pays them, as (order, amount,
        line id, fee item, due date); `order` sorts a visit's lines as pay_bills does: by due
        date, period, fee code."""
        fee, cover, counts, text = self.fee, self.cover, self.counts, self.texts[k]
        # the due date as the bill run set it, from the fee item's due_day (reading the
        # column back costs a third of the read)
        dues = {fid: due_date(self.periods[k], it[4]) for fid, it in fee.items()}
        by_order = sorted(fee, key=lambda fid: (dues[fid], fee[fid][0]))
        prep = {fid: (k * 10_000 + i, fee[fid], dues[fid]) for i, fid in enumerate(by_order)}
        n = due = billed = 0
        # Fee item by fee item (a seek on ix_bill_line_period_fee each): no fee item id read
        # back per line — 5.2 million strings fewer at 100,000 rooms. A visit sorts its lines
        # by their unique order, so the order they come in changes nothing.
        for fid in by_order:
            rows = self.query("SELECT room_id, amount_fen, id FROM bill_line "
                              "WHERE period = {m} AND fee_item_id = {m} AND kind = 'charge'", text, fid)
            self.lap("read_lines")
            order, it, due_day = prep[fid]
            for room_id, amount, lid in rows:
                n += 1
                if amount <= 0:  # nothing to pay: the counter shows such a line as paid
                    continue
                due += 1
                billed += amount
                c = cover.get(room_id)
                if c is not None:
                    c = c[k]
                    if c is not None:
                        c.append((order, amount, lid, it, due_day))
            self.lap("sort_lines")
        counts["lines"] += n
        counts["lines_due"] += due
        counts["billed_fen"] += billed

    def _late(self, it: tuple, amount: int, due: date, day: date) -> tuple[int, str | None]:
        """The late fee as of `day` and its detail as JSONText stores it (None without a fee),
        by app.domain.late_fee; memoised on (fee item, principal, days late)."""
        rate, grace, cap = it[1]
        days = (day - due).days - grace
        if days <= 0:
            return 0, None
        key = (it[3], amount, days)
        hit = self.late_cache.get(key)
        if hit is None:
            fee, detail = late_fee(amount, due, day, rate, grace, cap, it[2])
            text = json.dumps(dict(detail, as_of="@A@", due_date="@D@"), ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")) if fee else None
            hit = self.late_cache[key] = (fee, text)
        fee, text = hit
        if not fee or text is None:
            return 0, None
        return fee, text.replace("@A@", day.isoformat(), 1).replace("@D@", due.isoformat(), 1)

    def _visit_rows(self, idx: int, v: dict) -> None:
        room_id, cid, _usage, _cs, payer = self.rooms[idx]
        kind, day = v["kind"], v["day"]
        principal = late = 0
        allocs: list[tuple] = []
        if kind == "bills":
            chosen = v["lines"]
            if not chosen:
                return
            chosen.sort()  # as pay_bills: by due date, period, fee code (the orders are unique)
            append = allocs.append
            for _order, amount, lid, it, due in chosen:
                principal += amount
                if it[1] is None:
                    append((lid, amount, 0, None))
                else:
                    fee, detail = self._late(it, amount, due, day)
                    append((lid, amount, fee, detail))
                    late += fee
            total = principal + late
        else:
            total = principal = v["what"]
        if "void" in v:
            self._payment(idx, v, True, room_id, cid, payer, total, principal, late, allocs)
        self._payment(idx, v, False, room_id, cid, payer, total, principal, late, allocs)

    def _payment(self, idx: int, v: dict, voided: bool, room_id: str, cid: str, payer: str | None, total: int,
                 principal: int, late: int, allocs: list[tuple]) -> None:
        f, nid, kind, day = self.f, self.nid, v["kind"], v["day"]
        method, ref, batch, voucher, note_fen = v["void"][1] if voided else v["tender"]
        received = change = 0
        if method == "cash":  # handed over in notes (a top-up or deposit gives no change)
            received = -(-total // note_fen) * note_fen if kind == "bills" else total
            change = received - total
        secs = v["secs"] - (240 if voided else 0)
        at = datetime(day.year, day.month, day.day) + timedelta(seconds=secs) - self._utc_offset(day)
        stamp, d = f.ts(at), f.day(day)
        pid = nid()
        top = self.topups.get(idx)
        prepaid_after = top[2] if top is not None and (day, secs) >= top[:2] else 0
        self.pays.append((pid, kind, room_id, payer, None, self.terminal_id, self.user_id, total, change, d, d,
                          v["note"], stamp, prepaid_after))
        self.tenders.append((nid(), pid, method, total, received if method == "cash" else None, ref, batch, voucher))
        rows = self.allocs
        if f.other:
            rows += [(nid(), pid, lid, a, fee, None if det is None else json.loads(det)) for lid, a, fee, det in allocs]
        else:
            rows += [(nid(), pid, lid, a, fee, det) for lid, a, fee, det in allocs]
        if kind == "deposit":
            self.deposits.append((nid(), room_id, v["note"], total, pid, stamp))
        c = self.counts
        c[f"{kind}_payments"] += 1
        if voided:
            c["voided"] += 1
        else:
            c[f"tender_{method}"] += 1
            c[f"{kind}_fen"] += total
            if kind == "bills":
                c["allocations"] += len(allocs)
                c["principal_fen"] += principal
                c["late_fee_fen"] += late
                c["late_fee_lines"] += sum(1 for a in allocs if a[2])
        credit = ledger.room_account({"bills": "AR", "prepay": "PRE", "deposit": "DEP"}[kind], room_id)
        void = (v["void"][0], f.ts(at + timedelta(seconds=60))) if voided else None
        self.records.append((day, secs, idx, len(self.records), pid, cid, method, total, principal, late, credit,
                             stamp, void))

    def _flush(self) -> None:
        w = self.w
        w.insert(Payment.__table__, PAY_COLS, self.pays)
        w.insert(Tender.__table__, TENDER_COLS, self.tenders)
        w.insert(Deposit.__table__, DEPOSIT_COLS, self.deposits)
        self.lap("write_payments")
        w.insert(Allocation.__table__, ALLOC_COLS, self.allocs)
        self.pays, self.tenders, self.allocs, self.deposits = [], [], [], []
        self.lap("write_allocations")

    def _receipts_and_ledger(self) -> None:
        """Receipt numbers in the order of the payments' times, gapless per day; one ledger
        transaction per payment (as ledger.post: merged, sorted by account code), and a
        reversing one per void (as ledger.reverse)."""
        f, term, user, nid = self.f, self.terminal_code, HISTORY_USER, self.nid
        self.records.sort(key=lambda r: r[:4])
        codes = {r[10] for r in self.records} | {tender_methods.account(r[6], terminal=term, room="") for r in self.records}
        codes |= {ledger.late_fee_account(r[5]) for r in self.records if r[9]}
        accounts = dict(self.query("SELECT code, id FROM ledger_account"))
        missing = sorted(codes - set(accounts))
        if missing:
            accounts.update(self._create_accounts(missing))
        receipts, txns, postings, voids, seqs = [], [], [], [], []
        counted = {"receipts": 0, "ledger_txns": 0, "postings": 0}
        w = self.w

        def write() -> None:
            """What is made so far goes to the writer: where it is another process
            (history_child), it writes this batch while the next one is made."""
            self.lap("build_ledger")
            w.insert(LedgerTxn.__table__, TXN_COLS, txns)
            w.insert(Posting.__table__, POSTING_COLS, postings)
            w.insert(Receipt.__table__, RECEIPT_COLS, receipts)
            w.insert(ReceiptVoid.__table__, VOID_COLS, voids)
            counted["receipts"] += len(receipts)
            counted["ledger_txns"] += len(txns)
            counted["postings"] += len(postings)
            for rows in (txns, postings, receipts, voids):
                rows.clear()
            self.lap("write_ledger")

        day, seq = None, 0
        for d, _secs, _idx, _n, pid, cid, method, total, credit, late, credit_code, stamp, void in self.records:
            if d != day:
                if day is not None:
                    seqs.append((self.terminal_id, f.day(day), seq))
                day, seq, prefix, dd = d, 0, f"{term}-{d:%Y%m%d}-", f.day(d)
            seq += 1
            receipt_no = f"{prefix}{seq:04d}"
            rid, tid = nid(), nid()
            receipts.append((rid, receipt_no, pid, self.terminal_id, dd, seq, stamp))
            # ledger.post's order, by account code: AR/DEP/PRE < LATE < TND
            tender_code = tender_methods.account(method, terminal=term, room="")
            entries = ([(credit_code, -credit), (ledger.late_fee_account(cid), -late), (tender_code, total)] if late
                       else [(credit_code, -credit), (tender_code, total)])
            txns.append((tid, "payment", "payment", pid, None, receipt_no, user, term, stamp))
            postings += [(nid(), tid, accounts[code], amount) for code, amount in entries]
            if void:
                reason, when = void
                vid = nid()
                txns.append((vid, "void", "receipt_void", rid, tid, f"作废 {receipt_no}: {reason}", user, term, when))
                postings += [(nid(), vid, accounts[code], -amount) for code, amount in entries]
                voids.append((nid(), rid, reason, self.user_id, vid, when))
            if len(receipts) >= LEDGER_BATCH:
                write()
        if day is not None:
            seqs.append((self.terminal_id, f.day(day), seq))
        write()
        w.insert(ReceiptSequence.__table__, ("terminal_id", "day", "last_seq"), seqs)
        self.lap("write_ledger")
        c = self.counts
        c["receipts"], c["ledger_txns"], c["postings"], c["days"] = (counted["receipts"], counted["ledger_txns"],
                                                                     counted["postings"], len(seqs))
        c["max_seq"] = max((x[2] for x in seqs), default=0)
        c["accounts_created"] = len(missing)

    def summary(self) -> dict[str, Any]:
        c = self.counts
        return {
            "payments": c["bills_payments"] - c["voided"], "allocations": c["allocations"],
            "lines": c["lines"], "lines_due": c["lines_due"], "lines_paid": c["allocations"],
            "lines_unpaid": c["lines_due"] - c["allocations"], "billed_fen": c["billed_fen"],
            "paid_principal_fen": c["principal_fen"], "late_fee_fen": c["late_fee_fen"],
            "late_fee_lines": c["late_fee_lines"], "unpaid_fen": c["billed_fen"] - c["principal_fen"],
            "prepay": {"payments": c["prepay_payments"], "total_fen": c["prepay_fen"]},
            "deposits": {"payments": c["deposit_payments"], "total_fen": c["deposit_fen"]},
            "voided_receipts": c["voided"], "receipts": c["receipts"], "days": c["days"], "max_seq": c["max_seq"],
            "ledger_txns": c["ledger_txns"], "postings": c["postings"], "accounts_created": c["accounts_created"],
            "tenders": {m: c[f"tender_{m}"] for m in METHODS},
            "rooms": {x: c[f"room_{x}"] for x in (*CATEGORIES, "not_handed_over")},
        }


def build_history(ctx: AppContext, *, seed: int, today: date, periods: list[str], rooms: int) -> dict[str, Any]:
    """Write the payment history of the (billed) demo company in one transaction; returns
    its summary (counts, amounts, phase timings, seconds)."""
    t0 = time.monotonic()
    collecting = gc.isenabled()
    gc.disable()  # millions of tuples, none of them cyclic: the collector would only rescan them
    try:
        return _build_history(ctx, seed, today, periods, rooms, t0)
    finally:
        if collecting:
            gc.enable()


def _build_history(ctx: AppContext, seed: int, today: date, periods: list[str], rooms: int,
                   t0: float) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        writer = _Writer(conn)
        writer.bulk_mode(rooms)
        sqlite = writer.dialect == "sqlite"
        if sqlite:  # see the module doc, "Speed"; only outside a transaction does this take effect
            writer.raw.execute("PRAGMA foreign_keys=OFF")
            writer.raw.execute("PRAGMA threads=2")  # helper threads for the sorts of CREATE INDEX
        try:
            with conn.begin():
                if sqlite and can_fork():
                    from app.demo.history_child import history_in_child

                    h = history_in_child(conn, writer, lambda w: _History(None, w, seed, today, periods, ctx.terminal))
                else:
                    h = _History(conn, writer, seed, today, periods, ctx.terminal)
                    h.run()
                h.lap("run")
            h.lap("commit")
        finally:
            if sqlite:
                writer.raw.execute("PRAGMA foreign_keys=ON")
                writer.raw.execute("PRAGMA threads=0")
            writer.restore()
    return {**h.summary(), "timings": {k: round(v, 2) for k, v in h.timings.items()},
            "seconds": round(time.monotonic() - t0, 2)}
