"""The benchmarks at a small size: they run, print JSON and produce sane figures. (Full
sizes are run by hand; see README "Benchmarks".)"""

from __future__ import annotations

import json

from tests.bench import bench_bill_run, bench_counter, bench_pay_during_bill_run


def test_bill_run_benchmark_smoke(tmp_path, capsys):
    out = bench_bill_run.main(["--rooms", "300", "--dir", str(tmp_path)])
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == out
    assert out["lines"] == 300 * 5 and out["rerun_lines"] == 0 and out["rerun_skipped"] == 1500
    assert out["bill_run_seconds"] > 0 and out["raw_insert_seconds"] > 0


def test_counter_benchmark_smoke(capsys):
    out = bench_counter.main(["--rooms", "150", "--queries", "100", "--payments", "5"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["benchmark"] == "counter"
    assert out["lookup"]["found"] > 50 and out["lookup"]["p95_ms"] > 0


def test_pay_during_bill_run_benchmark_smoke(tmp_path, capsys):
    out = bench_pay_during_bill_run.main(["--rooms", "300", "--counter-rooms", "5", "--baseline-s", "0",
                                          "--dir", str(tmp_path)])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == out
    assert out["lines"] == 300 * 5 and out["failures"] == 0 and out["books_ok"]
    assert out["payments"] >= 1 and out["bill_run_seconds"] > 0


def test_scan_pay_benchmark_smoke(capsys):
    from tests.bench import bench_scan_pay

    out = bench_scan_pay.main(["--payments", "5"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == out
    assert out["print_jobs"] == 5 and out["success_to_receipt_queued_ms"]["p95"] > 0
