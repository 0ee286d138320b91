"""The printing benchmark runs end to end at a tiny size (the real run: --rooms 1000)."""

from __future__ import annotations

from tests.bench.bench_printing import main


def test_bench_printing_smoke(tmp_path, capsys):
    out = main(["--renders", "5", "--rooms", "3", "--dir", str(tmp_path)])
    assert out["bill_notices_pdf"]["rooms"] == 3 and (tmp_path / "bill_notices.pdf").stat().st_size > 10_000
    assert out["receipt_12_lines_58mm_native_qr"]["p95_ms"] > 0
    assert '"benchmark": "printing"' in capsys.readouterr().out
