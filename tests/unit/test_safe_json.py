"""app.safe_json: any text is data or an InputError (exit 2), never RecursionError,
ValueError or a crash."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import safe_json
from app.errors import InputError


def test_ordinary_documents_parse_as_json_does():
    doc = {"fee_items": [{"code": "PM", "tiers": [{"up_to": "10", "unit_price": "3"}, {"up_to": None}]}], "n": 3,
           "x": 1.5, "s": "[[[{{{\\\"", "neg": -12}
    text = json.dumps(doc, ensure_ascii=False)
    assert safe_json.loads(text, what="doc") == doc
    assert safe_json.loads(text.encode("utf-8"), what="doc") == doc
    assert safe_json.loads("[" * safe_json.MAX_DEPTH + "]" * safe_json.MAX_DEPTH, what="x") is not None


@pytest.mark.parametrize("text, code", [
    ("[" * 100_000 + "]" * 100_000, "json.too_deep"),
    ('{"a":' * 50_000 + "1" + "}" * 50_000, "json.too_deep"),
    ("[" * (safe_json.MAX_DEPTH + 1) + "]" * (safe_json.MAX_DEPTH + 1), "json.too_deep"),
    ("1" * 5000, "json.number_too_long"),
    ("[1." + "1" * 5000 + "]", "json.number_too_long"),
    ("[1e999999]", "json.not_finite"),
    ("NaN", "json.not_finite"),
    ("[-Infinity]", "json.not_finite"),
    ("[{", "json.invalid"),
    ("", "json.invalid"),
    ("{'a': 1}", "json.invalid"),
])
def test_hostile_json_is_an_input_error(text, code):
    with pytest.raises(InputError) as e:
        safe_json.loads(text, what="--tiers")
    assert e.value.code == code and e.value.exit_status == 2
    assert "--tiers" in e.value.text("en") and "--tiers" in e.value.text("zh")


def test_strings_do_not_count_as_nesting():
    assert safe_json.loads(json.dumps("[" * 10_000), what="x") == "[" * 10_000


def test_not_utf8_bytes():
    with pytest.raises(InputError) as e:
        safe_json.loads("收费".encode("gbk"), what="f.json")
    assert e.value.code == "json.not_utf8"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]{}",:0123456789.eE-+ntrufalsNI\\ ', max_size=200))
def test_any_text_is_data_or_an_input_error(text):
    try:
        safe_json.loads(text, what="x")
    except InputError as e:
        assert e.code.startswith("json.")


def test_decimals_instead_of_floats():
    from decimal import Decimal

    assert safe_json.loads('{"p": 2.5, "n": 3}', what="x", decimals=True) == {"p": Decimal("2.5"), "n": 3}
    for bad in ("[1e999999]", "[-1e999999]"):
        with pytest.raises(InputError) as e:
            safe_json.loads(bad, what="x", decimals=True)
        assert e.value.code == "json.not_finite"
