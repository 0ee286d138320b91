from decimal import Decimal

import pytest

from app.money import Money, MoneyError, Rounding, fen_to_yuan_str, parse_rate, parse_rounding, parse_yuan, round_yuan_to_fen


def test_money_refuses_floats_and_bools():
    with pytest.raises(TypeError):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100) * 1.5  # type: ignore[operator]
    with pytest.raises(TypeError):
        round_yuan_to_fen(125.625)  # type: ignore[arg-type]


def test_money_arithmetic_and_immutability():
    a, b = Money(12345), Money.yuan("0.55")
    assert (a + b).fen == 12400 and (a - b).fen == 12290 and (-a).fen == -12345 and (a * 3).fen == 37035
    assert str(Money(-5)) == "-0.05" and str(a) == "123.45"
    assert Money(5) < Money(6) and Money(5) == Money(5) and hash(Money(5)) == hash(Money(5))
    with pytest.raises(AttributeError):
        a._fen = 1  # type: ignore[misc]


@pytest.mark.parametrize("text,fen", [("1234.5", 123450), ("0.01", 1), ("0", 0), ("12", 1200), (" 7.70 ", 770)])
def test_parse_yuan(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("text", ["1.234", "abc", "", "1.", ".5", "1e3", "¥5", "1,000", "-1", "NaN", "1.2.3"])
def test_parse_yuan_rejects(text):
    with pytest.raises(MoneyError):
        parse_yuan(text)


def test_parse_yuan_negative_only_when_allowed():
    assert parse_yuan("-0.5", allow_negative=True) == -50
    with pytest.raises(MoneyError, match="more than 2 decimals"):
        parse_yuan("0.001")


def test_parse_rate():
    assert parse_rate("0.4883") == Decimal("0.4883")
    assert parse_rate("0.000300") == Decimal("0.0003")
    with pytest.raises(MoneyError, match="more than 6 decimals"):
        parse_rate("0.0000001")
    for bad in ("-1", "x", "1e-3", ""):
        with pytest.raises(MoneyError):
            parse_rate(bad)


@pytest.mark.parametrize(
    "mode,value,fen",
    [
        (Rounding.FEN_HALF_UP, "125.625", 12563),
        (Rounding.FEN_HALF_EVEN, "125.625", 12562),
        (Rounding.FEN_HALF_EVEN, "125.635", 12564),
        (Rounding.JIAO_HALF_UP, "125.65", 12570),
        (Rounding.JIAO_HALF_UP, "125.64", 12560),
        (Rounding.YUAN_HALF_UP, "125.50", 12600),
        (Rounding.YUAN_HALF_UP, "125.49", 12500),
        (Rounding.FEN_UP, "125.621", 12563),
        (Rounding.FEN_DOWN, "125.629", 12562),
        (Rounding.FEN_HALF_UP, "-125.625", -12563),
        (Rounding.FEN_UP, "-0.001", -1),
    ],
)
def test_rounding_modes(mode, value, fen):
    assert round_yuan_to_fen(Decimal(value), mode) == fen


def test_spec_example_area_times_price():
    assert Money.from_decimal(Decimal("100.5") * Decimal("1.25")).fen == 12563


def test_rounding_names():
    assert parse_rounding(None) is Rounding.FEN_HALF_UP
    assert parse_rounding("fen_down") is Rounding.FEN_DOWN
    with pytest.raises(MoneyError, match="unknown rounding"):
        parse_rounding("banker")
    assert fen_to_yuan_str(5) == "0.05"
