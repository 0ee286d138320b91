"""Sign-in on the command line (app/cli/sign_in.py, docs/permissions.md): passwords, lockout,
login sessions, the first admin's password, approval on the spot, argon2id hashes."""

from __future__ import annotations

import json
import os
import stat
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app import clock
from app.cli import main
from app.cli.sign_in import Session as LoginSession
from app.config import Settings
from app.context import AppContext
from app.db.models import AuditEvent, BillAdjustment, BillLine, Payment, ReceiptVoid, Shift, User
from app.services import passwords, users
from app.services.billing.bill_run import bill_run
from tests.support.builders import World


def _err(capsys) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(capsys.readouterr().err.splitlines()[0])


def _count(url: str, model) -> int:  # type: ignore[no-untyped-def]
    ctx = AppContext.open(url, migrate=False)
    try:
        with ctx.uow() as s:
            return s.scalar(select(func.count()).select_from(model))
    finally:
        ctx.close()


def _user(url: str, name: str) -> User:
    ctx = AppContext.open(url, migrate=False)
    try:
        with ctx.uow() as s:
            u = s.scalar(select(User).where(User.username == name))
            s.expunge(u)
            return u
    finally:
        ctx.close()


@pytest.fixture
def counter(sqlite_url):  # type: ignore[no-untyped-def]
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三")
        w.fee("PM", "area", "2", late_fee={"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"})
        bill_run(s, "2026-10", user="admin")
        users.ensure_user(s, "c1", "cashier", password="cash-pw")
        users.ensure_user(s, "m1", "manager", password="boss-pw")
    ctx.close()
    return sqlite_url


def test_a_data_changing_command_without_a_password_exits_2_and_changes_nothing(counter, monkeypatch, capsys):
    monkeypatch.delenv("PROPDESK_PASSWORD")
    assert main(["--db", counter, "shift", "open", "--json"]) == 2
    assert _err(capsys)["error"] == "security.password_required"
    assert _count(counter, Shift) == 0
    # read-only commands stay open
    assert main(["--db", counter, "bills", "--room", "1-101", "--json"]) == 0
    assert main(["--db", counter, "user", "list", "--json"]) == 0


def test_a_wrong_password_exits_2_and_five_lock_until_a_manager_unlocks(any_db_url, monkeypatch, capsys):
    assert main(["--db", any_db_url, "init"]) == 0
    ctx = AppContext.open(any_db_url)
    with ctx.uow() as s:
        users.ensure_user(s, "c1", "cashier", password="cash-pw")
        users.ensure_user(s, "m1", "manager", password="boss-pw")
    ctx.close()
    capsys.readouterr()
    monkeypatch.setenv("PROPDESK_PASSWORD", "guess")
    codes = []
    for _ in range(5):
        assert main(["--db", any_db_url, "--user", "c1", "shift", "open", "--json"]) == 2
        codes.append(_err(capsys)["error"])
    assert codes == ["users.wrong_password"] * 4 + ["security.locked_now"]
    assert _count(any_db_url, Shift) == 0
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")  # the right password no longer helps
    assert main(["--db", any_db_url, "--user", "c1", "shift", "open", "--json"]) == 2
    assert _err(capsys)["error"] == "security.locked"
    assert _user(any_db_url, "c1").locked_at is not None
    # another cashier may not unlock; a manager may
    monkeypatch.setenv("PROPDESK_PASSWORD", "boss-pw")
    assert main(["--db", any_db_url, "--user", "m1", "user", "unlock", "c1", "--json"]) == 0
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")
    assert main(["--db", any_db_url, "--user", "c1", "shift", "open", "--json"]) == 0
    assert _user(any_db_url, "c1").failed_sign_ins == 0


def test_a_manager_may_not_unlock_or_reset_another_manager_or_admin(counter, monkeypatch, capsys):
    monkeypatch.setenv("PROPDESK_PASSWORD", "boss-pw")
    monkeypatch.setenv("PROPDESK_NEW_PASSWORD", "taken-over")
    assert main(["--db", counter, "--user", "m1", "user", "passwd", "admin", "--json"]) == 2
    assert _err(capsys)["error"] == "security.not_over"
    assert main(["--db", counter, "--user", "m1", "user", "passwd", "c1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"user": "c1", "must_change_password": True}
    with AppContext.open(counter).uow() as s:
        assert users.authenticate(s, "c1", "taken-over")["must_change_password"] is True


def test_init_of_a_new_database_needs_the_first_admin_password(sqlite_url, monkeypatch, capsys):
    monkeypatch.delenv("PROPDESK_PASSWORD")
    assert main(["--db", sqlite_url, "init", "--json"]) == 2
    assert _err(capsys)["error"] == "security.init_needs_password"
    monkeypatch.setenv("PROPDESK_PASSWORD", "first-secret")
    assert main(["--db", sqlite_url, "init"]) == 0
    admin = _user(sqlite_url, "admin")
    assert admin.must_change_password and admin.password_hash.startswith("$argon2id$")
    assert passwords.check_password("first-secret", admin.password_hash)
    assert not passwords.check_password("admin", admin.password_hash)


def test_the_demo_makes_admin_admin_without_a_forced_change(sqlite_url, monkeypatch):
    monkeypatch.delenv("PROPDESK_PASSWORD")
    assert main(["--db", sqlite_url, "init", "--demo", "--rooms", "2", "--no-bills"]) == 0
    admin = _user(sqlite_url, "admin")
    assert passwords.check_password("admin", admin.password_hash) and not admin.must_change_password
    assert passwords.check_password("1234", _user(sqlite_url, "cashier1").password_hash)


def test_password_stdin_is_the_acting_users_password(counter, monkeypatch, capsys):
    import io

    monkeypatch.delenv("PROPDESK_PASSWORD")
    monkeypatch.setattr("sys.stdin", io.StringIO("cash-pw\n"))
    assert main(["--db", counter, "--user", "c1", "--password-stdin", "shift", "open"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["--db", counter, "--user", "c1", "--password-stdin", "shift", "close", "--json"]) == 2
    assert _err(capsys)["error"] == "users.wrong_password"


def test_login_session_signs_in_its_user_until_logout_or_idle(counter, monkeypatch, capsys):
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")
    assert main(["--db", counter, "--user", "c1", "login", "--json"]) == 0
    path = json.loads(capsys.readouterr().out)["session"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "cash-pw" not in open(path).read()
    monkeypatch.delenv("PROPDESK_PASSWORD")
    assert main(["--db", counter, "shift", "open", "--json"]) == 0  # acts as the session's user
    capsys.readouterr()
    ctx = AppContext.open(counter)
    with ctx.uow() as s:
        assert s.scalar(select(User.username).join(Shift, Shift.user_id == User.id)) == "c1"
    ctx.close()
    # another user named explicitly is not signed in by c1's session
    assert main(["--db", counter, "--user", "m1", "prepay", "--room", "1-101", "--tender", "cash=1", "--json"]) == 2
    assert _err(capsys)["error"] == "security.password_required"
    # idle too long: the session is gone
    monkeypatch.setenv("PROPDESK_SESSION_MINUTES", "1")
    doc = json.loads(open(path).read())
    doc["last_used"] -= 120
    open(path, "w").write(json.dumps(doc))
    assert main(["--db", counter, "prepay", "--room", "1-101", "--tender", "cash=1", "--json"]) == 2
    assert _err(capsys)["error"] == "security.password_required" and not os.path.exists(path)


def test_a_hand_made_or_stale_session_file_does_not_sign_anyone_in(counter, monkeypatch, capsys):
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")
    assert main(["--db", counter, "--user", "c1", "login", "--json"]) == 0
    path = json.loads(capsys.readouterr().out)["session"]
    doc = json.loads(open(path).read())
    doc["user"] = "admin"  # forged: the MAC is keyed with c1's password hash
    open(path, "w").write(json.dumps(doc))
    monkeypatch.delenv("PROPDESK_PASSWORD")
    assert main(["--db", counter, "shift", "open", "--json"]) == 2
    assert _err(capsys)["error"] == "security.password_required"
    # a password change ends the sessions made with the old one
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")
    assert main(["--db", counter, "--user", "c1", "login"]) == 0
    settings = Settings(db_url=counter)
    assert LoginSession.current_user(settings) == "c1"
    with AppContext.open(counter).uow() as s:
        users.set_password(s, "c1", "c1", "new-cash-pw", old="cash-pw")
    assert LoginSession.current_user(settings) is None
    assert main(["--db", counter, "logout", "--json"]) == 0


def test_old_scrypt_hashes_verify_and_are_rehashed_as_argon2id(ctx):
    old = passwords._scrypt_hash("s3cret")
    with ctx.uow() as s:
        users.ensure_user(s, "old", "cashier")
        s.scalar(select(User).where(User.username == "old")).password_hash = old
    with ctx.uow() as s:
        assert users.authenticate(s, "old", "s3cret")["username"] == "old"
    with ctx.uow() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "old"))
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$") and passwords.check_password("s3cret", stored)


def _paid_receipt(url: str, capsys) -> str:  # type: ignore[no-untyped-def]
    os.environ["PROPDESK_PASSWORD"] = "cash-pw"
    assert main(["--db", url, "--user", "c1", "shift", "open"]) == 0
    assert main(["--db", url, "--user", "c1", "prepay", "--room", "1-101", "--tender", "cash=50", "--json"]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])["receipt_no"]


def test_a_cashiers_late_void_needs_a_supervisors_approval_and_records_both(counter, monkeypatch, capsys):
    receipt = _paid_receipt(counter, capsys)
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=11))  # past the 10-minute window
    argv = ["--db", counter, "--user", "c1", "void", receipt, "--reason", "wrong room", "--json"]
    assert main(argv) == 2
    assert _err(capsys)["error"] == "security.approval_needed"
    monkeypatch.setenv("PROPDESK_APPROVER_PASSWORD", "wrong")
    assert main([*argv, "--approver", "m1"]) == 2
    assert _err(capsys)["error"] == "users.approval_wrong_password"
    monkeypatch.setenv("PROPDESK_APPROVER_PASSWORD", "cash-pw")
    assert main([*argv, "--approver", "c1"]) == 2  # not oneself
    assert _err(capsys)["error"] == "security.approver_self"
    assert _count(counter, ReceiptVoid) == 0
    monkeypatch.setenv("PROPDESK_APPROVER_PASSWORD", "boss-pw")
    assert main([*argv, "--approver", "m1"]) == 0
    assert json.loads(capsys.readouterr().out)["approved_by"] == "m1"
    ctx = AppContext.open(counter)
    with ctx.uow() as s:
        rv = s.scalar(select(ReceiptVoid))
        assert rv.approved_by == "m1" and s.get(User, rv.user_id).username == "c1"
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "void"))
        assert ev.user == "c1" and ev.detail["approved_by"] == "m1"
    ctx.close()


def test_a_void_within_the_window_needs_no_approval(counter, monkeypatch, capsys):
    receipt = _paid_receipt(counter, capsys)
    assert main(["--db", counter, "--user", "c1", "void", receipt, "--reason", "typo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["approved_by"] is None


def test_a_cashiers_waiver_goes_through_with_approval_and_records_both(counter, monkeypatch, capsys):
    ctx = AppContext.open(counter)
    with ctx.uow() as s:
        line = s.scalar(select(BillLine.id))
    ctx.close()
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")
    argv = ["--db", counter, "--user", "c1", "waive-late-fee", "--line", line, "--reason", "hardship", "--json"]
    assert main(argv) == 2
    assert _err(capsys)["error"] == "users.not_allowed"
    monkeypatch.setenv("PROPDESK_APPROVER_PASSWORD", "boss-pw")
    assert main([*argv, "--approver", "m1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["approved_by"] == "m1" and out["requested_by"] == "c1"
    ctx = AppContext.open(counter)
    with ctx.uow() as s:
        adj = s.scalar(select(BillAdjustment))
        assert (adj.approved_by, adj.requested_by) == ("m1", "c1")
    ctx.close()


def test_column_limits_hold_in_every_context_opened_after_another(counter, capsys):
    """Regression: limits.install trusted event.contains(), which a reused id() fooled, so a
    context opened after a closed one (the sign-in gate's) wrote over-long text unchecked."""
    assert main(["--db", counter, "shift", "open"]) == 0
    for _ in range(3):
        capsys.readouterr()
        assert main(["--db", counter, "deposit", "--room", "1-101", "--purpose", "长" * 300,
                     "--tender", "cash=100", "--json"]) == 2
        assert _err(capsys)["error"] == "input.too_long"
    assert _count(counter, Payment) == 0


def test_wrong_approver_passwords_on_the_command_line_count_towards_the_approvers_lockout(counter, monkeypatch,
                                                                                         capsys):
    ctx = AppContext.open(counter)
    with ctx.uow() as s:
        line = s.scalar(select(BillLine.id))
    ctx.close()
    monkeypatch.setenv("PROPDESK_PASSWORD", "cash-pw")
    monkeypatch.setenv("PROPDESK_APPROVER_PASSWORD", "guess")
    argv = ["--db", counter, "--user", "c1", "waive-late-fee", "--line", line, "--reason", "x", "--approver", "m1",
            "--json"]
    codes = []
    for _ in range(5):
        assert main(argv) == 2
        codes.append(_err(capsys)["error"])
    assert codes == ["users.approval_wrong_password"] * 4 + ["security.locked_now"]
    assert _user(counter, "m1").locked_at is not None and _count(counter, BillAdjustment) == 0


from tests.integration.test_sync_apply import (  # noqa: E402  (the sync tests' two-database world)
    T as _T, _apply_all, _copy_snapshot, _events, _rows, _world, make_db)  # noqa: F401


def test_both_names_of_an_approval_arrive_at_a_second_database(make_db, monkeypatch):
    from app.services.billing.waivers import waive_late_fee
    from app.services.cashier import shifts
    from app.services.cashier.payments import Counter, prepay
    from app.services.cashier.voids import void_receipt

    a, b = make_db("a"), make_db("b")
    _world(a)
    _copy_snapshot(a, b)
    c = Counter("T1", "c1")
    with a.uow() as s:
        shifts.open_shift(s, "T1", "c1", 0)
        no = prepay(s, c, "1-1-101", _T("cash=50"))["receipt_no"]
        line = s.scalar(select(BillLine.id).order_by(BillLine.id))
        waive_late_fee(s, line, "困难", user="c1", terminal="T1", approver="admin", approver_password="admin")
    real_now = clock.now
    monkeypatch.setattr(clock, "now", lambda: real_now() + timedelta(minutes=30))
    with a.uow() as s:
        void_receipt(s, c, no, "录错", approver="admin", approver_password="admin")
    _apply_all(b, _events(a), "T1")
    for table in ("receipt_void", "bill_adjustment"):
        assert _rows(b, table) == _rows(a, table), table
    with b.uow() as s:
        assert s.scalar(select(ReceiptVoid.approved_by)) == "admin"
        assert s.scalar(select(BillAdjustment.requested_by)) == "c1"
