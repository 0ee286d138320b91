"""The drawer count as typed: ASCII digits, real denominations (分 included), bounded counts."""

import pytest

from app.errors import InputError
from app.services.cashier.shifts import DENOMINATIONS, parse_count


def test_count_reads_every_denomination_down_to_one_fen():
    assert parse_count("100=3, 50=1,0.5=2,0.05=1,0.02=2,0.01=4") == {10000: 3, 5000: 1, 50: 2, 5: 1, 2: 2, 1: 4}
    assert DENOMINATIONS[-3:] == (5, 2, 1) and list(DENOMINATIONS) == sorted(DENOMINATIONS, reverse=True)
    assert parse_count("") == {} and parse_count("100=0") == {10000: 0}


@pytest.mark.parametrize("text,code", [
    ("100=²", "count.bad_number"),            # a digit to str.isdigit(), not to a count
    ("100=٣", "count.bad_number"),            # Arabic-Indic three
    ("١٠٠=1", "count.bad_denomination"),
    ("100=" + "9" * 4000, "count.bad_number"),
    ("100=1000000", "count.bad_number"),
    ("100=-1", "count.bad_number"),
    ("100=1.5", "count.bad_number"),
    ("9" * 5000 + "=1", "count.bad_denomination"),
    ("3=1", "count.bad_denomination"),
    ("0.03=1", "count.bad_denomination"),
    ("100", "count.syntax"),
    ("100=1,100=2", "count.twice"),
])
def test_bad_counts_are_input_errors(text, code):
    with pytest.raises(InputError) as e:
        parse_count(text)
    assert e.value.code == code and e.value.exit_status == 2
    assert e.value.text("zh") and e.value.text("en")
