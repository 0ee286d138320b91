"""`propdesk meter read|collect|swap` (issue 13), registered through the propdesk.commands entry
point (the protocols live in drivers/, which app never imports)."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal

from app.cli import Result, command
from app.cli.common import in_uow, parse_day
from app.config import Settings
from app.errors import InputError, Msg
from drivers.meters.reader import KINDS, PROTOCOLS, check_protocol
from drivers.serial.line import BAUDS, METER_LINE


def _meter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["read", "collect", "swap"])
    p.add_argument("--port", help="serial port: COM3, /dev/ttyUSB0, a pty path (read, collect)")
    p.add_argument("--protocol", help="dlt645 (electricity) | cjt188 (water, heat, gas)")
    p.add_argument("--address", help="meter address (read): 12 digits for dlt645 (AAAAAAAAAAAA: the only meter), "
                                     "14 for cjt188")
    p.add_argument("--kind", default="water", help=f"cjt188 meter kind: {', '.join(KINDS)}")
    p.add_argument("--baud", type=int, help=f"baud rate (default 2400; one of {', '.join(map(str, BAUDS))})")
    p.add_argument("--parity", choices=["N", "E", "O"], help="parity (default E)")
    p.add_argument("--timeout", type=float, help="seconds to wait for a meter's answer (default 1.5)")
    p.add_argument("--retries", type=int, help="further tries per meter (default 2)")
    p.add_argument("--period", help="YYYY-MM the readings close (collect)")
    p.add_argument("--community", help="community name or code (collect)")
    p.add_argument("--building", help="building name (collect)")
    p.add_argument("--meter", help="the meter taken out (swap)")
    p.add_argument("--date", help="swap date YYYY-MM-DD (swap)")
    p.add_argument("--old-final", help="the old meter's final reading (swap)")
    p.add_argument("--new-meter", help="the new meter's number (swap)")
    p.add_argument("--new-initial", help="the new meter's initial reading (swap)")
    p.add_argument("--digits", type=int, help="the new meter's register digits (swap; default: the old one's)")


def _need(args: argparse.Namespace, *names: str) -> None:
    for n in names:
        if getattr(args, n.replace("-", "_")) in (None, ""):
            raise InputError("input.required", field=f"--{n}")


def _line(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from drivers.serial.line import SerialLine

    settings = METER_LINE.with_(baudrate=args.baud, parity=args.parity, timeout=args.timeout, retries=args.retries)
    return SerialLine(args.port, settings)


@command("meter", "read meters over a serial line (DL/T 645-2007, CJ/T 188-2004), collect a line's readings, "
                  "record a meter swap", _meter_args)
def run_meter(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action == "read":
        return _read(args)
    if args.action == "collect":
        return _collect(settings, args)
    return _swap(settings, args)


def _read(args: argparse.Namespace) -> Result:
    from drivers.meters.reader import read_meter

    _need(args, "port", "protocol", "address")
    check_protocol(args.protocol)
    with _line(args) as line:
        v = read_meter(line, args.protocol, args.address, args.kind)
    return Result(v.as_json(), f"表 meter {v.address}: {v.value} {v.unit} ({v.protocol})")


def _collect(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services import meter_intake
    from drivers.meters.collect import Target, read_line

    _need(args, "port", "protocol", "period")
    protocol = check_protocol(args.protocol)
    if meter_intake.parse_period(args.period) is None:
        raise InputError("meters.bad_period", value=args.period)

    def targets(s):  # type: ignore[no-untyped-def]
        return [Target(m.meter_no, m.address, m.kind)
                for m in meter_intake.meters_in_scope(s, args.community, args.building)
                if m.address and m.protocol == protocol]

    todo = in_uow(settings, targets)
    if not todo:
        raise InputError("meters.nothing_to_collect", protocol=protocol)

    def progress(done: int, total: int, meter_no: str, error: str | None) -> None:
        print(f"[{done}/{total}] {meter_no} " + ("✓" if error is None else f"✗ {error}"), file=sys.stderr, flush=True)

    with _line(args) as line:
        got = read_line(line, protocol, todo, progress)
    items = [meter_intake.ReadingIn(no, Decimal(v)) for no, v in got.values.items()]
    res = in_uow(settings, lambda s: meter_intake.record_readings(
        s, user=settings.user, terminal=settings.terminal, period=args.period, items=items, source="meter"))
    failed = [{"meter_no": f["meter_no"], "error": f["error_text"], "code": f["error"]} for f in got.failed]
    failed += [{"meter_no": r["meter_no"], "error": r["reason_text"], "code": r["reason"]} for r in res.rejected]
    doc = {"read": len(got.values), "failed": failed, "flagged": len(res.flagged), "accepted": res.accepted,
           "unchanged": res.unchanged, "flagged_readings": res.flagged}
    lines = [f"已抄 read {len(got.values)}/{len(todo)}，入账 accepted {res.accepted}，"
             f"待审核 flagged {len(res.flagged)}，失败 failed {len(failed)}"]
    lines += [f"  ✗ {f['meter_no']}: {f['error']}" for f in failed]
    lines += [f"  ⚑ {f['meter_no']}: {f['reason_text']}" for f in res.flagged]
    return Result(doc, "\n".join(lines))


def _swap(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services import meter_review

    _need(args, "meter", "date", "old-final", "new-meter", "new-initial")
    day = parse_day(args.date, Msg.of("meters.field_date"))
    r = in_uow(settings, lambda s: meter_review.swap(
        s, user=settings.user, terminal=settings.terminal, meter_no=args.meter, day=day, old_final=args.old_final,
        new_meter_no=args.new_meter, new_initial=args.new_initial, digits=args.digits))
    return Result(r, f"已换表 swapped {r['meter']} → {r['new_meter']} ({r['date']})：旧表止码 {r['old_final']}，"
                     f"新表起码 {r['new_initial']}")
