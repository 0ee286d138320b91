"""Printed times follow the business time zone (app.clock), not the PC's: a counter PC left
on UTC must print 07:22 on 2 December for a receipt taken at 23:22 UTC on 1 December."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import replace
from datetime import datetime, timezone

import pytest

from app import clock
from app.printing.escpos_decode import decode, text_of
from app.printing.escpos_layout import PrinterProfile, render_escpos
from app.printing.pdf_docs import receipt_pdf, shift_report_pdf
from tests.support.printing_samples import receipt, shift_report

ISSUED_UTC = datetime(2026, 12, 1, 23, 22, 5, tzinfo=timezone.utc)


@pytest.fixture
def pc_on_utc(monkeypatch):  # type: ignore[no-untyped-def]
    """The process zone UTC, the business zone Asia/Shanghai."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    before = clock.zone()
    clock.set_zone("Asia/Shanghai")
    yield
    monkeypatch.undo()
    time.tzset()
    clock._zone = before  # restore whatever zone the session runs with


def _pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_escpos_receipt_prints_the_business_time(pc_on_utc):
    doc = replace(receipt(), issued_at=ISSUED_UTC, reprint_at=ISSUED_UTC)
    text = text_of(decode(render_escpos(doc, 80, PrinterProfile(width_mm=80))))
    assert "2026-12-02 07:22" in text and "2026-12-01 23:22" not in text


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_pdf_receipt_and_shift_report_print_the_business_time(pc_on_utc, tmp_path):
    receipt_pdf(replace(receipt(), issued_at=ISSUED_UTC), tmp_path / "r.pdf")
    text = _pdf_text(tmp_path / "r.pdf")
    assert "2026-12-02 07:22" in text and "23:22" not in text
    shift_report_pdf(replace(shift_report(), opened_at=ISSUED_UTC, closed_at=ISSUED_UTC), tmp_path / "s.pdf")
    text = _pdf_text(tmp_path / "s.pdf")
    assert "2026-12-02 07:22" in text and "23:22" not in text


def test_another_business_zone_moves_the_printed_time(pc_on_utc):
    clock.set_zone("Asia/Urumqi")  # UTC+6
    doc = replace(receipt(), issued_at=ISSUED_UTC)
    assert "2026-12-02 05:22" in text_of(decode(render_escpos(doc, 58, PrinterProfile(width_mm=58))))
