"""`propdesk handheld download|upload|simulate` (issue 13): the meter reader's handheld (抄表机)
in its dock (docs/handheld-protocol.md). Registered through the propdesk.commands entry point."""

from __future__ import annotations

import argparse
import sys
import time

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from drivers.handheld.dock import BAUD


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ~10 times a second."""

    def __init__(self, label: str, stream=None) -> None:  # type: ignore[no-untyped-def]
        self.label, self.stream, self._at, self._last = label, stream or sys.stderr, 0.0, (-1, -1)

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if (done, total) == self._last or (done < total and now - self._at < 0.1):
            return
        self._at, self._last = now, (done, total)
        width = 30
        fill = width * done // total if total else width
        self.stream.write(f"\r{self.label} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}")
        self.stream.flush()

    def end(self) -> None:
        if self._last != (-1, -1):
            self.stream.write("\n")
            self.stream.flush()


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["download", "upload", "simulate"])
    p.add_argument("--port", required=True, help="serial port of the dock (COM3, /dev/ttyUSB0, a pty)")
    p.add_argument("--period", help="download/upload: the reading period YYYY-MM")
    p.add_argument("--community", help="download: only this community (name or code)")
    p.add_argument("--building", help="download: only this building")
    p.add_argument("--baud", type=int, default=BAUD, help=f"line speed (default {BAUD}, 8N1)")
    p.add_argument("--timeout", type=float, default=1.0, help="seconds without an answer before a resend (default 1)")
    sim = p.add_argument_group("simulate (the handheld end, for tests and the demo)")
    sim.add_argument("--readings", help="readings CSV (meter_no, period, reading, read_at, reader)")
    sim.add_argument("--device", default="HH-SIM-0001", help="the simulated handheld's id")
    sim.add_argument("--leak", action="append", default=[], help="made-up readings: this meter shows a leak")
    sim.add_argument("--pace", action="store_true", help="send no faster than the line rate (baud/10 bytes/s)")
    sim.add_argument("--cut-after", type=int, help="cut the line once after this many reading bytes (tests)")


@command("handheld", "meter reader's handheld (抄表机) in its dock: download a route, upload readings, or simulate one",
         _args)
def run_handheld(settings: Settings, args: argparse.Namespace) -> Result:
    from app.errors import InputError
    from drivers.handheld import station

    if args.action == "simulate":
        return _simulate(args)
    if not args.period:
        raise InputError("handheld.period_needed")
    db = lambda fn: in_uow(settings, fn)  # noqa: E731
    state = station.state_dir(settings.db_url)
    if args.action == "download":
        bar = ProgressBar("下载路线 route")
        try:
            out = station.download(db, user=settings.user, port=args.port, period=args.period,
                                   community=args.community, building=args.building, baud=args.baud,
                                   timeout=args.timeout, on_progress=bar, state=state)
        finally:
            bar.end()
        return Result(out, f"已下载 {out['sent']} 块表到抄表机 {out['device']}  route of {out['sent']} meters sent")
    bar = ProgressBar("上传读数 readings")
    try:
        out = station.upload(db, user=settings.user, terminal=settings.terminal, port=args.port,
                             period=args.period, state=state, baud=args.baud, timeout=args.timeout, on_progress=bar)
    finally:
        bar.end()
    text = (f"收到 {out['received']} 条：有效 {out['accepted']}，待审核 {out['flagged']}，退回 {out['rejected']}"
            f"  received {out['received']}: accepted {out['accepted']}, flagged {out['flagged']}, "
            f"rejected {out['rejected']} ({out['bytes']} bytes in {out['seconds']} s)")
    for f in out["flagged_readings"] + out["rejected_readings"]:
        text += f"\n  {f['meter_no']} {f['reading']}: {f['reason_text']}"
    return Result(out, text)


def _simulate(args: argparse.Namespace) -> Result:
    from drivers.handheld import simulator as S
    from drivers.handheld.dock import open_port

    hh = S.Handheld(device_id=args.device, leaks=set(args.leak), cut_after=args.cut_after,
                    readings=S.read_readings_csv(args.readings) if args.readings else None)
    port = open_port(args.port, baud=args.baud)
    sys.stderr.write(f"抄表机模拟器就绪 handheld simulator ready on {args.port}\n")
    sys.stderr.flush()
    try:
        S.serve_port(hh, port, pace=args.baud / 10 if args.pace else None, timeout=args.timeout)
    except KeyboardInterrupt:
        pass
    finally:
        port.close()
    return Result({"sessions": hh.sessions}, "抄表机模拟器已停止 simulator stopped")
