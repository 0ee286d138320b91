"""Benchmark: ESC/POS receipt rendering and bulk bill-notice PDFs.

    .venv/bin/python -m tests.bench.bench_printing --rooms 1000

Renders a 12-line split-tender receipt N times (native QR, and raster QR for the printers that
need it) and writes one PDF of bill notices for --rooms rooms. Prints one JSON document.
Targets: receipt median and p95 <= 20 ms; 1,000 notices <= 10 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.printing.fonts import pdf_font
from app.printing.pdf_docs import bill_notice_pdf
from tests.bench.scratch import scratch_dir
from tests.support.printing_samples import bill_notice, receipt_12_lines


def _ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"median_ms": round(statistics.median(ordered) * 1000, 3), "p95_ms": round(p95 * 1000, 3)}


def bench_receipts(n: int, profile: PrinterProfile) -> dict[str, float]:
    doc = receipt_12_lines()
    render_escpos(doc, profile=profile)  # warm-up: imports, capability tables
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        render_escpos(doc, profile=profile)
        times.append(time.perf_counter() - t0)
    return {**_ms(times), "bytes": len(render_escpos(doc, profile=profile))}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--renders", type=int, default=200)
    ap.add_argument("--rooms", type=int, default=1000)
    ap.add_argument("--dir", default=None)
    args = ap.parse_args(argv)
    with scratch_dir(args.dir) as out_dir:
        native = bench_receipts(args.renders, PrinterProfile())
        raster = bench_receipts(args.renders, PrinterProfile(qr="image", width_mm=80))
        notices = [bill_notice(i) for i in range(args.rooms)]
        t0 = time.perf_counter()
        pdf_font()  # font loading is once per process; report it apart from the per-page cost
        font_s = time.perf_counter() - t0
        path = out_dir / "bill_notices.pdf"
        t0 = time.perf_counter()
        bill_notice_pdf(notices, path)
        pdf_s = time.perf_counter() - t0
        out = {
            "benchmark": "printing",
            "receipt_12_lines_58mm_native_qr": {"renders": args.renders, **native},
            "receipt_12_lines_80mm_raster_qr": {"renders": args.renders, **raster},
            "bill_notices_pdf": {"rooms": args.rooms, "seconds": round(pdf_s, 3), "font_load_seconds": round(font_s, 3),
                                 "ms_per_room": round(pdf_s * 1000 / max(1, args.rooms), 2),
                                 "bytes": path.stat().st_size},
            "target": {"receipt_p95_ms": 20, "bill_notices_1000_rooms_seconds": 10},
        }
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
