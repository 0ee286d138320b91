"""app.domain.reading_checks: the verdict on one reading (no database)."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from app.domain.reading_checks import check_reading, history_usages, median

TEN = [D(10)] * 6


def v(current, previous, digits=6, history=TEN, occupied=False, multiplier=D(1)):  # type: ignore[no-untyped-def]
    return check_reading(meter="M", current=D(current), previous=D(previous), digits=digits, history=history,
                         occupied=occupied, multiplier=multiplier)


def test_plain_usage_is_valid() -> None:
    r = v(110, 100)
    assert (r.status, r.usage, r.rollover, r.reason) == ("valid", D(10), False, None)


def test_multiplier_scales_usage_not_the_judgement() -> None:
    r = v(110, 100, multiplier=D(80))
    assert (r.status, r.usage) == ("valid", D(800))


def test_leak_is_strictly_above_three_medians() -> None:
    assert v(130, 100).status == "valid"  # exactly 3×
    r = v("130.01", 100)
    assert (r.status, r.reason, r.params["median"], r.params["months"]) == ("flagged", "meters.leak", "10", 6)


def test_no_leak_judgement_without_three_months_or_with_a_zero_median() -> None:
    assert v(500, 100, history=[D(10), D(10)]).status == "valid"
    assert v(500, 100, history=[D(0)] * 6).status == "valid"


def test_wrap_explained_by_the_digits_is_a_rollover() -> None:
    r = v(5, 999_995, digits=6)
    assert (r.status, r.usage, r.rollover) == ("valid", D(10), True)


def test_lower_without_a_wrap_is_flagged() -> None:
    assert v(90, 100).reason == "meters.lower_than_previous"  # not near the top of the register
    assert v(5, 999_000, digits=6).reason == "meters.lower_than_previous"  # 1,005 against a median of 10
    assert v(5, 999_995, digits=6, history=[]).status == "valid"  # no history: a small wrap is plausible


def test_zero_usage_flagged_only_when_occupied() -> None:
    assert v(100, 100, occupied=True).reason == "meters.zero_usage"
    assert v(100, 100, occupied=False).status == "valid"


def test_impossible_values_are_rejected() -> None:
    assert v(-1, 0).reason == "meters.reading_negative"
    assert v(1_000_000, 0, digits=6).reason == "meters.reading_too_big"


def test_history_usages_take_wraps_and_the_last_six() -> None:
    pairs = [(f"2026-{m:02d}", D(x)) for m, x in enumerate([9990, 5, 15, 25, 35, 45, 55, 65], 1)]
    assert history_usages(pairs, 4) == [D(10)] * 6
    assert median([D(1), D(3), D(100)]) == D(3)


@given(st.integers(0, 999_999), st.integers(0, 999_999), st.lists(st.integers(0, 5000), max_size=6), st.booleans())
def test_any_verdict_is_coherent(cur: int, prev: int, hist: list[int], occupied: bool) -> None:
    r = v(cur, prev, history=[D(h) for h in hist], occupied=occupied)
    assert r.status in ("valid", "flagged")
    if r.status == "valid":
        assert r.usage is not None and r.usage >= 0
        assert r.rollover == (cur < prev)
    if r.rollover:
        assert cur < prev
