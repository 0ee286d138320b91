"""The tender-method registry is the one list of methods: every reader follows it, and a
new method is one entry."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app import tender_methods
from app.errors import InputError
from app.messages import catalog
from app.printing.receipt_doc import ReceiptTender
from app.services.cashier import tenders
from app.services.cashier.tenders import TenderInput, build_tender, parse_tender, settle


def test_every_method_has_its_words_in_both_languages():
    cat = catalog()
    for m in tender_methods.METHODS.values():
        codes = [m.label] + ([m.reference.hint, m.reference.caption] if m.reference else [])
        codes += [f"tender.part.{p}" for p in (m.reference.parts if m.reference else ())]
        for code in codes:
            zh, en = cat[code]
            assert zh and en, code
        assert m.receipt_label


def test_the_gui_and_the_cli_build_the_same_tender():
    typed = build_tender("pos", "356.50", " 123456789012 ", "000123", "004567")
    assert typed == parse_tender("pos=356.50:123456789012/000123/004567")
    assert typed == TenderInput("pos", 35650, "123456789012", "000123", "004567")
    # a hidden field's leftover text is ignored by a method without references
    assert build_tender("cash", "10", "123456789012", "1", "2") == TenderInput("cash", 1000)


def test_a_pos_reference_error_says_what_to_type_in_the_window():
    with pytest.raises(InputError) as e:
        build_tender("pos", "10", "12345")
    assert "请输入签购单上的12位参考号" in e.value.text("zh")
    assert "12-digit reference number" in e.value.text("en")
    with pytest.raises(InputError) as e:
        build_tender("pos", "10", "")
    assert "请输入签购单上的12位参考号" in e.value.text("zh")


def test_only_cash_gives_change_and_accounts_follow_the_registry():
    assert tender_methods.change_methods() == ("cash",)
    assert tender_methods.account("cash", terminal="T1", room="r1") == "TND:cash:T1"
    assert tender_methods.account("prepaid", terminal="T1", room="r1") == "PRE:r1"
    assert "prepaid" not in tender_methods.codes(top_up=True)
    assert dict(tender_methods.fkey_groups())["F3"] == ("wechat", "alipay")


def test_adding_a_tender_is_one_entry(monkeypatch):
    new = tender_methods.TenderMethod(
        "bankcol", "tender.method.transfer", "银行托收",
        tender_methods.ReferenceRule(r"BC\d{6}", True, "tender.ref.transfer", "tender.caption.transfer"),
        False, "F5", "TND:{method}:{terminal}")
    monkeypatch.setitem(tender_methods.METHODS, "bankcol", new)
    t = parse_tender("bankcol=50:BC123456")
    assert t == build_tender("bankcol", "50", "BC123456")
    with pytest.raises(InputError):
        build_tender("bankcol", "50", "nope")
    assert ReceiptTender("bankcol", 5000).display_name == "银行托收"
    assert ("F5", ("bankcol",)) in tender_methods.fkey_groups()
    assert tender_methods.account("bankcol", terminal="T2", room="x") == "TND:bankcol:T2"
    st = settle(8000, [t, TenderInput("cash", 5000)])
    assert st.change_fen == 2000  # the new method gives no change: cash does
    monkeypatch.setitem(tender_methods.METHODS, "bankcol", replace(new, gives_change=True))
    assert "bankcol" in tender_methods.change_methods()


def test_unknown_method_lists_the_registry():
    with pytest.raises(InputError) as e:
        parse_tender("bitcoin=5")
    assert all(code in e.value.text("en") for code in tenders.METHODS)
