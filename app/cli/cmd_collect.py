"""`propdesk collect export --bank LAYOUT --period P -o FILE` / `collect import FILE`:
bank direct debit (托收), docs/bank-collection.md."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli import Result, command
from app.cli.common import in_uow
from app.config import Settings
from app.errors import InputError
from app.messages import yuan


def _args(p: argparse.ArgumentParser) -> None:
    from app.services.collect.layouts import LAYOUTS

    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", nargs="?", help="import: the bank's return file (回盘文件)")
    p.add_argument("--bank", help=f"export: the bank file layout ({', '.join(LAYOUTS)})")
    p.add_argument("--period", help="export: the billing period YYYY-MM")
    p.add_argument("--community", help="export: one community by name (default all)")
    p.add_argument("-o", "--output", help="export: the debit file to write")


@command("collect", "bank direct debit (托收): export a debit batch, import the bank's return file", _args)
def run_collect(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services.cashier.payments import Counter
    from app.services.collect.batches import export_batch, import_return

    if args.action == "export":
        for option, value in (("--bank", args.bank), ("--period", args.period), ("-o", args.output)):
            if not value:
                raise InputError("reports.option_required", option=option, command="collect export")
        out = Path(args.output)

        def run(s):  # type: ignore[no-untyped-def]
            result, data = export_batch(s, settings.user, args.bank, args.period, community=args.community)
            try:  # written inside the unit of work: no stored batch without its file
                out.write_bytes(data)
            except OSError as e:
                raise InputError("reports.cannot_write", file=str(out), reason=e.strerror or str(e)) from None
            return result

        r = in_uow(settings, run)
        return Result({**r, "file": str(out)},
                      f"已导出托收批次 exported batch {r['batch']}: {r['rows']} 笔, {yuan(r['total_fen'])} 元 → {out}")
    if not args.file:
        raise InputError("reports.option_required", option="FILE", command="collect import")
    try:
        data = Path(args.file).read_bytes()
    except OSError as e:
        raise InputError("collect.file_unreadable", file=args.file, reason=e.strerror or str(e)) from None
    r = in_uow(settings, lambda s: import_return(s, Counter(settings.terminal, settings.user), data))
    return Result(r, f"回盘入账 batch {r['batch']}: 成功 paid {r['paid']}, 失败 failed {r['failed']}")
