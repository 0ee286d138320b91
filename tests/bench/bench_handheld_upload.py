"""Benchmark: a handheld upload of 10,000 readings at 115200 8N1 (issue 13, target ≥ 85 % of
the line rate in payload bytes). The counter opens one end of a real pty pair with pyserial
(the driver's code path); the simulated handheld on the other end paces its bytes at the line
rate, 11,520 B/s, like a UART (drivers/handheld/link.py PacedPort). Payload bytes are the
reading records only (no frame headers, CRCs, sequence numbers, session frames or ACKs);
seconds run from the upload request to the end frame. The readings received are compared
with those sent, one by one.

By default the simulator runs on a thread of this process on the master end of
`os.openpty()`. With --socat it runs as `propdesk handheld simulate --pace` in its own process
on one end of a socat pty pair (two named ends), the counter on the other.

    .venv/bin/python -m tests.bench.bench_handheld_upload --readings 10000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tty
from decimal import Decimal
from pathlib import Path

from drivers.handheld import frames as F
from drivers.handheld import simulator as S
from drivers.handheld.dock import Dock

ROOT = Path(__file__).resolve().parents[2]
PERIOD = "2026-11"
TARGET_PCT = 85.0


def make_readings(n: int) -> list[tuple[str, F.ReadingRecord]]:
    """A meter reader's day: water meters 6 digits with one decimal, five readers."""
    readers = ["王师傅", "李师傅", "张师傅", "刘师傅", "陈师傅"]
    return [(PERIOD, F.ReadingRecord(f"W{i:07d}", Decimal(f"{1000 + i * 7 % 90000}.{i % 10}"),
                                     None, readers[i % 5])) for i in range(n)]


def _thread_run(rows: list, rate: float, state: Path) -> tuple:  # type: ignore[type-arg]
    master, slave = os.openpty()
    tty.setraw(slave)
    hh = S.Handheld(readings=rows)
    t, stop = S.start_thread(hh, S.FdPort(master), pace=rate)
    try:
        with Dock.open(os.ttyname(slave), state_dir=state) as d:
            d.hello()
            up = d.upload(PERIOD)
            d.commit()
        return up, {**hh.link.stats, "wire_bytes": getattr(hh.link.port, "written", 0)}
    finally:
        stop.set()
        t.join(5)
        os.close(master)
        os.close(slave)


def _socat_run(rows: list, state: Path, tmp: Path) -> tuple:  # type: ignore[type-arg]
    a, b = tmp / "counter-end", tmp / "handheld-end"
    socat = subprocess.Popen(["socat", f"pty,raw,echo=0,link={a}", f"pty,raw,echo=0,link={b}"],
                             stderr=subprocess.DEVNULL)
    csv_file = tmp / "readings.csv"
    with open(csv_file, "w", encoding="utf-8") as fh:
        fh.write("meter_no,period,reading,read_at,reader\n")
        fh.writelines(f"{r.meter_no},{p},{r.reading},,{r.reader}\n" for p, r in rows)
    sim = None
    try:
        for _ in range(500):
            if a.exists() and b.exists():
                break
            time.sleep(0.01)  # waiting for socat to create its links, not timing anything
        sim = subprocess.Popen([sys.executable, "-m", "app.cli", "--db", f"sqlite:///{tmp / 'sim.db'}", "handheld",
                                "simulate", "--port", str(b), "--readings", str(csv_file), "--pace"],
                               cwd=ROOT, stderr=subprocess.PIPE, text=True)
        assert sim.stderr is not None and "ready" in sim.stderr.readline()
        with Dock.open(str(a), state_dir=state) as d:
            d.hello()
            up = d.upload(PERIOD)
            d.commit()
        return up, {}
    finally:
        for p in (sim, socat):
            if p is not None:
                p.terminate()
                p.wait(10)


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readings", type=int, default=10_000)
    ap.add_argument("--baud", type=int, default=115200)
    ap.add_argument("--socat", action="store_true", help="simulator in its own process over a socat pty pair")
    args = ap.parse_args(argv)
    rate = args.baud / 10  # 8N1: start + 8 data + stop bits per byte
    rows = make_readings(args.readings)
    with tempfile.TemporaryDirectory(prefix="propdesk-hh-bench-") as tmp:
        if args.socat:
            if not shutil.which("socat"):
                raise SystemExit("--socat needs socat on the PATH")
            up, stats = _socat_run(rows, Path(tmp) / "state", Path(tmp))
        else:
            up, stats = _thread_run(rows, rate, Path(tmp) / "state")
    exact = [(PERIOD, r) for r in up.readings] == rows
    payload_bps = up.bytes / up.seconds
    out = {
        "benchmark": "handheld_upload",
        "mode": "socat-subprocess" if args.socat else "openpty-thread",
        "readings": args.readings,
        "received": len(up.readings),
        "exact": exact,
        "payload_bytes": up.bytes,
        "seconds": round(up.seconds, 3),
        "payload_bytes_per_s": round(payload_bps, 1),
        "line_rate_bytes_per_s": rate,
        "line_rate_pct": round(100 * payload_bps / rate, 2),
        "target_pct": TARGET_PCT,
        "met": exact and 100 * payload_bps / rate >= TARGET_PCT,
        "resent_frames": stats.get("resent", 0),
    }
    if stats.get("wire_bytes"):  # everything the simulator put on the line (frames, session, ACK-less)
        out["wire_bytes"] = stats["wire_bytes"]
        out["wire_pct_of_line_rate"] = round(100 * stats["wire_bytes"] / up.seconds / rate, 2)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
