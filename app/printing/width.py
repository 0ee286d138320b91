"""Text measured in printer columns, not characters.

A thermal printer's font A cell is 12×24 dots; a hanzi takes two cells. East Asian Wide and
Fullwidth characters are 2 columns and combining marks 0. Ambiguous characters (×, ·, —, …,
①, Greek, Cyrillic, pinyin with tone marks) are 2 columns too by default: on a Chinese printer
they are double-byte GB codes and print from the 24×24 hanzi font (UAX #11's "East Asian
context"). Pass `ambiguous_wide=False` for a Western device.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from app.errors import InputError


@lru_cache(maxsize=8192)
def char_width(ch: str, ambiguous_wide: bool = True) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    eaw = unicodedata.east_asian_width(ch)
    if eaw in ("W", "F"):
        return 2
    if eaw == "A" and ambiguous_wide:
        return 2
    return 1


def display_width(text: str, ambiguous_wide: bool = True) -> int:
    if text.isascii():  # the common case (numbers, receipt no.), without a per-char lookup
        return len(text)
    return sum(char_width(ch, ambiguous_wide) for ch in text)


def clean(text: str | None) -> str:
    """One printable line: control characters (ESC, GS, tabs, newlines…) become spaces.

    A payer name or note typed into the counter must never reach the printer as a command —
    an ESC p hidden in a name would open the cash drawer.
    """
    if not text:
        return ""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


def truncate(text: str, width: int, ambiguous_wide: bool = True) -> str:
    """The longest prefix that fits in `width` columns; a hanzi is never cut in half."""
    if display_width(text, ambiguous_wide) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = char_width(ch, ambiguous_wide)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out)


def pad_right(text: str, width: int, ambiguous_wide: bool = True) -> str:
    """Left-aligned in `width` columns (truncated when longer)."""
    text = truncate(text, width, ambiguous_wide)
    return text + " " * (width - display_width(text, ambiguous_wide))


def pad_left(text: str, width: int, ambiguous_wide: bool = True) -> str:
    """Right-aligned in `width` columns (truncated when longer)."""
    text = truncate(text, width, ambiguous_wide)
    return " " * (width - display_width(text, ambiguous_wide)) + text


def center(text: str, width: int, ambiguous_wide: bool = True) -> str:
    text = truncate(text, width, ambiguous_wide)
    free = width - display_width(text, ambiguous_wide)
    left = free // 2
    return " " * left + text + " " * (free - left)


NO_LINE_START = frozenset("，。、；：！？）」』》〉】,.;:!?)")


def break_tokens(text: str, ambiguous_wide: bool) -> list[str]:
    """Break opportunities: each wide char alone, runs of narrow non-space chars, single spaces."""
    tokens: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch == " " or char_width(ch, ambiguous_wide) == 2:
            if word:
                tokens.append("".join(word))
                word = []
            tokens.append(ch)
        else:
            word.append(ch)
    if word:
        tokens.append("".join(word))
    return tokens


def wrap(text: str, width: int, ambiguous_wide: bool = True, *, first_width: int | None = None) -> list[str]:
    """Greedy wrap to `width` columns (`first_width` for the first line, when given).

    Latin words and numbers move whole to the next line when they fit there (a receipt number
    stays readable); hanzi break anywhere; explicit newlines are kept. Always returns at least
    one (possibly empty) line.
    """
    if width < 2 or (first_width is not None and first_width < 2):
        raise InputError("print.doc.wrap_too_narrow", width=min(width, first_width or width))
    lines: list[str] = []
    state = {"cur": "", "used": 0, "limit": first_width if first_width is not None else width}

    def push() -> None:
        lines.append(state["cur"].rstrip())
        state.update(cur="", used=0, limit=width)

    def add(tok: str, w: int) -> None:
        state["cur"] += tok
        state["used"] += w

    for para in text.split("\n"):
        for tok in break_tokens(clean(para), ambiguous_wide):
            w = display_width(tok, ambiguous_wide)
            if state["used"] + w <= state["limit"]:
                add(tok, w)
            elif tok == " ":
                push()  # a space at a break is dropped
            elif (tok in NO_LINE_START and len(state["cur"]) > 1 and char_width(state["cur"][-1], ambiguous_wide) == 2
                  and 2 + w <= width):
                # 避头尾: a closing mark never starts a line; the hanzi before it moves down with it
                last = state["cur"][-1]
                state["cur"] = state["cur"][:-1]
                push()
                add(last + tok, char_width(last, ambiguous_wide) + w)
            elif w <= width and state["used"] > 0:
                push()  # the word moves whole to the next line
                add(tok, w)
            else:  # a word longer than any line: split it by characters
                for ch in tok:
                    cw = char_width(ch, ambiguous_wide)
                    if state["used"] + cw > state["limit"]:
                        push()
                    add(ch, cw)
        push()
    return lines


def two_columns(left: str, right: str, width: int, *, gap: int = 1, indent: int = 0,
                ambiguous_wide: bool = True) -> list[str]:
    """`left` text with `right` flush right on its first line, e.g. a fee and its amount.

    Continuation lines of the left text stay clear of the amount column (so amounts read as
    one column) and are indented by `indent` columns.
    """
    rw = display_width(right, ambiguous_wide)
    room = width - rw - gap
    if room < 2:  # the right part alone fills the line: put it on a line of its own
        return [*wrap(left, width, ambiguous_wide), pad_left(right, width, ambiguous_wide)]
    first, *rest = wrap(left, max(2, room - indent), ambiguous_wide, first_width=room)
    out = [pad_right(first, room, ambiguous_wide) + " " * gap + right]
    return out + [" " * indent + part for part in rest]
