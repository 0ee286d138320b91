"""The demo's year at the counter (`init --demo`): twelve real bill runs, then a payment history
written in bulk that must be exactly what the counter would have written — books that prove
(`ledger check`), gapless receipt numbers, tenders that settle, late fees as late_fee()
computes them — with a realistic share of arrears, deterministic for a seed.

Built once on SQLite with 300 rooms; again with the same seed (identical dump), another seed
(different), and on PostgreSQL (identical to SQLite).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import platformdirs
import pytest
from sqlalchemy import func, inspect, select

from app.cli import main
from app.context import AppContext
from app.db.models import (Allocation, BillLine, Community, Deposit, FeeItem, LedgerAccount, LedgerTxn, Payment, Posting,
                           Receipt, ReceiptSequence, ReceiptVoid, Room, Tender, Terminal)
from app.domain.late_fee import late_fee
from app.money import parse_rate
from app.services import users
from app.services.receivables.bills import room_bills
from app.services.cashier.payments import payer_name
from app.services.cashier.tenders import TenderInput, settle, validate_tender
from app.demo import build_demo
from app.demo.history import HISTORY_TABLES
from app.services.billing import ahead
from app.services.ledger_check import full_check

TODAY = date(2026, 3, 10)
PERIODS = [f"2025-{m:02d}" for m in range(3, 13)] + ["2026-01", "2026-02"]
ROOMS = 300
SEED = 7


def _open(url: str) -> AppContext:
    ctx = AppContext.open(url)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password="admin")
        users.ensure_terminal(s, "T1")
    return ctx


def schema(ctx: AppContext) -> dict[str, tuple]:
    """Indexes and foreign keys of the tables the bill runs and the history write (the demo
    drops some for the load)."""
    insp = inspect(ctx.engine)
    return {t: (sorted((ix["name"], tuple(ix["column_names"]), bool(ix.get("unique"))) for ix in insp.get_indexes(t)),
                sorted((fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"],
                        tuple(fk["referred_columns"])) for fk in insp.get_foreign_keys(t)))
            for t in (*HISTORY_TABLES, "bill_line")}


def canonical(ctx: AppContext) -> dict[str, list]:
    """Payments, receipts, tenders, allocations, deposits, voids and their ledger postings by
    natural keys (room key, receipt number, fee code + period, account code): no ids, no
    timestamps."""
    with ctx.engine.connect() as c:
        cname = dict(c.execute(select(Community.id, Community.name)).all())
        rkey = {rid: (cname[cid], key) for rid, cid, key in c.execute(select(Room.id, Room.community_id, Room.room_key))}
        fcode = dict(c.execute(select(FeeItem.id, FeeItem.code)).all())
        line = {lid: (fcode[fid], period) for lid, fid, period in c.execute(
            select(BillLine.id, BillLine.fee_item_id, BillLine.period))}
        rno = dict(c.execute(select(Receipt.payment_id, Receipt.receipt_no)).all())
        void = {pid: reason for pid, reason in c.execute(
            select(Receipt.payment_id, ReceiptVoid.reason).join(ReceiptVoid, ReceiptVoid.receipt_id == Receipt.id))}
        tenders = defaultdict(list)
        for t in c.execute(select(Tender)):
            tenders[t.payment_id].append((t.method, t.amount_fen, t.received_fen, t.reference, t.pos_batch,
                                          t.pos_voucher))
        allocs = defaultdict(list)
        for a in c.execute(select(Allocation)):
            allocs[a.payment_id].append((line[a.bill_line_id], a.principal_fen, a.late_fee_fen, a.late_fee_detail))

        def account(code: str) -> tuple:
            prefix, _, rest = code.partition(":")
            return (prefix, rkey.get(rest) or cname.get(rest) or rest)

        postings = defaultdict(list)
        for memo, kind, code, amount in c.execute(
                select(LedgerTxn.memo, LedgerTxn.kind, LedgerAccount.code, Posting.amount_fen)
                .join(Posting, Posting.txn_id == LedgerTxn.id).join(LedgerAccount, LedgerAccount.id == Posting.account_id)
                .where(LedgerTxn.kind.in_(("payment", "void")))):
            postings[(kind, memo)].append((account(code), amount))
        out: dict[str, list] = {
            "payment": sorted((rno[p.id], rkey[p.room_id], p.kind, p.payer_name, p.total_fen, p.change_fen, p.as_of,
                               p.business_day, p.note, p.shift_id, void.get(p.id), sorted(tenders[p.id]),
                               sorted(allocs[p.id], key=repr)) for p in c.execute(select(Payment))),
            "deposit": sorted((rkey[d.room_id], d.purpose, d.amount_fen, rno[d.payment_id])
                              for d in c.execute(select(Deposit))),
            "posting": sorted((k, sorted(v, key=repr)) for k, v in postings.items()),
            "sequence": sorted((day, n) for day, n in c.execute(select(ReceiptSequence.day, ReceiptSequence.last_seq))),
        }
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory):  # type: ignore[no-untyped-def]
    ctx = _open(f"sqlite:///{tmp_path_factory.mktemp('history') / 'demo.db'}")
    summary = build_demo(ctx, rooms=ROOMS, seed=SEED, today=TODAY)
    yield ctx, summary, canonical(ctx)
    ctx.close()


def test_books_prove_and_the_summary_tells_the_truth(built, tmp_path):  # type: ignore[no-untyped-def]
    ctx, summary, dump = built
    b, p = summary["billing"], summary["payments"]
    assert b["runs"] == 12 and [r["period"] for r in b["per_period"]] == PERIODS and b["missing_readings"] == 0
    with ctx.uow() as s:
        check = full_check(s)
        assert check["ok"] is True, check["problems"]
        assert s.scalar(select(func.count()).select_from(BillLine)) == b["lines"] == p["lines"]
        assert s.scalar(select(func.sum(BillLine.amount_fen))) == b["total_fen"] == p["billed_fen"]
        assert s.scalar(select(func.count()).select_from(Receipt)) == p["receipts"] == len(dump["payment"])
        assert s.scalar(select(func.count()).select_from(ReceiptVoid)) == p["voided_receipts"]
        bills = [x for x in dump["payment"] if x[2] == "bills" and x[10] is None]
        assert len(bills) == p["payments"] and sum(len(x[12]) for x in bills) == p["allocations"] == p["lines_paid"]
        assert sum(a[2] for x in bills for a in x[12]) == p["late_fee_fen"] > 0
        assert len(dump["deposit"]) == p["deposits"]["payments"] >= 1 and p["prepay"]["payments"] >= 1
        assert sum(p["rooms"].values()) == ROOMS and sum(p["tenders"].values()) == p["receipts"] - p["voided_receipts"]
        # referential integrity (the load runs with SQLite's foreign key checks off)
        assert s.connection().exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
    # the indexes dropped for the load are all back, as the migrations make them
    fresh = AppContext.open(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        assert schema(ctx) == schema(fresh)
    finally:
        fresh.close()


def test_receipt_numbers_are_unique_and_gapless_per_terminal_and_day(built):  # type: ignore[no-untyped-def]
    ctx, _summary, _dump = built
    with ctx.uow() as s:
        code = dict(s.execute(select(Terminal.id, Terminal.code)).all())
        rows = s.execute(select(Receipt, Payment).join(Payment, Payment.id == Receipt.payment_id)).all()
        per_day = defaultdict(list)
        for r, p in rows:
            per_day[(r.terminal_id, r.day)].append((r.seq, r.issued_at, r.receipt_no))
            assert r.receipt_no == f"{code[r.terminal_id]}-{r.day:%Y%m%d}-{r.seq:04d}"
            assert p.business_day == r.day == p.as_of and r.day < TODAY and p.shift_id is None
            assert p.terminal_id == r.terminal_id and r.issued_at == p.created_at
        assert len({r.receipt_no for r, _ in rows}) == len(rows)
        last = {(t, d): n for t, d, n in s.execute(select(ReceiptSequence.terminal_id, ReceiptSequence.day,
                                                          ReceiptSequence.last_seq))}
        assert set(last) == set(per_day)
        for key, items in per_day.items():
            items.sort()
            assert [x[0] for x in items] == list(range(1, len(items) + 1)) == list(range(1, last[key] + 1))
            assert [x[1] for x in items] == sorted(x[1] for x in items)  # numbered in the order of time


def test_every_payment_is_what_the_counter_writes(built):  # type: ignore[no-untyped-def]
    ctx, _summary, _dump = built
    with ctx.uow() as s:
        lines = {bl.id: bl for bl in s.scalars(select(BillLine))}
        items = {fi.id: fi for fi in s.scalars(select(FeeItem))}
        room_comm = dict(s.execute(select(Room.id, Room.community_id)).all())
        voided = {pid for pid, in s.execute(select(Receipt.payment_id).join(ReceiptVoid))}
        rno = dict(s.execute(select(Receipt.payment_id, Receipt.receipt_no)).all())
        tenders = defaultdict(list)
        for t in s.scalars(select(Tender)):
            tenders[t.payment_id].append(t)
        allocs = defaultdict(list)
        for a in s.scalars(select(Allocation)):
            allocs[a.payment_id].append(a)
        txns = defaultdict(list)
        for t in s.scalars(select(LedgerTxn).where(LedgerTxn.kind.in_(("payment", "void")))):
            txns[t.ref_id].append(t)
        postings = defaultdict(dict)
        for txn_id, code, amount in s.execute(select(Posting.txn_id, LedgerAccount.code, Posting.amount_fen)
                                              .join(LedgerAccount, LedgerAccount.id == Posting.account_id)):
            postings[txn_id][code] = amount
        deposits = {d.payment_id: d for d in s.scalars(select(Deposit))}
        paid_lines: Counter[str] = Counter()
        payments = list(s.scalars(select(Payment)))
        for p in payments:
            (t,) = tenders[p.id]
            ti = TenderInput(t.method, t.received_fen if t.method == "cash" else t.amount_fen, t.reference,
                             t.pos_batch, t.pos_voucher)
            assert validate_tender(ti) == [], (t.method, t.reference)
            st = settle(p.total_fen, [ti], allow_change=p.kind == "bills")
            assert st.applied[0][1] == t.amount_fen == p.total_fen and st.change_fen == p.change_fen
            assert st.cash_received_fen == (t.received_fen or 0)
            if t.method == "wechat":
                assert t.reference.startswith("42") and len(t.reference) == 28
            elif t.method == "alipay":
                assert t.reference.startswith(str(p.business_day.year)) and len(t.reference) == 28
            elif t.method == "cash" and p.kind == "bills":
                assert t.received_fen % 1000 == 0 and 0 <= p.change_fen < 10_000
            elif t.method == "pos":
                assert re.fullmatch(r"\d{6}", t.pos_batch) and re.fullmatch(r"\d{6}", t.pos_voucher)
            late_total = 0
            for a in allocs[p.id]:
                bl = lines[a.bill_line_id]
                fi = items[bl.fee_item_id]
                assert bl.room_id == p.room_id and a.principal_fen == bl.amount_fen > 0
                assert bl.period < f"{p.business_day:%Y-%m}"  # billed before it was paid
                cfg = fi.late_fee
                fee, detail = (late_fee(a.principal_fen, bl.due_date, p.as_of, parse_rate(str(cfg["daily_rate"])),
                                        int(cfg["grace_days"]), Decimal(str(cfg["cap_ratio"])), fi.rounding)
                               if cfg else (0, None))
                assert (a.late_fee_fen, a.late_fee_detail) == (fee, detail if fee else None)
                late_total += fee
                if p.id not in voided:
                    paid_lines[a.bill_line_id] += 1
            assert p.kind != "bills" or p.total_fen == sum(a.principal_fen for a in allocs[p.id]) + late_total > 0
            credit = {"bills": "AR", "prepay": "PRE", "deposit": "DEP"}[p.kind]
            want = {f"TND:{t.method}:T1": p.total_fen, f"{credit}:{p.room_id}": -(p.total_fen - late_total)}
            if late_total:
                want[f"LATE:{room_comm[p.room_id]}"] = -late_total
            pay_txn = [x for x in txns[p.id] if x.kind == "payment"]
            assert len(pay_txn) == 1 and postings[pay_txn[0].id] == want
            assert (pay_txn[0].ref_type, pay_txn[0].memo, pay_txn[0].created_by) == ("payment", rno[p.id], "cashier1")
            assert (p.kind == "deposit") == (p.id in deposits) and (p.kind == "deposit") == (p.note not in (None, "预存"))
            if p.id in deposits:
                assert deposits[p.id].amount_fen == p.total_fen and deposits[p.id].purpose == p.note
        assert max(paid_lines.values()) == 1  # no line paid twice
        for rv in s.scalars(select(ReceiptVoid)):
            receipt = s.get(Receipt, rv.receipt_id)
            rev = s.get(LedgerTxn, rv.ledger_txn_id)
            orig = s.get(LedgerTxn, rev.reverses_id)
            assert (rev.kind, rev.ref_type, rev.ref_id, orig.ref_id) == ("void", "receipt_void", receipt.id,
                                                                          receipt.payment_id)
            assert postings[rev.id] == {k: -v for k, v in postings[orig.id].items()}
            assert all(paid_lines[a.bill_line_id] == 1 for a in allocs[receipt.payment_id])  # paid again at once
            again = {a.payment_id for a in s.scalars(select(Allocation).where(Allocation.bill_line_id.in_(
                [a.bill_line_id for a in allocs[receipt.payment_id]]))) if a.payment_id not in voided}
            assert [rno[pid] > receipt.receipt_no for pid in again] == [True]
        for p in payments[:60]:
            assert p.payer_name == payer_name(s, p.room_id)


def test_each_payment_keeps_the_prepaid_balance_after_it_as_the_counter_does(built):  # type: ignore[no-untyped-def]
    """payments.record_payment stores the room's prepaid balance after the payment (the receipt's
    预存余额): here the running sum of the room's PRE postings in the order of the payments."""
    ctx, summary, _dump = built
    with ctx.uow() as s:
        pre_of = defaultdict(int)  # payment id -> its PRE posting (a top-up credits, paying from it debits)
        for pid, code, amount in s.execute(
                select(LedgerTxn.ref_id, LedgerAccount.code, Posting.amount_fen)
                .join(Posting, Posting.txn_id == LedgerTxn.id).join(LedgerAccount, LedgerAccount.id == Posting.account_id)
                .where(LedgerTxn.kind == "payment", LedgerAccount.code.like("PRE:%"))):
            pre_of[pid] += amount
        balance: Counter[str] = Counter()
        seen = Counter()
        for p in s.scalars(select(Payment).join(Receipt, Receipt.payment_id == Payment.id)
                           .order_by(Payment.created_at, Receipt.receipt_no)):
            balance[p.room_id] -= pre_of.get(p.id, 0)
            assert p.prepaid_after_fen == balance[p.room_id], (p.kind, p.room_id)
            seen[(p.kind, p.prepaid_after_fen > 0)] += 1
    assert seen[("prepay", True)] == summary["payments"]["prepay"]["payments"] >= 1
    assert seen[("bills", False)] > 0


def test_a_realistic_share_of_arrears(built):  # type: ignore[no-untyped-def]
    ctx, summary, dump = built
    p = summary["payments"]
    assert 0.72 <= p["lines_paid"] / p["lines_due"] <= 0.92
    assert 0.05 <= p["unpaid_fen"] / p["billed_fen"] <= 0.25
    rooms = p["rooms"]
    assert rooms["regular"] > 0.6 * ROOMS and rooms["never"] + rooms["chronic"] >= 3 and rooms["full"] >= 5
    assert p["tenders"]["wechat"] == max(p["tenders"].values()) and min(p["tenders"].values()) > 0
    with ctx.uow() as s:
        due = dict(s.execute(select(BillLine.period, func.count()).where(BillLine.amount_fen > 0)
                             .group_by(BillLine.period)).all())
        paid = dict(s.execute(select(BillLine.period, func.count()).join(Allocation, Allocation.bill_line_id == BillLine.id)
                              .where(Allocation.payment_id.not_in(select(Receipt.payment_id).join(ReceiptVoid)))
                              .group_by(BillLine.period)).all())
        share = {k: paid.get(k, 0) / due[k] for k in PERIODS}
        assert share["2026-02"] < 0.2 and 0.65 <= share["2026-01"] <= 0.9  # newest mostly open, then "behind"
        assert all(share[k] >= 0.8 for k in PERIODS[:5])
        owing = late = prepaid = deposits = 0
        for room_id, in s.execute(select(Room.id)):
            r = room_bills(s, room_id, as_of=TODAY)
            assert r["owed_fen"] == r["receivable_fen"]  # open lines == the room's AR balance
            owing += r["owed_fen"] > 0
            late += r["late_fee_fen"] > 0
            prepaid += r["prepaid_fen"] > 0
            deposits += r["deposits_fen"] > 0
        assert owing >= 0.8 * ROOMS and 3 <= late <= 0.3 * ROOMS and prepaid >= 1 and deposits >= 1


def test_same_seed_same_history_other_seed_other_history(built, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    # `built` made its lines and its history in forked children (where fork is safe, as here);
    # "again" makes them in this process, as Windows and the GUI do: the same history.
    assert ahead.can_fork() and "parent_writing" in built[1]["payments"]["timings"]
    monkeypatch.setattr(ahead, "COMPUTE_IN_CHILD", False)
    dumps = {}
    for label, seed in (("again", SEED), ("other", SEED + 1)):
        ctx = _open(f"sqlite:///{tmp_path / label}.db")
        try:
            summary = build_demo(ctx, rooms=ROOMS, seed=seed, today=TODAY)
            assert "parent_writing" not in summary["payments"]["timings"]
            dumps[label] = canonical(ctx)
        finally:
            ctx.close()
    assert dumps["again"] == built[2]
    for table in ("payment", "posting", "sequence"):
        assert dumps["other"][table] != built[2][table]


@pytest.mark.postgres
def test_postgresql_gets_the_same_history(built, pg_url, pg):  # type: ignore[no-untyped-def]
    ctx = _open(pg_url)
    fresh = AppContext.open(pg.create_database("history_fresh"))
    try:
        assert any(fks for _ix, fks in schema(fresh).values())
        summary = build_demo(ctx, rooms=ROOMS, seed=SEED, today=TODAY)
        with ctx.uow() as s:
            assert full_check(s)["ok"] is True
        assert canonical(ctx) == built[2]
        assert {k: v for k, v in summary["payments"].items() if k not in ("timings", "seconds")} == {
            k: v for k, v in built[1]["payments"].items() if k not in ("timings", "seconds")}
        assert schema(ctx) == schema(fresh)  # foreign keys dropped for the load are back (and validated)
        with ctx.uow() as s:  # no database file to put the receipts beside: the user data dir
            target = s.scalar(select(Terminal.printer).where(Terminal.code == "T1"))["target"]
        assert Path(target) == Path(platformdirs.user_data_dir("PropDesk", appauthor=False)) / "receipts" / "T1.escpos"
    finally:
        ctx.close()
        fresh.close()


def test_cli_init_demo_with_and_without_bills(tmp_path, capsys):  # type: ignore[no-untyped-def]
    for flag in ([], ["--no-bills"]):
        url = f"sqlite:///{tmp_path / ('plain' if flag else 'billed')}.db"
        assert main(["--db", url, "init", "--demo", "--rooms", "40", *flag, "--json"]) == 0
        out = json.loads(capsys.readouterr().out)
        ctx = AppContext.open(url)
        try:
            with ctx.uow() as s:
                n_lines = s.scalar(select(func.count()).select_from(BillLine))
                n_pay = s.scalar(select(func.count()).select_from(Payment))
                assert full_check(s)["ok"] is True
        finally:
            ctx.close()
        assert out["rooms"] == 40
        if flag:
            assert n_lines == n_pay == 0 and "billing" not in out["demo"] and "payments" not in out["demo"]
        else:
            assert out["demo"]["billing"]["lines"] == n_lines > 0
            assert out["demo"]["payments"]["receipts"] == n_pay > 0


def test_the_demo_counter_prints_its_first_receipt_to_a_file(tmp_path, capsys):  # type: ignore[no-untyped-def]
    """The demo comes with a file printer (receipts/<terminal>.escpos beside the database), so
    the first receipt taken is there to see: its ESC/POS bytes, and `receipt --format png`."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db = ["--db", url]
    assert main([*db, "init", "--demo", "--rooms", "40"]) == 0
    spool = tmp_path / "receipts" / "T1.escpos"
    ctx = AppContext.open(url)
    try:
        with ctx.uow() as s:
            printer = s.scalar(select(Terminal.printer).where(Terminal.code == "T1"))
            room = s.scalars(select(Room.room_key).order_by(Room.room_key)).first()
    finally:
        ctx.close()
    assert printer["transport"] == "file" and printer["target"] == str(spool)
    assert not spool.exists()  # the history is not printed; the counter's first receipt is
    assert main([*db, "shift", "open", "--float", "100"]) == 0
    assert main([*db, "prepay", "--room", room, "--tender", "cash=100", "--json"]) == 0
    receipt_no = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["receipt_no"]
    assert main([*db, "print-queue", "run", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)["printed"]
    assert [(p["receipt_no"], p["ok"]) for p in printed] == [(receipt_no, True)]
    job = spool.read_bytes()
    assert job.startswith(b"\x1b@") and receipt_no.encode() in job
    png = tmp_path / "first.png"
    assert main([*db, "receipt", receipt_no, "--format", "png", "--width", "80", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_counter_with_its_own_printer_keeps_it(tmp_path):  # type: ignore[no-untyped-def]
    ctx = _open(f"sqlite:///{tmp_path / 'own.db'}")
    own = {"transport": "network", "target": "192.168.1.50:9100", "width_mm": 80}
    try:
        with ctx.uow() as s:
            s.scalar(select(Terminal).where(Terminal.code == "T1")).printer = own
        build_demo(ctx, rooms=5, seed=1, today=TODAY, bills=False)
        with ctx.uow() as s:
            assert s.scalar(select(Terminal.printer).where(Terminal.code == "T1")) == own
    finally:
        ctx.close()


def test_a_history_child_that_fails_leaves_no_history_and_every_index(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    from app.demo import history
    from app.demo.history_child import ChildFailed

    def broken(self):  # type: ignore[no-untyped-def]
        raise RuntimeError("the ledger could not be built")

    monkeypatch.setattr(history._History, "_receipts_and_ledger", broken)  # runs in the child only
    ctx = _open(f"sqlite:///{tmp_path / 'broken.db'}")
    fresh = AppContext.open(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        with pytest.raises(ChildFailed, match="the ledger could not be built"):
            build_demo(ctx, rooms=40, seed=SEED, today=TODAY)
        with ctx.uow() as s:
            for model in (Payment, Allocation, Tender, Receipt):
                assert s.scalar(select(func.count()).select_from(model)) == 0
            assert s.scalar(select(func.count()).select_from(BillLine)) > 0  # the bill runs stand
        assert schema(ctx) == schema(fresh)
    finally:
        ctx.close()
        fresh.close()
