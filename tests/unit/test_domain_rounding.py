"""Every rounding mode on the values the spec talks about, and through a bill line."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from app.domain.charges import usage_charge
from app.money import Rounding, round_yuan_to_fen

CASES = {
    #                     125.625   125.635   -125.625
    Rounding.FEN_HALF_UP: (12563, 12564, -12563),
    Rounding.FEN_HALF_EVEN: (12562, 12564, -12562),
    Rounding.JIAO_HALF_UP: (12560, 12560, -12560),
    Rounding.YUAN_HALF_UP: (12600, 12600, -12600),
    Rounding.FEN_UP: (12563, 12564, -12563),  # away from zero
    Rounding.FEN_DOWN: (12562, 12563, -12562),  # towards zero
}


@pytest.mark.parametrize("mode", list(Rounding))
def test_every_mode(mode: Rounding) -> None:
    got = tuple(round_yuan_to_fen(D(v), mode) for v in ("125.625", "125.635", "-125.625"))
    assert got == CASES[mode]


@pytest.mark.parametrize("mode", list(Rounding))
def test_every_mode_through_a_usage_line(mode: Rounding) -> None:
    # 100.5 × 1.25 = 125.625 and 100.508 × 1.25 = 125.635, as metered lines.
    assert usage_charge(D("100.5"), D("1.25"), None, rounding=mode).amount_fen == CASES[mode][0]
    assert usage_charge(D("100.508"), D("1.25"), None, rounding=mode.value).amount_fen == CASES[mode][1]


def test_jiao_and_yuan_halves() -> None:
    assert round_yuan_to_fen(D("125.65"), Rounding.JIAO_HALF_UP) == 12570
    assert round_yuan_to_fen(D("124.5"), Rounding.YUAN_HALF_UP) == 12500
    assert round_yuan_to_fen(D("124.49"), Rounding.YUAN_HALF_UP) == 12400
