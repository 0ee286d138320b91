"""Backups (issue 15 item 5): an online backup taken while payments stream in restores to a
consistent state; encrypted backups round-trip and refuse a wrong passphrase or damage;
restore refuses a non-empty target and a backup whose books were edited; rotation keeps
exactly 7 daily and 4 weekly. The restore test CI runs (.ci)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app import clock
from app.context import AppContext
from app.db.models import Payment
from app.errors import InputError
from app.services import audit, backup as backups
from app.services.cashier.payments import Counter, prepay
from app.services.ledger_check import full_check
from tests.support import counter_world
from tests.support.counter_world import T

ROOT = Path(__file__).resolve().parents[2]
C = Counter("T1", "admin")


@pytest.fixture
def world(ctx, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 12, 20))
    with ctx.uow() as s:
        counter_world.build(s)
    with ctx.uow() as s:
        prepay(s, C, "1-1-101", T("cash=100"))
    return ctx


def _payments(url: str) -> int:
    c = AppContext.open(url, migrate=False)
    try:
        with c.uow() as s:
            return s.scalar(select(func.count()).select_from(Payment))
    finally:
        c.close()


def test_a_backup_during_a_stream_of_payments_restores_consistent(world, sqlite_url, tmp_path):
    stop, written, errors = threading.Event(), [], []

    def stream() -> None:  # another connection taking top-ups one after the other
        other = AppContext.open(sqlite_url, migrate=False)
        try:
            while not stop.is_set() or len(written) < 5:
                with other.uow() as s:
                    no = prepay(s, C, "1-1-102", T("cash=1"))["receipt_no"]
                written.append(no)  # committed
        except BaseException as e:  # noqa: BLE001
            errors.append(e)
        finally:
            other.close()

    t = threading.Thread(target=stream)
    t.start()
    try:
        while len(written) < 3:  # the stream is flowing before the backup starts
            t.join(0.01)
        r = backups.backup(sqlite_url, tmp_path / "during.db")
        during = len(written)
    finally:
        stop.set()
        t.join()
    assert not errors
    assert r["ok"] and r["bytes"] == (tmp_path / "during.db").stat().st_size > 0
    assert r["checks"]["ledger_ok"] and r["checks"]["audit"]["ok"]
    restored = tmp_path / "restored" / "propdesk.db"
    rr = backups.restore(tmp_path / "during.db", restored)
    assert rr["ok"] and rr["file"] == str(restored.resolve())
    url = f"sqlite:///{restored}"
    n = _payments(url)
    assert 1 + 3 <= n <= 1 + during + 1  # a moment inside the stream, not the start or a torn state
    c = AppContext.open(url)
    try:
        with c.uow() as s:
            assert full_check(s)["ok"] and audit.verify(s)["ok"]
    finally:
        c.close()


def test_encrypted_backup_round_trips_and_refuses_a_wrong_passphrase_or_damage(world, sqlite_url, tmp_path):
    r = backups.backup(sqlite_url, tmp_path / "b.pdbak", passphrase="长城 long passphrase")
    raw = (tmp_path / "b.pdbak").read_bytes()
    assert r["ok"] and r["encrypted"] and raw.startswith(b"PDBACKUP") and b"SQLite format 3" not in raw
    assert stat.S_IMODE(os.stat(tmp_path / "b.pdbak").st_mode) == 0o600
    with pytest.raises(InputError) as e:
        backups.restore(tmp_path / "b.pdbak", tmp_path / "x.db", passphrase="wrong")
    assert e.value.code == "backup.wrong_passphrase" and not (tmp_path / "x.db").exists()
    for name, data in (("cut", raw[:-10]), ("flip", raw[:200] + bytes([raw[200] ^ 1]) + raw[201:]),
                       ("tail", raw + b"x")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as e:
            backups.restore(tmp_path / name, tmp_path / f"{name}.db", passphrase="长城 long passphrase")
        assert e.value.code in ("backup.damaged", "backup.wrong_passphrase") and not (tmp_path / f"{name}.db").exists()
    ok = backups.restore(tmp_path / "b.pdbak", tmp_path / "ok.db", passphrase="长城 long passphrase")
    assert ok["ok"] and _payments(f"sqlite:///{tmp_path / 'ok.db'}") == 1
    assert stat.S_IMODE(os.stat(tmp_path / "ok.db").st_mode) == 0o600


def test_restore_refuses_a_non_empty_target_and_a_backup_with_edited_books(world, sqlite_url, tmp_path):
    backups.backup(sqlite_url, tmp_path / "b.db")
    with pytest.raises(InputError) as e:
        backups.backup(sqlite_url, tmp_path / "b.db")
    assert e.value.code == "backup.target_exists"
    (tmp_path / "taken.db").write_bytes(b"something")
    with pytest.raises(InputError) as e:
        backups.restore(tmp_path / "b.db", tmp_path / "taken.db")
    assert e.value.code == "backup.target_not_empty" and (tmp_path / "taken.db").read_bytes() == b"something"
    # someone edits a payment inside the backup file: the restore check refuses it
    import sqlite3
    con = sqlite3.connect(tmp_path / "b.db")
    con.execute("UPDATE payment SET total_fen = total_fen - 1000")
    con.commit()
    con.close()
    with pytest.raises(InputError) as e:
        backups.restore(tmp_path / "b.db", tmp_path / "edited.db")
    assert e.value.code == "backup.verify_failed" and not (tmp_path / "edited.db").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_a_file_that_is_no_backup_is_refused(tmp_path):
    (tmp_path / "junk").write_bytes(b"not a database at all" * 10)
    with pytest.raises(InputError) as e:
        backups.restore(tmp_path / "junk", tmp_path / "out.db")
    assert e.value.code == "backup.damaged"
    with pytest.raises(InputError) as e:
        backups.backup("postgresql+psycopg://u@h/db", tmp_path / "x.db")
    assert e.value.code == "backup.not_sqlite"


def test_rotation_keeps_seven_daily_and_four_weekly():
    start = date(2026, 10, 1)  # a Thursday
    days = [start + timedelta(days=i) for i in range(60)]  # through 2026-11-29, a Sunday
    kept = backups.kept_days(days)
    daily = {date(2026, 11, 23) + timedelta(days=i) for i in range(7)}  # Mon 23 … Sun 29
    # older than the dailies: the newest backup of each of the 4 newest weeks
    weekly = {date(2026, 11, 22), date(2026, 11, 15), date(2026, 11, 8), date(2026, 11, 1)}
    assert kept == daily | weekly
    # a gap: weeks with no backup are no weeks
    sparse = [date(2026, 9, 1), date(2026, 9, 3), date(2026, 10, 20), date(2026, 11, 2)]
    assert backups.kept_days(sparse) == set(sparse)


def test_auto_backup_once_a_day_with_rotation(world, sqlite_url, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    for i in range(1, 15):  # two weeks of earlier automatic backups (and a stranger file)
        (folder / backups.auto_name(date(2026, 12, 5) + timedelta(days=i - 1), False)).write_bytes(b"x")
    (folder / "notes.txt").write_text("keep me")
    r = backups.auto_backup(sqlite_url, folder, date(2026, 12, 20))
    assert r["ok"] and not r["skipped"] and Path(r["file"]).name == "propdesk-2026-12-20.db"
    names = sorted(p.name for p in folder.iterdir())
    expected_days = backups.kept_days([date(2026, 12, 5) + timedelta(days=i) for i in range(14)] + [date(2026, 12, 20)])
    assert names == sorted([backups.auto_name(d, False) for d in expected_days] + ["notes.txt"])
    assert len(expected_days) == 7 + 2  # 14…20 daily; the 13th (week 50) and the 6th (week 49) weekly
    again = backups.auto_backup(sqlite_url, folder, date(2026, 12, 20))
    assert again["skipped"] and again["removed"] == []
    with pytest.raises(InputError) as e:
        backups.auto_backup(sqlite_url, None, date(2026, 12, 20))
    assert e.value.code == "backup.no_folder"


def test_cli_backup_and_restore(world, sqlite_url, tmp_path):
    def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli", "--db", sqlite_url, *args], cwd=ROOT, text=True,
                              capture_output=True, timeout=300, stdin=subprocess.DEVNULL,
                              env={**os.environ, **(env or {})})

    out = cli("backup", "-o", str(tmp_path / "c.db"), "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["ok"] is True and doc["bytes"] == (tmp_path / "c.db").stat().st_size and doc["file"].endswith("c.db")
    nopass = cli("backup", "-o", str(tmp_path / "e.pdbak"), "--encrypt", env={"PROPDESK_BACKUP_PASSPHRASE": ""})
    assert nopass.returncode == 2 and not (tmp_path / "e.pdbak").exists()
    enc = cli("backup", "-o", str(tmp_path / "e.pdbak"), "--encrypt", "--json",
              env={"PROPDESK_BACKUP_PASSPHRASE": "secret words"})
    assert enc.returncode == 0, enc.stderr
    bad = cli("restore", str(tmp_path / "e.pdbak"), "-o", str(tmp_path / "r.db"))
    assert bad.returncode == 2 and "备份" in bad.stderr and not (tmp_path / "r.db").exists()
    good = cli("restore", str(tmp_path / "e.pdbak"), "-o", str(tmp_path / "r.db"), "--json",
               env={"PROPDESK_BACKUP_PASSPHRASE": "secret words"})
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["ok"] is True
    auto = cli("backup", "--auto", "--folder", str(tmp_path / "auto"), "--json")
    assert auto.returncode == 0, auto.stderr
    assert json.loads(auto.stdout)["ok"] is True
    assert len(list((tmp_path / "auto").iterdir())) == 1 and backups.get_folder(sqlite_url) == str(tmp_path / "auto")
    with AppContext.open(f"sqlite:///{tmp_path / 'r.db'}").uow() as s:
        assert s.execute(text("SELECT count(*) FROM payment")).scalar() == 1
