"""Receipt data refuses what would print a receipt that disagrees with itself."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from app.printing.amount_words import yuan_capital
from app.printing.receipt_doc import ReceiptLine, ReceiptTender, format_local
from tests.support.printing_samples import ISSUED, receipt


def test_sample_is_consistent_and_prints_beijing_time():
    doc = receipt()
    assert doc.total_fen == 30514 and doc.change_fen == 9486
    assert format_local(doc.issued_at) == "2026-11-24 14:30:05"


@pytest.mark.parametrize("change, error", [
    (dict(total_fen=30000), "lines add up"),
    (dict(tenders=[ReceiptTender("cash", 100)]), "tenders add up"),
    (dict(change_fen=1), "change"),
    (dict(issued_at=datetime(2026, 11, 24, 14, 30)), "timezone-aware"),
    (dict(kind="gift"), "unknown receipt kind"),
    (dict(status="void"), "void_reason"),
    (dict(cash_received_fen=None), "change without cash"),
])
def test_inconsistent_receipts_are_refused(change, error):
    with pytest.raises(ValueError) as e:
        replace(receipt(), **change)
    assert error.lower() in e.value.text("en").lower()


def test_money_is_never_float():
    with pytest.raises(TypeError):
        ReceiptLine("水费", "2026-10", 35.6)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        replace(receipt(), change_fen=True)
    with pytest.raises(ValueError) as e:
        ReceiptTender("bitcoin", 1)
    assert "Unknown tender method" in e.value.text("en")
    assert ISSUED.tzinfo is not None


@pytest.mark.parametrize("fen, words", [
    (0, "零元整"), (5, "伍分"), (10, "壹角整"), (100, "壹元整"), (1205, "壹拾贰元零伍分"), (16500, "壹佰陆拾伍元整"),
    (100050, "壹仟元伍角整"), (10000100, "壹拾万零壹元整"), (123456789, "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分"),
    (10203040506, "壹亿零贰佰零叁万零肆佰零伍元零陆分"), (-100, "负壹元整"),
])
def test_capital_numerals(fen, words):
    assert yuan_capital(fen) == words
