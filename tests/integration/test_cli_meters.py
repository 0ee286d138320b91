"""`meter read|collect|swap` against simulated meters on pty pairs, and `readings
review|accept|reject`, through the command line's main()."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

import drivers.cli_meters  # noqa: F401  (registers `meter`, as the entry point does when installed)
from app.cli import main
from app.context import AppContext
from app.db.models import Meter, MeterReading
from app.services import users
from drivers.meters.simulator import MeterSimulator, PtyPair
from tests.support.builders import World

HISTORY = ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]


@pytest.fixture(autouse=True)
def only_these_plugins(monkeypatch):  # type: ignore[no-untyped-def]
    import app.cli

    monkeypatch.setattr(app.cli, "_load_plugin_commands", lambda: None)


@pytest.fixture
def db(sqlite_url):  # type: ignore[no-untyped-def]
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-1-101", "100.00", owner="张三")
        w.room("1-1-102", "80.00", owner="李四")
        w.room("1-1-103", "80.00")
        for no, room, addr in (("E101", "1-1-101", "000000000101"), ("E102", "1-1-102", "000000000102"),
                               ("E103", "1-1-103", "000000000103")):
            w.meter(no, "electricity", room).address = addr
            w.meters[no].protocol = "dlt645"
            for i, p in enumerate(HISTORY):
                w.reading(no, p, str(1000 + 100 * i))  # 100 kWh a month, 1500 in 2026-10
        w.meter("W101", "water", "1-1-101")  # no address: not on the line
        users.ensure_user(s, "clerk", "cashier", password="1234")
    ctx.close()
    return sqlite_url


@pytest.fixture
def meters_line():  # type: ignore[no-untyped-def]
    pty = PtyPair()
    sim = MeterSimulator(pty.fd, "dlt645")
    sim.start()
    yield pty, sim
    sim.stop()
    pty.close()


def _json(capsys) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(capsys.readouterr().out)


def test_meter_read_one(db, meters_line, capsys) -> None:  # type: ignore[no-untyped-def]
    pty, sim = meters_line
    port = pty.path
    sim.add("000000000101", "1612.34")
    capsys.readouterr()
    assert main(["--db", db, "meter", "read", "--port", port, "--protocol", "dlt645", "--address", "000000000101",
                 "--json"]) == 0
    assert _json(capsys) == {"address": "000000000101", "value": "1612.34", "unit": "kWh", "protocol": "dlt645"}


def test_meter_read_missing_port_and_bad_protocol_exit_2(db, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--db", db, "meter", "read", "--port", str(tmp_path / "nope"), "--protocol", "dlt645",
                 "--address", "1"]) == 1
    err = capsys.readouterr().err
    assert "找不到串口" in err
    assert main(["--db", db, "meter", "read", "--port", "x", "--protocol", "modbus", "--address", "1"]) == 2
    assert "modbus" in capsys.readouterr().err


def test_meter_collect_records_flags_and_lists_failures(db, meters_line, capsys) -> None:  # type: ignore[no-untyped-def]
    pty, sim = meters_line
    port = pty.path
    sim.add("000000000101", "1600")  # 100 kWh: valid
    sim.add("000000000102", "2900")  # 1400 kWh against a median of 100: a leak, flagged
    sim.add("000000000103", "1", fault="silent")  # never answers
    capsys.readouterr()
    assert main(["--db", db, "meter", "collect", "--port", port, "--protocol", "dlt645", "--period", "2026-11",
                 "--timeout", "0.3", "--retries", "1", "--json"]) == 0
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert (doc["read"], doc["flagged"], doc["accepted"]) == (2, 1, 1)
    assert [(f["meter_no"], f["code"]) for f in doc["failed"]] == [("E103", "serial.timeout")]
    assert "[3/3] E103 ✗" in out.err and "[1/3] E101 ✓" in out.err  # progress on stderr
    assert sim.requests.count("000000000103") == 2  # one retry
    # collecting again (the line re-read) changes nothing
    pty.reset()
    assert main(["--db", db, "meter", "collect", "--port", port, "--protocol", "dlt645", "--period", "2026-11",
                 "--timeout", "0.3", "--retries", "0", "--json"]) == 0
    again = _json(capsys)
    assert (again["accepted"], again["flagged"], again["unchanged"]) == (0, 0, 2)

    # the manager sees the leak, a cashier may not decide, the manager rejects it
    assert main(["--db", db, "readings", "review", "--json"]) == 0
    flagged = _json(capsys)["flagged"]
    assert [(f["meter_no"], f["period"], f["reading"], f["usage"], f["reason"]) for f in flagged] == [
        ("E102", "2026-11", "2900", "1400", "meters.leak")]
    assert main(["--db", db, "--user", "clerk", "readings", "accept", "--meter", "E102", "--period", "2026-11",
                 "--reason", "ok"]) == 2
    capsys.readouterr()
    assert main(["--db", db, "readings", "reject", "--meter", "E102", "--period", "2026-11",
                 "--reason", "复核：抄错", "--json"]) == 0
    assert _json(capsys)["status"] == "rejected"
    assert main(["--db", db, "readings", "review", "--json"]) == 0
    assert _json(capsys)["flagged"] == []
    assert main(["--db", db, "readings", "accept", "--meter", "E102", "--period", "2026-11", "--reason", "x"]) == 2
    assert "没有待审核" in capsys.readouterr().err


def test_meter_swap_then_usage_spans_both_meters(db, capsys) -> None:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert main(["--db", db, "meter", "swap", "--meter", "E101", "--date", "2026-11-15", "--old-final", "1550",
                 "--new-meter", "E101N", "--new-initial", "0", "--json"]) == 0
    assert _json(capsys)["new_meter"] == "E101N"
    ctx = AppContext.open(db)
    with ctx.uow() as s:
        old = s.scalar(select(Meter).where(Meter.meter_no == "E101"))
        new = s.scalar(select(Meter).where(Meter.meter_no == "E101N"))
        assert (old.active, new.replaces_id, new.room_id, new.initial) == (False, old.id, old.room_id, Decimal(0))
        final = s.scalar(select(MeterReading).where(MeterReading.meter_id == old.id, MeterReading.period == "2026-11"))
        assert (final.reading, final.source) == (Decimal(1550), "swap")
    ctx.close()
    # a final reading lower than the last one is refused, nothing changes
    assert main(["--db", db, "meter", "swap", "--meter", "E102", "--date", "2026-11-15", "--old-final", "10",
                 "--new-meter", "E102N", "--new-initial", "0"]) == 2
    assert "低于上次读数" in capsys.readouterr().err


def test_meter_read_as_a_process_against_a_simulated_meter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The installed command line (entry point `meter`) on this worktree's code, over a pty."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pty = PtyPair()
    sim = MeterSimulator(pty.fd, "cjt188")
    sim.add("00000000000201", "321.5", meter_type=0x10)
    sim.start()
    try:
        r = subprocess.run([sys.executable, "-m", "app.cli", "--db", f"sqlite:///{tmp_path / 'x.db'}", "meter", "read",
                            "--port", pty.path, "--protocol", "cjt188", "--address", "00000000000201", "--kind",
                            "water", "--json"], cwd=root, capture_output=True, text=True, timeout=120)
    finally:
        sim.stop()
        pty.close()
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"address": "00000000000201", "value": "321.50", "unit": "m3", "protocol": "cjt188"}
