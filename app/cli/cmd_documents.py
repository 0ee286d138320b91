"""`propdesk receipt`, `verify`, `print-notices`, `print-arrears`: documents as files."""

from __future__ import annotations

import argparse
from pathlib import Path

from app import clock
from app.cli import Result, command
from app.cli.common import in_uow, parse_day, yuan_option
from app.config import Settings
from app.errors import InputError
from app.money import fen_to_yuan_str


def _receipt_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("receipt_no")
    p.add_argument("--format", choices=["escpos", "pdf", "png"], default="escpos",
                   help="escpos: the bytes a thermal printer gets; png: a picture of what it prints; pdf: A5")
    p.add_argument("--width", type=int, choices=[58, 80], default=58, help="thermal paper width (escpos)")
    p.add_argument("--encoding", choices=["gb18030", "utf-8"], default="gb18030", help="printer text encoding")
    p.add_argument("--reprint", action="store_true", help="mark as a reprint (重打) with the time now")
    p.add_argument("-o", "--output", required=True, help="file to write")


@command("receipt", "render a receipt as ESC/POS bytes, a picture of the printed roll (PNG) or an A5 PDF",
         _receipt_args)
def run_receipt(settings: Settings, args: argparse.Namespace) -> Result:
    from app.printing.escpos_layout import PrinterProfile, render_escpos
    from app.printing.pdf_receipt import receipt_pdf
    from app.services.receipts import receipt_doc

    doc = in_uow(settings, lambda s: receipt_doc(s, args.receipt_no, reprint_at=clock.now() if args.reprint else None))
    out = Path(args.output)
    if args.format == "pdf":
        receipt_pdf(doc, out)
    else:
        data = render_escpos(doc, args.width, PrinterProfile(encoding=args.encoding, width_mm=args.width))
        if args.format == "png":
            from app.printing.escpos_preview import render_png

            data = render_png(data, args.width, args.encoding)
        out.write_bytes(data)
    return Result({"receipt_no": doc.receipt_no, "format": args.format, "file": str(out), "bytes": out.stat().st_size,
                   "status": doc.status}, f"已生成 wrote {out} ({doc.receipt_no}, {doc.status})")


def _verify_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("payload", help="the text of a scanned receipt QR (PD1|…)")


@command("verify", "is a scanned receipt genuine? shows the receipt on record", _verify_args)
def run_verify(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services.receipts import verify

    r = in_uow(settings, lambda s: verify(s, args.payload))
    if r["genuine"]:
        rec = r.get("record")
        text = f"真 GENUINE {r['receipt_no']} {fen_to_yuan_str(r['total_fen'])} 元 " + (
            f"{rec['room']} {rec['status']}" if rec else "(not in this database yet)")
    else:
        text = f"假/无效 NOT GENUINE: {r['reason']}"
    return Result(r, text)


def _notice_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--period", required=True)
    p.add_argument("--community")
    p.add_argument("--building")
    p.add_argument("--as-of", help="late fees and arrears as of this day (default today)")
    p.add_argument("-o", "--output", required=True, help="PDF file")


@command("print-notices", "bill notices (缴费通知单) of a period as one PDF", _notice_args)
def run_notices(settings: Settings, args: argparse.Namespace) -> Result:
    from app.printing.pdf_notices import bill_notice_pdf
    from app.services.notices import bill_notices

    as_of = parse_day(args.as_of, "--as-of")
    notices = in_uow(settings, lambda s: bill_notices(s, args.period, as_of=as_of, building=args.building,
                                                      community=args.community))
    if not notices:
        raise InputError("cli.no_notices", period=args.period)
    bill_notice_pdf(notices, args.output)
    return Result({"notices": len(notices), "file": args.output}, f"已生成 {len(notices)} 份通知单 → {args.output}")


def _arrears_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--community")
    p.add_argument("--building")
    p.add_argument("--rooms", help="room keys, comma-separated")
    p.add_argument("--min", default="0.01", help="only rooms owing at least this (yuan)")
    p.add_argument("--as-of")
    p.add_argument("-o", "--output", required=True, help="PDF file")


@command("print-arrears", "arrears notices (催缴通知单) in bulk as one PDF", _arrears_args)
def run_arrears(settings: Settings, args: argparse.Namespace) -> Result:
    from app.printing.pdf_notices import arrears_notice_pdf
    from app.services.notices import arrears_notices

    min_fen = yuan_option(args.min, "--min")
    as_of = parse_day(args.as_of, "--as-of")
    keys = [k.strip() for k in args.rooms.split(",")] if args.rooms else None
    rows = in_uow(settings, lambda s: arrears_notices(s, as_of=as_of, building=args.building, community=args.community,
                                                      room_keys=keys, min_fen=max(1, min_fen)))
    if not rows:
        raise InputError("cli.no_arrears")
    arrears_notice_pdf(rows, args.output)
    total = sum(r.total_fen for r in rows)
    return Result({"notices": len(rows), "total_fen": total, "file": args.output},
                  f"已生成 {len(rows)} 份催缴通知单, 合计 {fen_to_yuan_str(total)} 元 → {args.output}")
