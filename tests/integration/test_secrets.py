"""Secrets (issue 15 item 4): the receipt-signing key is not in the database (only its id),
the database and its folder are user-only, a database's own key file too; a forged or
altered receipt QR does not verify and a genuine one whose receipt was deleted says so;
and after a demo init, payments, a gateway set-up and a sync join none of the secret values
is in the database file or a log."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from app.context import AppContext
from app.db.migrate import alembic_config
from app.db.models import Payment, Receipt, Terminal
from app.printing import receipt_qr
from app.services import gateway_settings, receipt_keys, receipts
from app.services.cashier import shifts
from app.services.cashier.payments import Counter, prepay
from app.services.sync import join as join_service
from app.services.sync import link_store
from drivers.central.fake import FakeCentral
from tests.support import counter_world
from tests.support.counter_world import T

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def secrets_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROPDESK_SECRETS_DIR", str(tmp_path / "secrets"))
    return tmp_path / "secrets"


def _mode(p: Path) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def _receipt(ctx) -> tuple[str, Receipt, Payment]:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        counter_world.build(s)
    with ctx.uow() as s:
        no = prepay(s, Counter("T1", "admin"), "1-1-101", T("cash=100"))["receipt_no"]
    with ctx.uow() as s:
        r = s.scalar(select(Receipt).where(Receipt.receipt_no == no))
        return no, r, s.get(Payment, r.payment_id)


def test_the_key_is_not_in_the_database_and_files_are_user_only(tmp_path):
    from tests.conftest import _ready_context

    db = tmp_path / "new" / "propdesk.db"
    ctx = _ready_context(f"sqlite:///{db}")
    try:
        no, r, p = _receipt(ctx)
        with ctx.uow() as s:
            ref = s.scalar(select(Terminal.hmac_key).where(Terminal.code == "T1"))
            key = receipt_keys.key_of(s, "T1")
        assert ref.startswith("kid:") and len(key) == 64 and key not in ref
        keys = receipt_keys.key_file(f"sqlite:///{db}")
        assert keys.exists() and _mode(keys) == 0o600 and key in keys.read_text()
        assert _mode(db) == 0o600 and _mode(db.parent) == 0o700
        assert key.encode() not in db.read_bytes() + Path(str(db) + "-wal").read_bytes()
    finally:
        ctx.close()


def test_qr_checks_every_field_and_says_when_a_genuine_receipt_is_not_in_the_books(ctx):
    no, r, p = _receipt(ctx)
    with ctx.uow() as s:
        key = receipt_keys.key_of(s, "T1")
        ref = s.scalar(select(Terminal.hmac_key).where(Terminal.code == "T1"))
        good = receipt_qr.sign(no, p.total_fen, r.issued_at, key)
        assert receipts.verify(s, good)["genuine"] is True
        # a forger who copied the database has only the key id
        forged = receipt_qr.sign("T1-20261220-0099", 50000, r.issued_at, ref[4:].ljust(32, "0"))
        assert receipts.verify(s, forged)["reason_code"] == "qr.signature_mismatch"
        # the issue time changed (signed with the real key: a leaked key must not make it pass)
        later = receipt_qr.sign(no, p.total_fen, r.issued_at + timedelta(hours=3), key)
        v = receipts.verify(s, later)
        assert (v["genuine"], v["reason_code"]) == (False, "qr.time_differs")
        assert "开票时间" in v["reason"] and "issue time" in v["reason_en"]
    # the receipt deleted from the books: a genuine QR for a number this counter issued
    with ctx.engine.begin() as conn:
        conn.execute(text("DELETE FROM receipt WHERE id = :i"), {"i": r.id})
    with ctx.uow() as s:
        v = receipts.verify(s, good)
    assert (v["genuine"], v["reason_code"]) == (False, "qr.not_in_books")
    assert "可能被删除" in v["reason"]


def test_upgrade_moves_an_existing_key_out_and_old_receipts_still_verify(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(alembic_config(url), "0003")
    ctx = AppContext(__import__("app.config", fromlist=["Settings"]).Settings(db_url=url))
    old_key = "ab" * 32
    try:
        with ctx.engine.begin() as conn:
            conn.execute(text("INSERT INTO terminal (id, code, name, hmac_key, created_at, pushed_seq) "
                              "VALUES ('t1', 'T1', 'T1', :k, '2026-11-01 00:00:00', 0)"), {"k": old_key})
        ctx.migrate()
        with ctx.uow() as s:
            ref = s.scalar(select(Terminal.hmac_key).where(Terminal.code == "T1"))
            assert receipt_keys.is_reference(ref) and receipt_keys.key_of(s, "T1") == old_key
        assert old_key.encode() not in (tmp_path / "old.db").read_bytes()
        qr = receipt_qr.sign("T1-20261101-0001", 100, datetime(2026, 11, 1, tzinfo=timezone.utc), old_key)
        with ctx.uow() as s:
            assert receipts.verify(s, qr)["reason_code"] == "qr.not_here"  # signature good, receipt elsewhere
    finally:
        ctx.close()


def test_no_secret_in_the_database_file_or_the_logs(tmp_path, secrets_dir):
    db = tmp_path / "demo" / "propdesk.db"
    url = f"sqlite:///{db}"
    env = {**os.environ, "PROPDESK_SECRETS_DIR": str(secrets_dir)}
    out = subprocess.run([sys.executable, "-m", "app.cli", "--db", url, "init", "--demo", "--rooms", "20"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    logs = out.stdout + out.stderr
    wechat_key, token = "WxApiKey" + "7" * 24, "tok-" + "s3cr3t" * 6
    ctx = AppContext.open(url)
    try:
        with ctx.uow() as s:
            gateway_settings.save(s, "T1", "admin", "wechat", {"appid": "wx42", "mch_id": "1900000109",
                                                               "key": wechat_key, "base_url": "http://127.0.0.1:9"})
            room = s.execute(text("SELECT room_key FROM room ORDER BY room_key LIMIT 1")).scalar()
            if not s.execute(text("SELECT 1 FROM shift WHERE closed_at IS NULL")).first():
                shifts.open_shift(s, "T1", "admin", 0)
        with ctx.uow() as s:
            prepay(s, Counter("T1", "admin"), room, T("cash=10"))
        with ctx.uow() as s:
            receipt_key = receipt_keys.key_of(s, "T1")
        central = FakeCentral(communities=[])
        join_service.join(ctx.uow, central, "T1", link_store.link_path(url), "http://central:8765/", token)
        shown = subprocess.run([sys.executable, "-m", "app.cli", "--db", url, "gateway", "show", "--json"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        logs += shown.stdout + shown.stderr
    finally:
        ctx.close()
    assert receipt_key and link_store.load(link_store.link_path(url)).token == token
    stored = b"".join(p.read_bytes() for p in db.parent.iterdir()
                      if p.name.startswith("propdesk.db") and not p.name.endswith(".json"))
    logs += "".join(p.read_text(errors="replace") for p in tmp_path.rglob("*.log"))
    for secret in (receipt_key, wechat_key, token):
        assert secret.encode() not in stored, secret[:6]
        assert secret not in logs, secret[:6]
    for p in [db, *db.parent.glob("*.json")]:
        assert _mode(p) == 0o600, p.name
