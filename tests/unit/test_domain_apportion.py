"""Largest-remainder split of an integer number of fen."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.domain.apportion import largest_remainder

ONE = D(1)


def test_three_households_tie_broken_by_the_smaller_key() -> None:
    shares = largest_remainder(10000, [("b", ONE), ("c", ONE), ("a", ONE)])
    assert shares == {"b": 3333, "c": 3333, "a": 3334}
    assert list(shares) == ["b", "c", "a"]  # the order given


def test_tie_break_is_string_order_of_room_keys() -> None:
    # "3-1-1001" < "3-1-902" as strings: the rule says room key, and keys are strings.
    assert largest_remainder(2, [("3-1-902", ONE), ("3-1-1001", ONE), ("3-1-903", ONE)]) == {
        "3-1-902": 1, "3-1-1001": 1, "3-1-903": 0,
    }


def test_largest_remainder_wins_before_key_order() -> None:
    # exact shares 6.6 / 3.3 / 0.1 (weights 66/33/1 of 10): floors 6+3+0 = 9, the fen goes to
    # "z" (remainder .6) although "a" and "m" sort before it.
    assert largest_remainder(10, [("z", D(66)), ("m", D(33)), ("a", D(1))]) == {"z": 7, "m": 3, "a": 0}


def test_decimal_weights_are_exact() -> None:
    assert largest_remainder(100, [("A", D("0.1")), ("B", D("0.2"))]) == {"A": 33, "B": 67}


def test_zero_total_and_zero_weight() -> None:
    assert largest_remainder(0, [("a", ONE), ("b", D(2))]) == {"a": 0, "b": 0}
    assert largest_remainder(5, [("a", D(0)), ("b", ONE)]) == {"a": 0, "b": 5}


def test_negative_total_mirrors_the_positive_split() -> None:
    weights = [("b", ONE), ("a", ONE), ("c", ONE)]
    assert largest_remainder(-10000, weights) == {"b": -3333, "a": -3334, "c": -3333}
    assert largest_remainder(-10000, weights) == {k: -v for k, v in largest_remainder(10000, weights).items()}


@pytest.mark.parametrize(
    "weights, exc, message",
    [
        ([], ValueError, "no weights"),
        ([("a", D(0)), ("b", D(0))], ValueError, "zero"),
        ([("a", D(-1)), ("b", D(2))], ValueError, "negative"),
        ([("a", ONE), ("a", ONE)], ValueError, "twice"),
        ([("a", D("NaN"))], ValueError, "finite"),
        ([("a", 1.5)], TypeError, "Decimal"),
    ],
)
def test_rejects(weights: list, exc: type, message: str) -> None:
    with pytest.raises(exc, match=message):
        largest_remainder(100, weights)


def test_total_must_be_int() -> None:
    with pytest.raises(TypeError):
        largest_remainder(D(100), [("a", ONE)])  # type: ignore[arg-type]
