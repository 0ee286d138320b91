"""The day-close benchmark at a small size: it runs, prints its JSON line and every
statement line is matched but the deliberate ones (one in 500 with another amount)."""

from __future__ import annotations

import json

from tests.bench import bench_day_close


def test_day_close_benchmark_smoke(capsys):
    out = bench_day_close.main(["--payments", "600", "--limit", "60"])
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1]) == out
    assert out["statement_lines"] == 600 and out["matched"] == 598 and out["unmatched"] == 2
    assert out["seconds"] > 0 and out["ok"]
