"""Late fees: days after due and grace, rate, single rounding, cap."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from app.domain.late_fee import late_fee

DUE = date(2026, 12, 15)
RATE = D("0.0003")  # 万分之三 per day


def test_thirty_days_no_grace() -> None:
    fee, detail = late_fee(10000, DUE, date(2027, 1, 14), RATE)
    assert fee == 90  # 100.00 × 0.0003 × 30 = 0.90
    assert detail == {
        "principal_fen": 10000, "daily_rate": "0.0003", "days": 30, "grace_days": 0, "cap_ratio": "1",
        "cap_fen": 10000, "capped": False, "exact": "0.9000", "rounding": "fen_half_up",
        "as_of": "2027-01-14", "due_date": "2026-12-15",
    }


def test_grace_days_are_taken_off() -> None:
    fee, detail = late_fee(10000, DUE, date(2027, 1, 14), RATE, grace_days=10)
    assert (fee, detail["days"]) == (60, 20)


@pytest.mark.parametrize("as_of", [date(2026, 12, 1), DUE, date(2026, 12, 25)])
def test_nothing_before_due_or_within_grace(as_of: date) -> None:
    fee, detail = late_fee(10000, DUE, as_of, RATE, grace_days=10)
    assert (fee, detail["days"]) == (0, 0)


def test_cap_hit() -> None:
    fee, detail = late_fee(10000, DUE, date(2027, 7, 3), D("0.01"))  # 200 days × 1% = 200%
    assert fee == 10000
    assert detail["capped"] is True and detail["cap_fen"] == 10000 and detail["days"] == 200


def test_cap_ratio_is_rounded_down_to_the_fen() -> None:
    # cap = 100.01 × 0.5 = 50.005 -> 50.00 (never above the ratio), though the fee is half-up.
    fee, detail = late_fee(10001, DUE, date(2029, 1, 1), D("0.01"), cap_ratio=D("0.5"))
    assert detail["cap_fen"] == 5000 and fee == 5000 and detail["capped"] is True


def test_cap_exactly_reached_is_not_marked_capped() -> None:
    fee, detail = late_fee(10000, DUE, date(2027, 1, 4), D("0.05"), cap_ratio=D("1"))  # 20 × 5%
    assert (fee, detail["capped"]) == (10000, False)


def test_fee_is_rounded_once_by_the_given_mode() -> None:
    args = (12500, DUE, date(2026, 12, 16), D("0.00001"))  # 125.00 × 0.00001 × 1 = 0.00125
    assert late_fee(*args)[0] == 0
    args = (50000, DUE, date(2026, 12, 16), D("0.00025"))  # 500 × 0.00025 = 0.125
    assert late_fee(*args)[0] == 13
    assert late_fee(*args, rounding="fen_half_even")[0] == 12
    assert late_fee(*args, rounding="fen_down")[0] == 12
    assert late_fee(*args, rounding="jiao_half_up")[0] == 10


def test_zero_principal() -> None:
    assert late_fee(0, DUE, date(2027, 6, 1), RATE)[0] == 0


@pytest.mark.parametrize(
    "kwargs, exc",
    [
        ({"unpaid_principal_fen": -1}, ValueError),
        ({"unpaid_principal_fen": D(1)}, TypeError),
        ({"grace_days": -1}, ValueError),
        ({"daily_rate": D("-0.1")}, ValueError),
        ({"daily_rate": 0.0003}, TypeError),
        ({"cap_ratio": D("-1")}, ValueError),
        ({"as_of": datetime(2027, 1, 1, 12)}, TypeError),
        ({"rounding": "banker"}, ValueError),
    ],
)
def test_rejects(kwargs: dict, exc: type) -> None:
    args = {"unpaid_principal_fen": 100, "due": DUE, "as_of": date(2027, 1, 1), "daily_rate": RATE} | kwargs
    with pytest.raises(exc):
        late_fee(**args)
