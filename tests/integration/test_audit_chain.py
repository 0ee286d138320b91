"""The audit chain (issue 15 item 3): every event chained, and `audit verify` catches the hand
edits the wave-1 probe made — a consistent ¥10 skim, a deleted payment, a payment re-assigned
to another user, edited audit details and times, inserted and removed rows — naming the first
bad event. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from app import clock
from app.context import AppContext
from app.db.migrate import alembic_config
from app.db.models import AuditChainHead, AuditEvent, Payment, Receipt, User
from app.services import audit, users
from app.services.cashier.payments import Counter, collect_deposit, pay_bills, prepay
from app.services.cashier.voids import void_receipt
from app.services.ledger_check import full_check
from tests.support import counter_world
from tests.support.counter_world import T

ROOT = Path(__file__).resolve().parents[2]
C = Counter("T1", "admin")


@pytest.fixture
def world(any_ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with any_ctx.uow() as s:
        w = counter_world.build(s)
    with any_ctx.uow() as s:
        w.paid = pay_bills(s, C, "1-1-101", T("pos=300:123456789012", "cash=200"))
    with any_ctx.uow() as s:
        w.top = prepay(s, C, "1-1-102", T("cash=100"))
    with any_ctx.uow() as s:
        w.dep = collect_deposit(s, C, "1-1-102", "装修押金", T("cash=50"))
    with any_ctx.uow() as s:
        w.voided = prepay(s, C, "1-1-102", T("cash=30"))
        void_receipt(s, C, w.voided["receipt_no"], "输错金额")
    return w


def _sql(ctx: AppContext, *statements: tuple[str, dict]) -> None:
    with ctx.engine.begin() as conn:
        for stmt, params in statements:
            conn.execute(text(stmt), params)


def _verify(ctx: AppContext) -> dict:
    with ctx.uow() as s:
        return audit.verify(s)


def _event_of(ctx: AppContext, entity_id: str) -> AuditEvent:
    with ctx.uow() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.entity_id == entity_id)).one()


def test_every_event_is_chained_and_the_clean_chain_verifies(any_ctx, world):
    r = _verify(any_ctx)
    assert r["ok"], r["first_bad"]
    with any_ctx.uow() as s:
        evs = s.scalars(select(AuditEvent).where(AuditEvent.chain == "T1").order_by(AuditEvent.seq)).all()
        head = s.get(AuditChainHead, "T1")
        assert [e.seq for e in evs] == list(range(1, len(evs) + 1))
        assert all(e.prev_hash == p.hash for p, e in zip(evs, evs[1:]))
        assert head.seq == evs[-1].seq and head.hash == evs[-1].hash
        pay = next(e for e in evs if e.entity_id == world.paid["payment_id"])
        assert pay.action == "pay.bills" and pay.facts  # the payment's rows are in its hash
        assert {e.action for e in evs} >= {"shift.open", "pay.bills", "pay.prepay", "pay.deposit", "void"}
    assert r["events"] == sum(c["events"] for c in r["chains"]) and r["events"] >= 6


def test_a_consistent_ten_yuan_skim_is_caught_where_the_ledger_check_is_not(any_ctx, world):
    pid = world.paid["payment_id"]
    with any_ctx.uow() as s:
        txn = s.execute(text("SELECT id FROM ledger_txn WHERE ref_type='payment' AND ref_id=:p"), {"p": pid}).scalar()
        cash_posting = s.execute(text(
            "SELECT p.id FROM posting p JOIN ledger_account a ON a.id = p.account_id "
            "WHERE p.txn_id = :t AND a.code LIKE 'TND%' AND p.amount_fen = 12240"), {"t": txn}).scalar()
        ar_posting = s.execute(text(
            "SELECT p.id FROM posting p JOIN ledger_account a ON a.id = p.account_id "
            "WHERE p.txn_id = :t AND a.code LIKE 'AR%'"), {"t": txn}).scalar()
        alloc = s.execute(text("SELECT id FROM allocation WHERE payment_id=:p ORDER BY principal_fen DESC"),
                          {"p": pid}).scalar()
    assert cash_posting and ar_posting and alloc
    # ¥10 less everywhere at once: the cash tender, the cash posting, the receivable posting,
    # one allocation and the payment's total. The books still balance with each other...
    _sql(any_ctx,
         ("UPDATE tender SET amount_fen = amount_fen - 1000 WHERE payment_id = :p AND method = 'cash'", {"p": pid}),
         ("UPDATE posting SET amount_fen = amount_fen - 1000 WHERE id = :i", {"i": cash_posting}),
         ("UPDATE posting SET amount_fen = amount_fen + 1000 WHERE id = :i", {"i": ar_posting}),
         ("UPDATE allocation SET principal_fen = principal_fen - 1000 WHERE id = :i", {"i": alloc}),
         ("UPDATE payment SET total_fen = total_fen - 1000 WHERE id = :p", {"p": pid}))
    r = _verify(any_ctx)
    assert not r["ok"]
    bad = r["first_bad"]
    assert (bad["reason"], bad["entity_id"], bad["action"], bad["chain"]) == ("facts_changed", pid, "pay.bills", "T1")
    assert bad["seq"] == _event_of(any_ctx, pid).seq


def test_a_deleted_payment_is_caught(any_ctx, world):
    pid = world.top["payment_id"]
    _sql(any_ctx,
         ("DELETE FROM posting WHERE txn_id IN (SELECT id FROM ledger_txn WHERE ref_id = :p)", {"p": pid}),
         ("DELETE FROM ledger_txn WHERE ref_id = :p", {"p": pid}),
         ("DELETE FROM tender WHERE payment_id = :p", {"p": pid}),
         ("DELETE FROM receipt WHERE payment_id = :p", {"p": pid}),
         ("DELETE FROM payment WHERE id = :p", {"p": pid}))
    bad = _verify(any_ctx)["first_bad"]
    assert (bad["reason"], bad["entity_id"], bad["action"]) == ("facts_removed", pid, "pay.prepay")


def test_a_payment_reassigned_to_another_user_is_caught(any_ctx, world):
    with any_ctx.uow() as s:
        users.ensure_user(s, "cashier1", "cashier", "收银员一", password="1234")
    with any_ctx.uow() as s:
        other = s.scalar(select(User.id).where(User.username == "cashier1"))
    pid = world.paid["payment_id"]
    _sql(any_ctx, ("UPDATE payment SET user_id = :u WHERE id = :p", {"u": other, "p": pid}))
    bad = _verify(any_ctx)["first_bad"]
    assert (bad["reason"], bad["entity_id"]) == ("facts_changed", pid)


@pytest.mark.parametrize("edit", [
    "UPDATE audit_event SET detail = :d WHERE id = :i",
    "UPDATE audit_event SET at = :t WHERE id = :i",
    "UPDATE audit_event SET \"user\" = 'someone' WHERE id = :i",
])
def test_an_edited_audit_event_is_caught(any_ctx, world, edit):
    ev = _event_of(any_ctx, world.paid["payment_id"])
    _sql(any_ctx, (edit, {"i": ev.id, "d": json.dumps({"receipt_no": "x", "total_fen": 1}),
                          "t": "2026-12-19 08:00:00.000000"}))
    bad = _verify(any_ctx)["first_bad"]
    assert (bad["reason"], bad["id"], bad["seq"]) == ("event_edited", ev.id, ev.seq)


def test_a_removed_event_in_the_middle_and_at_the_end_are_caught(any_ctx, world):
    ev = _event_of(any_ctx, world.paid["payment_id"])
    _sql(any_ctx, ("DELETE FROM audit_event WHERE id = :i", {"i": ev.id}))
    bad = _verify(any_ctx)["first_bad"]
    assert bad["reason"] == "event_removed" and bad["seq"] == ev.seq + 1


def test_a_removed_last_event_is_caught(any_ctx, world):
    with any_ctx.uow() as s:
        last = s.scalars(select(AuditEvent).where(AuditEvent.chain == "T1").order_by(AuditEvent.seq.desc())).first()
    _sql(any_ctx, ("DELETE FROM audit_event WHERE id = :i", {"i": last.id}))
    bad = _verify(any_ctx)["first_bad"]
    assert bad["reason"] == "tail_removed" and bad["head_seq"] == last.seq


def test_inserted_rows_are_caught(any_ctx, world):
    # an audit event put in by hand, with no place in the chain
    _sql(any_ctx, ("INSERT INTO audit_event (id, at, \"user\", terminal_code, action) "
                   "VALUES ('forged', '2026-12-20 01:00:00', 'admin', 'T1', 'pay.bills')", {}))
    r = _verify(any_ctx)
    assert r["first_bad"]["reason"] == "event_inserted" and r["first_bad"]["id"] == "forged"
    _sql(any_ctx, ("DELETE FROM audit_event WHERE id = 'forged'", {}))
    assert _verify(any_ctx)["ok"]
    # a payment put in by hand (a copy of a real one), with no event
    with any_ctx.uow() as s:
        p = s.get(Payment, world.top["payment_id"])
        s.add(Payment(id="forged-payment", kind="prepay", room_id=p.room_id, terminal_id=p.terminal_id,
                      user_id=p.user_id, shift_id=p.shift_id, total_fen=100, change_fen=0, as_of=p.as_of,
                      business_day=p.business_day, created_at=clock.now()))
        s.commit()
    bad = _verify(any_ctx)["first_bad"]
    assert bad["reason"] == "payment_without_event" and bad["payment_id"] == "forged-payment"


def test_an_event_in_a_rolled_back_savepoint_is_not_recorded(any_ctx, world):
    with any_ctx.uow() as s:
        with pytest.raises(RuntimeError):
            with s.begin_nested():
                audit.record(s, "test.gone", user="admin", terminal="T1")
                raise RuntimeError
        audit.record(s, "test.kept", user="admin", terminal="T1")
    with any_ctx.uow() as s:
        actions = set(s.scalars(select(AuditEvent.action)))
    assert "test.kept" in actions and "test.gone" not in actions
    assert _verify(any_ctx)["ok"]


def test_concurrent_appends_to_one_chain_stay_one_line(any_ctx, world):
    """Two writers on one terminal's chain: the head row lock serialises them."""
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(8):
                with any_ctx.uow() as s:
                    audit.record(s, "test.append", user="admin", terminal="T1", detail={"w": n, "i": i})
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    r = _verify(any_ctx)
    assert r["ok"], r["first_bad"]
    assert next(c for c in r["chains"] if c["chain"] == "T1")["head_seq"] >= 16


def test_the_trails_of_a_receipt_and_a_room(any_ctx, world):
    with any_ctx.uow() as s:
        trail = audit.receipt_trail(s, world.voided["receipt_no"])
        assert [e["action"] for e in trail] == ["pay.prepay", "void"]
        room = audit.room_trail(s, "1-1-102")
        assert [e["action"] for e in room] == ["pay.prepay", "pay.deposit", "pay.prepay", "void"]


def test_cli_audit_verify(any_ctx, world, any_db_url):
    run = lambda: subprocess.run([sys.executable, "-m", "app.cli", "--db", any_db_url, "audit", "verify", "--json"],  # noqa: E731
                                 cwd=ROOT, capture_output=True, text=True, timeout=300)
    ok = run()
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["ok"] is True and doc["first_bad"] is None and doc["events"] >= 6
    _sql(any_ctx, ("UPDATE payment SET total_fen = total_fen - 1000 WHERE id = :p", {"p": world.paid["payment_id"]}))
    bad = run()
    assert bad.returncode == 1
    doc = json.loads(bad.stdout)
    assert doc["ok"] is False and doc["first_bad"]["entity_id"] == world.paid["payment_id"]
    text_run = subprocess.run([sys.executable, "-m", "app.cli", "--db", any_db_url, "audit", "verify"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert "审计链被破坏" in text_run.stdout and "Audit chain broken" in text_run.stdout


def test_the_upgrade_chains_the_events_already_there(any_db_url):
    cfg = alembic_config(any_db_url)
    command.upgrade(cfg, "0003")
    ctx = AppContext(__import__("app.config", fromlist=["Settings"]).Settings(db_url=any_db_url))
    try:
        with ctx.engine.begin() as conn:
            for i, (at, term) in enumerate([("2026-11-02 09:00:00", "T1"), ("2026-11-01 09:00:00", "T1"),
                                            ("2026-11-03 09:00:00", None), ("2026-11-04 09:00:00", "T1")]):
                conn.execute(text("INSERT INTO audit_event (id, at, \"user\", terminal_code, action, detail) "
                                  "VALUES (:i, :at, 'admin', :t, 'old.thing', :d)"),
                             {"i": f"e{i}", "at": at, "t": term, "d": json.dumps({"n": i})})
        command.upgrade(cfg, "head")
        with ctx.uow() as s:
            t1 = s.scalars(select(AuditEvent).where(AuditEvent.chain == "T1").order_by(AuditEvent.seq)).all()
            assert [e.id for e in t1] == ["e1", "e0", "e3"]  # in the order they happened
            assert s.get(AuditChainHead, audit.NO_TERMINAL).seq == 1
            assert audit.verify(s)["ok"]
        with ctx.uow() as s:  # and the chain goes on from there
            audit.record(s, "new.thing", user="admin", terminal="T1")
        with ctx.uow() as s:
            assert s.get(AuditChainHead, "T1").seq == 4 and audit.verify(s)["ok"]
    finally:
        ctx.close()
