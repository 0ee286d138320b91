"""The benchmarks at a small size: they run, print JSON and produce sane figures. (Full
sizes are run by hand; see README "Benchmarks".)"""

from __future__ import annotations

import json

from tests.bench import bench_bill_run, bench_counter


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
