"""A report as a file: json (the rows), xlsx (sheets with native charts) or pdf (charts and
tables). The CLI's `report --format` and the GUI's export buttons both call `write`."""

from __future__ import annotations

import json
from pathlib import Path

from app.errors import InputError
from app.services.reports.model import Report

FORMATS = ("json", "xlsx", "pdf")


def write(report: Report, fmt: str, path: str | Path, lang: str = "zh") -> Path:
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise InputError("reports.bad_format", format=fmt, known=list(FORMATS))
    out = Path(path)
    try:
        if fmt == "json":
            out.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        elif fmt == "xlsx":
            from app.printing.report_xlsx import write_xlsx

            write_xlsx(report, out, lang)
        else:
            from app.printing.report_pdf import write_pdf

            write_pdf(report, out, lang)
    except OSError as e:
        raise InputError("reports.cannot_write", file=str(out), reason=e.strerror or str(e)) from None
    return out
