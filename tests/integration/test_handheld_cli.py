"""`propdesk handheld download|upload|simulate` against a database, over real pty pairs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tty
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

import drivers.cli_handheld  # noqa: F401  (registers `handheld`, as the entry point does when installed)
from app.cli import main
from app.context import AppContext
from app.db.models import Meter, MeterReading
from app.services import users
from drivers.handheld import simulator as S
from drivers.handheld.dock import Dock
from tests.support.builders import World
from tests.support.handheld_line import handheld_line

ROOT = Path(__file__).resolve().parents[2]
HISTORY = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@pytest.fixture(autouse=True)
def only_this_plugin(monkeypatch):  # type: ignore[no-untyped-def]
    import app.cli

    monkeypatch.setattr(app.cli, "_load_plugin_commands", lambda: None)


@pytest.fixture
def db(any_db_url, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROPDESK_HANDHELD_DIR", str(tmp_path / "resume"))
    """SQLite and PostgreSQL: 20 rooms with a water meter each, six months of 10 a month."""
    assert main(["--db", any_db_url, "init"]) == 0
    ctx = AppContext.open(any_db_url)
    with ctx.uow() as s:
        w = World(s)
        for n in range(1, 21):
            w.room(f"1-1-{100 + n}", "90.00", owner=f"业主{n}")
            w.meter(f"W{n:03d}", "water", f"1-1-{100 + n}", digits=6)
            for i, p in enumerate(HISTORY):  # 10 a month
                w.reading(f"W{n:03d}", p, str(100 + 10 * i))
        users.ensure_user(s, "cashier1", "cashier", password="1234")
    ctx.close()
    return any_db_url


def _json(capsys) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(capsys.readouterr().out)


def _err(capsys) -> dict:  # type: ignore[no-untyped-def]
    """A failed command's JSON error (its line on stderr, after any progress bar)."""
    return json.loads(next(ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("{")))


def test_download_then_upload_stores_readings_and_flags_the_leak(db, capsys):
    hh = S.Handheld(leaks={"W007"})
    with handheld_line(hh) as line:
        assert main(["--db", db, "handheld", "download", "--port", line.name, "--period", "2026-11", "--json"]) == 0
        out = _json(capsys)
        assert out["sent"] == 20 and len(hh.route) == 20 and hh.route_period == "2026-11"
        assert hh.route[0].owner == "业主1" and hh.route[0].last_reading == "150"
        capsys.readouterr()
        assert main(["--db", db, "handheld", "upload", "--port", line.name, "--period", "2026-11", "--json",
                     "--timeout", "0.5"]) == 0
        captured = capsys.readouterr()
    up = json.loads(captured.out)
    assert {k: up[k] for k in ("received", "accepted", "flagged", "rejected")} == \
        {"received": 20, "accepted": 19, "flagged": 1, "rejected": 0}
    assert up["bytes"] > 0 and up["seconds"] > 0
    assert up["flagged_readings"][0]["meter_no"] == "W007"
    assert "20/20" in captured.err and "上传读数" in captured.err  # the progress bar
    ctx = AppContext.open(db)
    with ctx.uow() as s:
        rows = s.execute(select(Meter.meter_no, MeterReading.reading, MeterReading.status, MeterReading.source)
                         .join(Meter).where(MeterReading.period == "2026-11")).all()
    ctx.close()
    assert len(rows) == 20 and {r.source for r in rows} == {"handheld"}
    assert [r.status for r in rows if r.meter_no == "W007"] == ["flagged"]
    assert not list((Path(os.environ["PROPDESK_HANDHELD_DIR"])).glob("*.upload"))


def test_upload_cut_then_rerun_stores_each_reading_once(db, capsys, tmp_path):
    rows = [("2026-11", S.F.ReadingRecord(f"W{n:03d}", Decimal(160 + n), None, "李师傅")) for n in range(1, 21)]
    hh = S.Handheld(readings=rows, cut_after=150, frame_bytes=40)
    with handheld_line(hh) as line:
        args = ["--db", db, "handheld", "upload", "--port", line.name, "--period", "2026-11", "--json",
                "--timeout", "0.4"]
        assert main(args) == 1
        err = _err(capsys)
        assert err["error"] == "handheld.line_lost" and 0 < err["params"]["received"] < 20
        assert main(args) == 0
        up = _json(capsys)
    assert up["resumed_from"] == err["params"]["received"] and up["received"] == 20 and up["accepted"] == 20
    ctx = AppContext.open(db)
    with ctx.uow() as s:
        stored = s.execute(select(Meter.meter_no, MeterReading.reading, MeterReading.reader).join(Meter)
                           .where(MeterReading.period == "2026-11")).all()
    ctx.close()
    assert sorted((m, int(v), r) for m, v, r in stored) == [(f"W{n:03d}", 160 + n, "李师傅") for n in range(1, 21)]


def test_upload_needs_the_handheld_permission(db, capsys, monkeypatch):
    monkeypatch.setenv("PROPDESK_PASSWORD", "1234")  # cashier1 signs in with her own password
    with handheld_line() as line:
        code = main(["--db", db, "--user", "cashier1", "handheld", "upload", "--port", line.name,
                     "--period", "2026-11", "--json"])
        assert line.handheld.sessions == 0  # refused before the handheld was even asked
    e = _err(capsys)
    assert code == 2 and e["error"] == "users.not_allowed" and "抄表机" in e["message"]


def test_missing_port_and_bad_period_are_exit_2(db, capsys):
    assert main(["--db", db, "handheld", "upload", "--port", "/dev/ttyNO-DOCK", "--period", "2026-11", "--json"]) == 2
    assert _err(capsys)["error"] == "handheld.port_missing"
    assert main(["--db", db, "handheld", "upload", "--port", "/dev/ttyNO-DOCK", "--period", "11/2026", "--json"]) == 2
    assert _err(capsys)["error"] == "meters.bad_period"


def test_simulate_command_serves_a_readings_file(tmp_path):
    csv_file = tmp_path / "readings.csv"
    csv_file.write_text("表号,账期,本次读数,抄表日期,抄表员\nW001,2026-11,161.5,2026-11-28,王师傅\n"
                        "W002,2026-11,170,,\nW003,2026-10,1,,\n", encoding="utf-8")
    master, slave = os.openpty()
    tty.setraw(slave)
    name = os.ttyname(slave)
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--db", f"sqlite:///{tmp_path / 'x.db'}",
                             "handheld", "simulate", "--port", name, "--readings", str(csv_file)],
                            cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        assert "ready" in (proc.stderr.readline() if proc.stderr else "")
        with Dock(S.FdPort(master), state_dir=tmp_path / "st", timeout=0.5) as d:
            assert d.hello().device == "HH-SIM-0001"
            up = d.upload("2026-11")
        got = [(r.meter_no, str(r.reading), r.read_at and r.read_at.isoformat(), r.reader) for r in up.readings]
        assert got == [("W001", "161.5", "2026-11-28", "王师傅"), ("W002", "170", None, None)]
    finally:
        proc.terminate()
        proc.wait(10)
        os.close(master)
        os.close(slave)


def test_simulate_with_a_bad_readings_file_says_which_row(tmp_path, capsys):
    bad = tmp_path / "r.csv"
    bad.write_text("meter_no,period,reading\nW1,2026-11,12x\n", encoding="utf-8")
    assert main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "handheld", "simulate", "--port", "/dev/null",
                 "--readings", str(bad), "--json"]) == 2
    out = _err(capsys)
    assert out["error"] == "handheld.bad_readings_file" and out["params"]["row"] == 2


def test_counter_killed_mid_upload_resumes_in_the_next_process(db, capsys):
    """The counter process dies (SIGKILL) in the middle of an upload; the next `handheld upload`
    continues from its resume file: every reading received exactly once, stored once."""
    import time

    unknown = [("2026-11", S.F.ReadingRecord(f"X{n:05d}", Decimal(n), None, None)) for n in range(1480)]
    known = [("2026-11", S.F.ReadingRecord(f"W{n:03d}", Decimal(160 + n), None, None)) for n in range(1, 21)]
    hh = S.Handheld(readings=unknown + known)
    resume = Path(os.environ["PROPDESK_HANDHELD_DIR"]) / "HH-SIM-0001-2026-11.upload"
    with handheld_line(hh, pace=S.LINE_RATE_8N1) as line:
        args = ["handheld", "upload", "--port", line.name, "--period", "2026-11", "--json", "--timeout", "0.5"]
        proc = subprocess.Popen([sys.executable, "-m", "app.cli", "--db", db, *args], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while not (resume.exists() and resume.stat().st_size > 4000):  # part of the readings are in
                assert proc.poll() is None and time.monotonic() < deadline, "upload ended before the kill"
                time.sleep(0.02)
        finally:
            proc.kill()
            proc.wait(10)
        capsys.readouterr()
        assert main(["--db", db, *args]) == 0
        up = _json(capsys)
    assert 0 < up["resumed_from"] < 1500 and up["received"] == 1500
    assert (up["accepted"], up["rejected"]) == (20, 1480)
    assert hh.uploads == 2 and not resume.exists()
    ctx = AppContext.open(db)
    with ctx.uow() as s:
        stored = s.execute(select(Meter.meter_no, MeterReading.reading).join(Meter)
                           .where(MeterReading.period == "2026-11")).all()
    ctx.close()
    assert sorted((m, int(v)) for m, v in stored) == [(f"W{n:03d}", 160 + n) for n in range(1, 21)]
