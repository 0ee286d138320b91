"""Pure parts of the demo generator: storage forms, periods, pinyin initials, vocabulary,
fee item JSON."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from pypinyin import Style, lazy_pinyin

from app.db.base import DecimalText
from app.demo import names as N
from app.demo import Initials, dec1, dec2, demo_periods, fee_items_for

# billing-rules.md, "fee items": the keys a fee item may have
SPEC_KEYS = {"code", "name", "basis", "unit_price", "tiers", "tier_period", "meter_kind", "apportion", "usages",
             "rounding", "due_day", "late_fee"}


def test_decimal_text_forms_match_what_decimaltext_stores():
    bind = DecimalText().process_bind_param
    rng = random.Random(1)
    values = [0, 1, 9, 10, 100, 1250, 9000, 99_999_999] + [rng.randrange(10**9) for _ in range(2000)]
    for v in values:  # the text is what DecimalText would store for it, and means v/100 (v/10)
        assert dec2(v) == bind(Decimal(dec2(v)), None) and Decimal(dec2(v)) * 100 == v, v
        assert dec1(v) == bind(Decimal(dec1(v)), None) and Decimal(dec1(v)) * 10 == v, v
    assert (dec2(1250), dec2(9000), dec1(120), dec1(5)) == ("12.50", "90", "12", "0.5")


@pytest.mark.parametrize(("today", "first", "last"), [
    (date(2026, 3, 10), "2025-03", "2026-02"),
    (date(2026, 1, 1), "2025-01", "2025-12"),
    (date(2026, 12, 31), "2025-12", "2026-11"),
])
def test_twelve_periods_end_with_the_month_before_today(today, first, last):
    periods = demo_periods(today)
    assert len(periods) == 12 and periods[0] == first and periods[-1] == last
    assert periods == sorted(periods) and len(set(periods)) == 12


def test_initials_per_character_equal_those_of_the_whole_name():
    ini = Initials()
    assert (ini("张伟"), ini("欧阳明"), ini("王晓婷")) == ("zw", "oym", "wxt")
    rng = random.Random(5)
    for surname, _ in N.SURNAMES:
        for _ in range(40):
            name = surname + "".join(rng.choice(N.GIVEN_CHARS) for _ in range(rng.choice((1, 2))))
            assert ini(name) == "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower(), name
    for biz in N.SHOP_TENANTS:
        assert re.fullmatch(r"[a-z]+", ini.phrase(biz))


def test_vocabulary_is_clean():
    han = re.compile(r"^[\u4e00-\u9fff]+$")
    assert all(han.match(s) and w > 0 for s, w in N.SURNAMES)
    assert len({s for s, _ in N.SURNAMES}) == len(N.SURNAMES)
    assert not [c for c, n in Counter(N.GIVEN_CHARS).items() if n > 1] and han.match(N.GIVEN_CHARS)
    # surnames pypinyin reads wrongly out of context stay out (their initials would mislead)
    assert not set("曾单解仇查区翟覃朴") & {s for s, _ in N.SURNAMES}
    assert len(set(N.COMMUNITY_NAMES)) == len(N.COMMUNITY_NAMES) and all(han.match(c) for c in N.COMMUNITY_NAMES)
    assert all(re.fullmatch(r"1[3-9]\d", p) for p in N.MOBILE_PREFIXES)
    assert "I" not in N.PLATE_LETTERS and "O" not in N.PLATE_LETTERS


def test_fee_items_use_the_spec_json_keys():
    items = fee_items_for("PUB-E-YGHY")
    assert [i["code"] for i in items] == ["PM", "PM-S", "WATER", "ELEC", "PUB-E", "PARK", "GARB"]
    for item in items:
        assert set(item) <= SPEC_KEYS, item["code"]
        assert item["basis"] in {"area", "fixed", "usage", "apportioned", "parking"}
        assert item["rounding"] == "fen_half_up" and item["due_day"] == 15
        assert set(item["usages"]) <= {"residential", "shop", "office", "parking"}
        if "unit_price" in item:
            assert re.fullmatch(r"\d+(\.\d{1,6})?", item["unit_price"])
        if item["basis"] == "usage":
            assert item["meter_kind"] in {"water", "electricity"} and item["tier_period"] in {"month", "year"}
            tiers = item["tiers"]
            assert tiers[-1]["up_to"] is None
            assert all(set(t) == {"up_to", "unit_price"} and isinstance(t["unit_price"], str) for t in tiers)
            bounds = [Decimal(t["up_to"]) for t in tiers[:-1]]
            assert bounds == sorted(bounds)
        if "late_fee" in item:
            assert item["late_fee"] == {"daily_rate": "0.0003", "grace_days": 30, "cap_ratio": "1"}
    pub = next(i for i in items if i["code"] == "PUB-E")
    assert pub["apportion"] == {"meter_no": "PUB-E-YGHY", "by": "area", "scope": "community"}
