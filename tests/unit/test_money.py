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
        parse_rate("0.0000001")  # str(e) is Chinese, then the English
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


# --- bounds on what a person may type (issue 9 item 5) -------------------------------------

import string  # noqa: E402

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from app.errors import InputError  # noqa: E402
from app.money import MAX_AMOUNT_FEN, parse_whole  # noqa: E402


@pytest.mark.parametrize("text", [
    "٣", "١٠٠", "1٣.50", "²", "1²", "³.5", "۵", "५०", "๕", "𝟓", "Ⅴ", "½", "1.٥", "1\u200b0", "-٣",
])
def test_parse_yuan_refuses_non_ascii_digits(text):
    # int('٣') == 3 and '²'.isdigit() is True: Python would read these; an amount must not
    with pytest.raises(MoneyError) as e:
        parse_yuan(text, allow_negative=True)
    assert e.value.code == "money.not_ascii" and isinstance(e.value, InputError) and e.value.exit_status == 2
    assert "0-9" in e.value.text("en") and "0–9" in e.value.text("zh")


@pytest.mark.parametrize("text,fen", [("３", 300), ("１２３．５０", 12350), ("－５", -500), ("\u3000８\u3000", 800)])
def test_full_width_digits_from_a_chinese_ime_are_read_as_ascii(text, fen):
    assert parse_yuan(text, allow_negative=True) == fen


@pytest.mark.parametrize("text", ["9" * 5000, "9" * 13, "100000000.01", "999999999999", "-100000000.01"])
def test_parse_yuan_refuses_absurd_magnitudes_without_converting_them(text):
    with pytest.raises(MoneyError) as e:
        parse_yuan(text, allow_negative=True)
    assert e.value.code == "money.too_large"
    assert len(e.value.text("en")) < 200, "the message echoes a cut-down amount, not 5,000 digits"


def test_the_bound_itself_is_allowed():
    assert parse_yuan("100000000") == parse_yuan("100000000.00") == MAX_AMOUNT_FEN
    assert parse_yuan("000000000000000000001.50") == 150  # leading zeros are not magnitude


def test_money_errors_are_coded_and_read_in_both_languages():
    with pytest.raises(MoneyError) as e:
        parse_yuan("0.001")
    assert e.value.code == "money.too_many_decimals"
    assert "more than 2 decimals" in e.value.text("en") and "两位小数" in e.value.text("zh")
    # str() carries both, for callers that still wrap it in free text
    assert "两位小数" in str(e.value) and "more than 2 decimals" in str(e.value)


@pytest.mark.parametrize("text", ["٣", "0.٣", "²", "1e3", "9" * 13, "NaN", "Infinity"])
def test_parse_rate_refuses_non_ascii_and_absurd(text):
    with pytest.raises(MoneyError):
        parse_rate(text)


def test_parse_whole():
    assert parse_whole("12", what="money.count") == 12 and parse_whole("１２", what="money.count") == 12
    for bad in ("²", "٣", "-1", "1.5", "", "9" * 7, "9" * 5000, "1e3"):
        with pytest.raises(MoneyError) as e:
            parse_whole(bad, what="money.count")
        assert e.value.exit_status == 2


_ASCII_AMOUNT = st.from_regex(r"\A-?[0-9]{1,8}(\.[0-9]{1,2})?\Z")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_an_amount_in_range_or_a_money_error(text):
    try:
        fen = parse_yuan(text, allow_negative=True)
    except MoneyError as e:
        assert e.exit_status == 2 and e.text("en") and e.text("zh")
        return
    assert isinstance(fen, int) and abs(fen) <= MAX_AMOUNT_FEN
    # only ASCII (or full-width) digits, an optional sign and point made it through
    allowed = set(string.digits + ".-") | {chr(0xFF10 + i) for i in range(10)} | {"．", "－"}
    assert set(text.strip()) <= allowed


@settings(max_examples=200, deadline=None)
@given(_ASCII_AMOUNT)
def test_ascii_amounts_round_trip(text):
    fen = parse_yuan(text, allow_negative=True)
    assert parse_yuan(fen_to_yuan_str(fen), allow_negative=True) == fen


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(whitelist_categories=("Nd", "No", "Nl")), min_size=1, max_size=12))
@example("100000001")  # found by hypothesis: nine digits, above the largest amount
def test_unicode_digits_are_refused_unless_ascii_or_full_width(text):
    ok = set(string.digits) | {chr(0xFF10 + i) for i in range(10)}
    try:
        parse_yuan(text)
    except MoneyError:  # refused: not ASCII/full-width digits, or above the largest amount
        ascii_digits = text.translate({0xFF10 + i: str(i) for i in range(10)})
        assert not set(text) <= ok or int(ascii_digits) * 100 > MAX_AMOUNT_FEN
        return
    assert set(text) <= ok
