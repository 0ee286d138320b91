"""The benchmarks at a small size: they run, print JSON and produce sane figures. (Full
sizes are run by hand; see README "Benchmarks".)"""

from __future__ import annotations

import json

import pytest

from tests.bench import bench_bill_run, bench_counter, bench_pay_during_bill_run


def test_bill_run_benchmark_smoke(tmp_path, capsys):
    out = bench_bill_run.main(["--rooms", "300", "--dir", str(tmp_path)])
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed == out
    assert out["lines"] == 300 * 5 and out["rerun_lines"] == 0 and out["rerun_skipped"] == 1500
    assert out["database"] == "sqlite" and out["bill_run_seconds"] > 0
    # Both raw references: a one-table database (the issue's) and the same schema.
    assert out["raw_one_table_seconds"] > 0 and out["raw_same_schema_seconds"] > 0
    assert out["ratio_one_table"] > 0 and out["ratio_same_schema"] > 0
    import sqlite3

    one = sqlite3.connect(tmp_path / "raw-one-table.db")
    try:  # the reference database holds exactly the run's lines, in a table with no index but its key
        assert one.execute("SELECT count(*) FROM bill_line").fetchone()[0] == out["lines"]
        assert [r[0] for r in one.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")] == [
            "bill_line", "sqlite_autoindex_bill_line_1"]
    finally:
        one.close()


@pytest.mark.postgres
def test_bill_run_benchmark_smoke_on_postgresql(pg_url, tmp_path, capsys):  # type: ignore[no-untyped-def]
    out = bench_bill_run.main(["--rooms", "200", "--dir", str(tmp_path), "--db", pg_url])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == out
    assert out["database"] == "postgresql" and out["lines"] == 200 * 5 and out["rerun_skipped"] == 1000
    assert out["raw_one_table_seconds"] > 0 and out["raw_same_schema_seconds"] > 0


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
# -- issue 11 (central sync): skipped only while app.central / app.services.sync are missing --

def _sync_pieces() -> None:
    pytest.importorskip("app.central", reason="issue 11: app/central/ not in this tree yet")
    pytest.importorskip("app.services.sync", reason="issue 11: app/services/sync/ not in this tree yet")


def _printed(capsys) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.postgres
def test_sync_push_benchmark_smoke(pg_url, tmp_path, capsys):  # type: ignore[no-untyped-def]
    _sync_pieces()
    from tests.bench import bench_sync_push

    out = bench_sync_push.main(["--small", "--db", pg_url, "--dir", str(tmp_path)])
    assert _printed(capsys) == out
    assert out["exactly_once"] is True, out["problem"]
    assert out["payments"] == 200 and out["pushed"] >= 200 and out["push_seconds"] > 0


@pytest.mark.postgres
def test_sync_join_benchmark_smoke(pg_url, tmp_path, capsys):  # type: ignore[no-untyped-def]
    _sync_pieces()
    from tests.bench import bench_sync_join

    out = bench_sync_join.main(["--small", "--db", pg_url, "--dir", str(tmp_path)])
    assert _printed(capsys) == out
    assert out["counter_rows"]["room"] == 300 and out["billed_months"] == 12 and out["join_seconds"] > 0


@pytest.mark.postgres
def test_sync_many_benchmark_smoke(pg_url, tmp_path, capsys):  # type: ignore[no-untyped-def]
    _sync_pieces()
    from tests.bench import bench_sync_many

    out = bench_sync_many.main(["--small", "--db", pg_url, "--dir", str(tmp_path)])
    assert _printed(capsys) == out
    assert out["lost"] == 0 and out["duplicated"] == 0 and out["exit_codes_nonzero"] == 0, out
    assert out["events_stored"] == out["events"] and out["batch_latency_p95_ms"] > 0


def test_handheld_upload_benchmark_smoke(capsys):  # type: ignore[no-untyped-def]
    from tests.bench import bench_handheld_upload

    out = bench_handheld_upload.main(["--readings", "300"])
    assert _printed(capsys) == out
    assert out["received"] == 300 and out["exact"] is True and out["payload_bytes"] > 0
    assert 0 < out["line_rate_pct"] <= 100.5 and out["wire_pct_of_line_rate"] <= 101  # paced: never above the line


def test_reports_benchmark_smoke(capsys):
    from tests.bench import bench_reports

    out = bench_reports.main(["--rooms", "40"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == out
    assert out["arrears"]["rows"] > 0 and all(out[k]["wall_s"] > 0 for k in ("collections", "arrears", "rate"))


def test_demo_benchmark_smoke(tmp_path, capsys):
    """The demo benchmark at 300 rooms: the command ran, and the floor holds every row the
    demo wrote (bill lines and allocations among them), in tables with their keys only."""
    from tests.bench import bench_demo

    out = bench_demo.main(["--rooms", "300", "--dir", str(tmp_path)])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == out
    assert out["benchmark"] == "demo" and out["demo_seconds"] > 0 and out["raw_insert_seconds"] > 0
    assert out["rows_by_table"]["bill_line"] > 300 * 3 and out["rows_by_table"]["allocation"] > 0
    assert out["rows"] >= sum(out["rows_by_table"].values()) and len(out["bill_run_seconds"]) == 12
    assert out["ratio_to_raw_insert"] > 1  # the demo does more than insert its rows
