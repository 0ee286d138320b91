"""`propdesk import rooms|meters|readings|fee-items FILE [--rollover METER_NO,...]`"""

from __future__ import annotations

import argparse

from app.cli import Result, command
from app.config import Settings
from app.context import AppContext
from app.services.imports.kinds import KINDS


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=KINDS, help="what the file holds")
    p.add_argument("file", help="CSV (UTF-8) or XLSX; fee-items: JSON")
    p.add_argument("--rollover", default="", metavar="METER_NO[,METER_NO...]",
                   help="readings: confirm that these meters' registers rolled over (a lower reading is "
                        "rejected otherwise)")


@command("import", "import rooms, meters, readings or fee items from a file (all or nothing)", _args)
def run(settings: Settings, args: argparse.Namespace) -> Result:
    from app.services.imports import import_file  # here: the importers load pypinyin and openpyxl

    ctx = AppContext.open(settings.db_url, settings.terminal, settings.user)
    try:
        counts = import_file(ctx, args.kind, args.file, user=settings.user, terminal=settings.terminal,
                             rollover=[m for m in args.rollover.split(",") if m.strip()])
    finally:
        ctx.close()
    text = (f"导入 imported {counts['kind']}: {counts['rows']} 行 rows — 新增 created {counts['created']}, "
            f"更新 updated {counts['updated']}, 未变 unchanged {counts['unchanged']}")
    return Result(counts, text)
