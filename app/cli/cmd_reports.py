"""`propdesk report collections|arrears|rate|tenders [--from D --to D] [--community C]
--format xlsx|pdf|json -o FILE` (docs/reports.md)."""

from __future__ import annotations

import argparse
import os

from app.cli import Result, command
from app.cli.common import in_uow, parse_day
from app.config import Settings
from app.errors import InputError
from app.messages import yuan

FORMATS = ("json", "xlsx", "pdf")  # app.services.reports.export.FORMATS (imported when run: CLI start-up stays light)


def _args(p: argparse.ArgumentParser) -> None:
    # The kinds are checked by the registry (app.services.reports.KINDS) when run; not imported
    # here so that building the parser stays light for every other command.
    p.add_argument("kind", help="collections: 实收; arrears: 欠费账龄; rate: 收缴率; tenders: 收款方式汇总")
    p.add_argument("--from", dest="start", help="first business day (default: the kind's usual range)")
    p.add_argument("--to", dest="end", help="last business day (default today)")
    p.add_argument("--community", help="one community by name (default all)")
    p.add_argument("--format", default="json", help="json (rows), xlsx (sheets with charts), pdf (charts and tables)")
    p.add_argument("-o", "--output", required=True, help="file to write")


@command("report", "reports with charts: collections, arrears aging, collection rate, income by tender", _args)
def run_report(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services import reports
    from app.services.reports.export import write

    fmt = (args.format or "").strip().lower()
    if fmt not in FORMATS:
        raise InputError("reports.bad_format", format=args.format, known=list(FORMATS))
    start = parse_day(args.start, "--from") if args.start else None
    end = parse_day(args.end, "--to") if args.end else None
    report = in_uow(settings, lambda s: reports.run(s, settings.user, args.kind, start=start, end=end,
                                                    community=args.community))
    # The file speaks the CLI's language: Chinese, or English with --lang en.
    lang = getattr(args, "lang", None) or os.environ.get("PROPDESK_LANG") or "zh"
    write(report, fmt, args.output, "en" if lang == "en" else "zh")
    doc = report.as_json()
    first = report.sections[0]
    total = next((first.totals[k] for k in ("amount_fen", "total_fen", "billed_fen") if k in first.totals), None)
    summary = f"{len(first.rows)} 行 rows" + (f", 合计 total {yuan(total)}" if total is not None else "")
    return Result({**doc, "file": args.output, "format": fmt},
                  f"已生成 wrote {args.output} ({args.kind}, {doc['from']}…{doc['to']}: {summary})")
