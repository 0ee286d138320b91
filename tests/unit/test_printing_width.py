"""Printer columns: hanzi are two, combining marks none, and nothing splits a hanzi."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.printing.width import center, char_width, clean, display_width, pad_left, pad_right, truncate, two_columns, wrap


def test_widths():
    assert display_width("收款收据") == 8
    assert display_width("T1-0001") == 7
    assert display_width("ｱ") == 1  # halfwidth katakana is narrow
    assert display_width("Ａ") == 2  # fullwidth Latin
    assert display_width("e\u0301") == 1  # combining acute adds nothing
    assert char_width("×") == 2 and char_width("×", ambiguous_wide=False) == 1  # GB double-byte on Chinese printers


def test_truncate_and_pad_never_split_a_hanzi():
    assert truncate("收款收据", 5) == "收款"
    assert pad_right("收款收据", 5) == "收款 "
    assert pad_left("收据", 6) == "  收据"
    assert center("收据", 8) == "  收据  "
    assert display_width(pad_right("A收B", 4)) == 4


def test_wrap_keeps_words_and_numbers_whole():
    assert wrap("receipt T1-20261124-0001", 16) == ["receipt", "T1-20261124-0001"]
    assert wrap("物业管理费物业管理费", 6) == ["物业管", "理费物", "业管理", "费"]
    assert wrap("a\nb", 10) == ["a", "b"]
    assert wrap("", 10) == [""]


def test_wrap_does_not_start_a_line_with_a_closing_mark():
    lines = wrap("一二三四五，六七", 10)
    assert lines == ["一二三四", "五，六七"]
    for width in (2, 3, 4):  # too narrow to move a pair: the limit wins over typography
        assert all(display_width(x) <= width for x in wrap("一，，。二", width))


def test_two_columns_amount_flush_right_and_continuations_clear_of_it():
    lines = two_columns("电梯运行维护及公共区域照明用电分摊费", "1234.56", 32, indent=2)
    assert lines[0].endswith(" 1234.56") and display_width(lines[0]) == 32
    assert all(display_width(x) <= 32 - 8 for x in lines[1:])
    assert all(x.startswith("  ") for x in lines[1:])
    assert lines[0][:-7].strip() + "".join(x.strip() for x in lines[1:]) == "电梯运行维护及公共区域照明用电分摊费"


def test_clean_removes_control_characters():
    assert clean("李\x1bp\x00四\n") == "李 p 四 "
    assert clean(None) == ""


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("收款物业费水电 abcXYZ0123-，。（）")), max_size=80),
       st.integers(min_value=2, max_value=48))
def test_wrap_property(text, width):
    lines = wrap(text, width)
    assert all(display_width(x) <= width for x in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
