"""Periods (YYYY-MM) and due dates."""

from __future__ import annotations

from datetime import date

import pytest

from app.domain.periods import Period, due_date


def test_parse_and_str_round_trip() -> None:
    p = Period.parse("2026-11")
    assert p == Period(2026, 11)
    assert str(p) == "2026-11"
    assert str(Period(987, 3)) == "0987-03"


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-1", "26-11", "2026/11", " 2026-11", "2026-11\n", "2026-11-01",
     "２０２６-11", "0000-01", ""],
)
def test_parse_is_strict(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)


def test_parse_refuses_non_strings() -> None:
    with pytest.raises(TypeError):
        Period.parse(202611)  # type: ignore[arg-type]


def test_constructor_validates() -> None:
    with pytest.raises(ValueError):
        Period(2026, 13)
    with pytest.raises(TypeError):
        Period(2026, True)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "period, days",
    [("2026-02", 28), ("2028-02", 29), ("2100-02", 28), ("2000-02", 29), ("2026-11", 30), ("2026-12", 31)],
)
def test_days_first_and_last_day(period: str, days: int) -> None:
    p = Period.parse(period)
    assert p.days == days
    assert p.first_day == date(p.year, p.month, 1)
    assert p.last_day == date(p.year, p.month, days)


def test_next_prev_wrap_the_year() -> None:
    assert Period(2026, 12).next() == Period(2027, 1)
    assert Period(2027, 1).prev() == Period(2026, 12)
    assert Period(2026, 5).next().prev() == Period(2026, 5)


def test_ordering_sorts_in_time() -> None:
    ps = [Period.parse(s) for s in ["2027-01", "2026-12", "2026-02", "2026-11"]]
    assert [str(p) for p in sorted(ps)] == ["2026-02", "2026-11", "2026-12", "2027-01"]
    assert Period(2026, 12) < Period(2027, 1)
    assert max(ps) == Period(2027, 1)


def test_year_periods_before() -> None:
    assert Period(2026, 1).year_periods_before() == []
    assert Period(2026, 4).year_periods_before() == [Period(2026, 1), Period(2026, 2), Period(2026, 3)]


def test_of_and_contains() -> None:
    assert Period.of(date(2026, 11, 16)) == Period(2026, 11)
    assert Period(2026, 11).contains(date(2026, 11, 30))
    assert not Period(2026, 11).contains(date(2026, 12, 1))


@pytest.mark.parametrize(
    "period, due_day, expected",
    [
        ("2026-11", 15, date(2026, 12, 15)),
        ("2026-12", 15, date(2027, 1, 15)),  # the month after December is next January
        ("2027-01", 31, date(2027, 2, 28)),  # clamped to February's length
        ("2028-01", 31, date(2028, 2, 29)),  # leap year
        ("2026-03", 31, date(2026, 4, 30)),
        ("2026-04", 31, date(2026, 5, 31)),
        ("2026-01", 29, date(2026, 2, 28)),
        ("2026-11", 1, date(2026, 12, 1)),
    ],
)
def test_due_date(period: str, due_day: int, expected: date) -> None:
    assert due_date(Period.parse(period), due_day) == expected


@pytest.mark.parametrize("bad", [0, 32, -1])
def test_due_day_out_of_range(bad: int) -> None:
    with pytest.raises(ValueError, match="due_day"):
        due_date(Period(2026, 11), bad)
