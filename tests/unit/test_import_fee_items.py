"""Fee items (JSON): every problem has its path; prices are versioned, never overwritten."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db.models import AuditEvent, FeeItem, TariffVersion
from tests.unit.import_support import FIXTURES, db, fails, import_template_db, run, seed, snapshot  # noqa: F401

SAMPLE = json.loads((FIXTURES / "fee_items.json").read_text(encoding="utf-8"))


@pytest.fixture
def company(db):
    seed(db)
    return db


def _file(tmp_path: Path, doc: Any, name: str = "fees.json") -> Path:
    f = tmp_path / name
    f.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return f


def _doc(*items: dict[str, Any]) -> dict[str, Any]:
    return {"community": "阳光花园", "fee_items": list(items)}


PM = {"code": "PM", "name": "物业服务费", "basis": "area", "unit_price": "1.25"}


def test_sample_file(company):
    result = run(company, "fee-items", FIXTURES / "fee_items.json")
    assert (result["rows"], result["created"], result["tariff_versions_created"]) == (5, 5, 5)
    with company.uow() as s:
        items = {f.code: f for f in s.scalars(select(FeeItem))}
        versions = {v.fee_item_id: v for v in s.scalars(select(TariffVersion))}
    assert items["PM"].late_fee == {"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"}
    assert items["PM"].usages == ["residential", "shop", "office"] and items["PM"].due_day == 15
    assert items["PARK"].usages == ["parking"] and items["PARK"].rounding == "yuan_half_up"
    assert items["PUB-E"].apportion == {"meter_no": "PUB-E-1", "by": "area", "scope": "community"}
    water = versions[items["WATER"].id]
    assert water.effective_from == date(2000, 1, 1) and water.unit_price is None
    assert water.tiers == [{"up_to": "180", "unit_price": "5"}, {"up_to": "260", "unit_price": "7"},
                           {"up_to": None, "unit_price": "9"}]
    assert items["WATER"].tier_period == "year" and items["WATER"].meter_kind == "water"
    assert versions[items["ELEC"].id].unit_price == Decimal("0.4883")


def test_stored_tiers_are_what_billing_reads(company):
    from app.domain.tiers import parse_tiers

    run(company, "fee-items", FIXTURES / "fee_items.json")
    with company.uow() as s:
        tiers = s.scalar(select(TariffVersion.tiers).where(TariffVersion.tiers.is_not(None)))
    assert len(parse_tiers(tiers)) == 3


def test_bad_json_names_line_and_column(company, tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('{"community": "阳光花园",\n "fee_items": [\n  {"code": "PM",}\n ]}', encoding="utf-8")
    fails(company, "fee-items", f, "invalid JSON", "line 3", "column")


def test_not_utf8_json(company, tmp_path):
    f = tmp_path / "gbk.json"
    f.write_bytes(json.dumps(_doc(PM), ensure_ascii=False).encode("gbk"))
    fails(company, "fee-items", f, "not UTF-8")


@pytest.mark.parametrize("item, path, reason", [
    ({**PM, "colour": "red"}, "fee_items[0].colour", "unknown key"),
    ({**PM, "basis": "volume"}, "fee_items[0].basis", "must be one of"),
    ({**PM, "unit_price": "1.1234567"}, "fee_items[0].unit_price", "more than 6 decimals"),
    ({**PM, "unit_price": "-1"}, "fee_items[0].unit_price", "not a decimal"),
    ({**PM, "unit_price": None}, "fee_items[0].unit_price", "required for basis area"),
    ({**PM, "code": ""}, "fee_items[0].code", "non-empty string"),
    ({**PM, "name": None}, "fee_items[0].name", "required"),
    ({**PM, "due_day": 29}, "fee_items[0].due_day", "1..28"),
    ({**PM, "due_day": "15"}, "fee_items[0].due_day", "whole number"),
    ({**PM, "rounding": "banker"}, "fee_items[0].rounding", "unknown rounding"),
    ({**PM, "effective_from": "2026-02-30"}, "fee_items[0].effective_from", "not a real date"),
    ({**PM, "usages": ["villa"]}, "fee_items[0].usages[0]", "not one of"),
    ({**PM, "usages": []}, "fee_items[0].usages", "non-empty list"),
    ({**PM, "late_fee": {"daily_rate": "x"}}, "fee_items[0].late_fee.daily_rate", "not a decimal"),
    ({**PM, "late_fee": {"daily_rate": "0.0003", "grace": 3}}, "fee_items[0].late_fee.grace", "unknown key"),
    ({**PM, "late_fee": {"daily_rate": "0.0003", "grace_days": -1}}, "fee_items[0].late_fee.grace_days", "0..3650"),
    ({**PM, "tiers": [{"up_to": None, "unit_price": "1"}]}, "fee_items[0].tiers", "does not apply to basis 'area'"),
    ({**PM, "meter_kind": "water"}, "fee_items[0].meter_kind", "does not apply"),
])
def test_bad_item_names_the_path(company, tmp_path, item, path, reason):
    e = fails(company, "fee-items", _file(tmp_path, _doc(item)), f"列 {path}", reason)
    assert e.problems[0].row is None


USAGE = {"code": "WATER", "name": "水费", "basis": "usage", "meter_kind": "water", "tier_period": "month",
         "tiers": [{"up_to": "10", "unit_price": "3"}, {"up_to": "20", "unit_price": "4"},
                   {"up_to": None, "unit_price": "5"}]}


def _tiers(*bounds: Any) -> dict[str, Any]:
    return {**USAGE, "tiers": [{"up_to": b, "unit_price": "3"} for b in bounds]}


@pytest.mark.parametrize("item, path, reason", [
    (_tiers("20", "10", None), "fee_items[0].tiers[1].up_to", "greater than the previous tier's up_to 20"),
    (_tiers("10", "20", "30"), "fee_items[0].tiers[2].up_to", "last tier must have up_to null"),
    (_tiers("10", None, None), "fee_items[0].tiers[1].up_to", "only the last tier"),
    (_tiers("abc", None), "fee_items[0].tiers[0].up_to", "not a decimal"),
    ({**USAGE, "tiers": [{"up_to": None, "unit_price": "x"}]}, "fee_items[0].tiers[0].unit_price", "not a decimal"),
    ({**USAGE, "tiers": [{"up_to": None, "price": "1"}]}, "fee_items[0].tiers[0].price", "unknown key"),
    ({**USAGE, "tiers": []}, "fee_items[0].tiers", "non-empty list"),
    ({**USAGE, "tier_period": None}, "fee_items[0].tier_period", "required with tiers"),
    ({**USAGE, "tier_period": "week"}, "fee_items[0].tier_period", "month or year"),
    ({**USAGE, "meter_kind": None}, "fee_items[0].meter_kind", "required for basis usage"),
    ({**USAGE, "meter_kind": "steam"}, "fee_items[0].meter_kind", "not one of"),
    ({**USAGE, "unit_price": "3"}, "fee_items[0].unit_price", "exactly one"),
    ({**USAGE, "tiers": None, "tier_period": None}, "fee_items[0].unit_price", "exactly one"),
    ({**USAGE, "tiers": None, "unit_price": "3"}, "fee_items[0].tier_period", "only applies with tiers"),
])
def test_bad_usage_item(company, tmp_path, item, path, reason):
    fails(company, "fee-items", _file(tmp_path, _doc(item)), f"列 {path}", reason)


APPORTION = {"code": "PUB", "name": "公摊", "basis": "apportioned", "unit_price": "0.5",
             "apportion": {"meter_no": "PUB-E-1", "by": "household", "scope": "3"}}


@pytest.mark.parametrize("apportion, path, reason", [
    ({"meter_no": "NOPE", "by": "area"}, "apportion.meter_no", "unknown meter"),
    ({"meter_no": "E-3-2-1502", "by": "area"}, "apportion.meter_no", "needs a public meter"),
    ({"meter_no": "PUB-E-1", "by": "area", "scope": "9"}, "apportion.scope", "neither"),
    ({"meter_no": "PUB-E-1", "by": "room"}, "apportion.by", "area or household"),
    ({"meter_no": "PUB-E-1", "by": "area", "extra": 1}, "apportion.extra", "unknown key"),
    (None, "apportion", "required for basis apportioned"),
])
def test_bad_apportion(company, tmp_path, apportion, path, reason):
    fails(company, "fee-items", _file(tmp_path, _doc({**APPORTION, "apportion": apportion})),
          f"列 fee_items[0].{path}", reason)


def test_apportion_scope_may_be_a_building(company, tmp_path):
    assert run(company, "fee-items", _file(tmp_path, _doc(APPORTION)))["created"] == 1


def test_document_level_problems(company, tmp_path):
    fails(company, "fee-items", _file(tmp_path, {"community": "阳光花园", "fee_items": [], "x": 1}),
          "列 x", "unknown key", "列 fee_items", "non-empty list")
    fails(company, "fee-items", _file(tmp_path, [PM]), "must be an object")
    fails(company, "fee-items", _file(tmp_path, {"community": "不存在", "fee_items": [PM]}),
          "列 community", "unknown community")


def test_duplicate_codes_and_many_problems_at_once(company, tmp_path):
    doc = _doc(PM, {**PM, "name": "again"}, {**USAGE, "tier_period": None}, {**PM, "code": "X", "due_day": 0})
    e = fails(company, "fee-items", _file(tmp_path, doc), "duplicate code 'PM'", "fee_items[0] and fee_items[1]")
    assert [p.column for p in e.problems] == ["fee_items[1].code", "fee_items[2].tier_period", "fee_items[3].due_day"]


def test_json_numbers_are_read_exactly(company, tmp_path):
    f = tmp_path / "n.json"
    f.write_text('{"community": "阳光花园", "fee_items": [{"code": "PM", "name": "物业费", "basis": "area", '
                 '"unit_price": 1.1, "due_day": 10}]}', encoding="utf-8")
    run(company, "fee-items", f)
    with company.uow() as s:
        assert s.scalar(select(TariffVersion.unit_price)) == Decimal("1.1")


def test_reimport_is_a_no_op(company):
    run(company, "fee-items", FIXTURES / "fee_items.json")
    before = snapshot(company)
    assert run(company, "fee-items", FIXTURES / "fee_items.json")["unchanged"] == 5
    assert snapshot(company) == before


def test_changed_price_needs_a_new_effective_date(company, tmp_path):
    run(company, "fee-items", _file(tmp_path, _doc(PM)))
    fails(company, "fee-items", _file(tmp_path, _doc({**PM, "unit_price": "1.5"})),
          "列 fee_items[0].unit_price", "already has a different price effective 2000-01-01")
    same = _file(tmp_path, _doc({**PM, "unit_price": "1.250"}))
    assert run(company, "fee-items", same)["unchanged"] == 1  # the same price, written differently
    newer = _file(tmp_path, _doc({**PM, "unit_price": "1.5", "effective_from": "2027-01-01"}))
    result = run(company, "fee-items", newer)
    assert (result["updated"], result["tariff_versions_created"]) == (1, 1)
    with company.uow() as s:
        prices = [(v.effective_from, v.unit_price) for v in
                  s.scalars(select(TariffVersion).order_by(TariffVersion.effective_from))]
        actions = set(s.scalars(select(AuditEvent.action)))
    assert prices == [(date(2000, 1, 1), Decimal("1.25")), (date(2027, 1, 1), Decimal("1.5"))]
    assert "import.fee_items.tariff" in actions
    assert run(company, "fee-items", newer)["unchanged"] == 1


def test_changed_tiers_on_the_same_date_are_refused(company, tmp_path):
    run(company, "fee-items", _file(tmp_path, _doc(USAGE)))
    changed = copy.deepcopy(USAGE)
    changed["tiers"][0]["up_to"] = "12"
    fails(company, "fee-items", _file(tmp_path, _doc(changed)), "列 fee_items[0].tiers", "different price")


def test_changed_fields_update_with_audit_but_basis_cannot_change(company, tmp_path):
    run(company, "fee-items", _file(tmp_path, _doc(PM)))
    assert run(company, "fee-items", _file(tmp_path, _doc({**PM, "name": "物业费", "due_day": 20})))["updated"] == 1
    with company.uow() as s:
        item = s.scalar(select(FeeItem))
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.fee_items.update"))
    assert (item.name, item.due_day) == ("物业费", 20)
    assert ev.detail["changes"] == {"name": ["物业服务费", "物业费"], "due_day": [15, 20]}
    fails(company, "fee-items", _file(tmp_path, _doc({**PM, "basis": "fixed"})), "列 fee_items[0].basis",
          "cannot change")


# --- one-off items (basis one_off: charged at the counter, never by a bill run)

ONE_OFF = {"code": "ZX", "name": "装修垃圾清运费", "basis": "one_off"}


def test_one_off_item_without_a_suggested_amount(company, tmp_path):
    result = run(company, "fee-items", _file(tmp_path, _doc(ONE_OFF)))
    assert (result["created"], result["tariff_versions_created"]) == (1, 0)
    with company.uow() as s:
        item = s.scalar(select(FeeItem))
        assert s.scalar(select(TariffVersion)) is None  # no price to version
    assert (item.basis, item.late_fee) == ("one_off", None)
    assert item.usages == ["residential", "shop", "office", "parking"]
    before = snapshot(company)
    assert run(company, "fee-items", _file(tmp_path, _doc(ONE_OFF)))["unchanged"] == 1
    assert snapshot(company) == before


def test_one_off_item_with_a_suggested_amount(company, tmp_path):
    run(company, "fee-items", _file(tmp_path, _doc({**ONE_OFF, "unit_price": "150.50"})))
    with company.uow() as s:
        assert s.scalar(select(TariffVersion.unit_price)) == Decimal("150.5")


def test_one_off_items_are_what_the_charge_dialog_offers(company, tmp_path):
    from app.services.fee_items_query import one_off_items

    run(company, "fee-items", _file(tmp_path, _doc(PM, ONE_OFF)))
    with company.uow() as s:
        assert one_off_items(s, "3-2-1502") == [{"code": "ZX", "name": "装修垃圾清运费"}]


@pytest.mark.parametrize("item, path, reason", [
    ({**ONE_OFF, "unit_price": "12.345"}, "fee_items[0].unit_price", "at most 2 decimals"),
    ({**ONE_OFF, "unit_price": "0"}, "fee_items[0].unit_price", "yuan amount > 0"),
    ({**ONE_OFF, "late_fee": {"daily_rate": "0.0003"}}, "fee_items[0].late_fee", "does not apply to basis 'one_off'"),
    ({**ONE_OFF, "due_day": 10}, "fee_items[0].due_day", "does not apply"),
    ({**ONE_OFF, "rounding": "yuan_half_up"}, "fee_items[0].rounding", "does not apply"),
    ({**ONE_OFF, "usages": ["shop"]}, "fee_items[0].usages", "does not apply"),
    ({**ONE_OFF, "meter_kind": "water"}, "fee_items[0].meter_kind", "does not apply"),
    ({**ONE_OFF, "tiers": [{"up_to": None, "unit_price": "1"}]}, "fee_items[0].tiers", "does not apply"),
])
def test_bad_one_off_item(company, tmp_path, item, path, reason):
    fails(company, "fee-items", _file(tmp_path, _doc(item)), f"列 {path}", reason)


def test_one_off_basis_cannot_become_a_billed_basis(company, tmp_path):
    run(company, "fee-items", _file(tmp_path, _doc(ONE_OFF)))
    fails(company, "fee-items", _file(tmp_path, _doc({**ONE_OFF, "basis": "fixed", "unit_price": "5"})),
          "列 fee_items[0].basis", "cannot change")


# --- community options (billing-rules.md: top-level "options")

def _options(ctx):  # type: ignore[no-untyped-def]
    from app.services.imports.fee_items import community_options

    with ctx.uow() as s:
        return community_options(s, "阳光花园")


def test_options_are_stored_audited_and_read_by_the_deduction(company, tmp_path):
    from app.db.models import Community
    from app.services.cashier.deduction import deduction_communities

    doc = {**_doc(PM), "options": {"prepaid_deduction": True, "max_change": "500"}}
    result = run(company, "fee-items", _file(tmp_path, doc))
    assert result["options_changed"] == 2
    assert _options(company) == {"prepaid_deduction": True, "max_change_fen": 50000}
    with company.uow() as s:
        cid = s.scalar(select(Community.id))
        assert deduction_communities(s, [cid]) == [cid]
        ev = s.scalar(select(AuditEvent).where(AuditEvent.action == "import.fee_items.options"))
    assert ev.entity_id == cid and ev.detail["changes"] == {"max_change_fen": [None, 50000],
                                                            "prepaid_deduction": [None, True]}
    before = snapshot(company)
    assert run(company, "fee-items", _file(tmp_path, doc))["options_changed"] == 0
    assert snapshot(company) == before  # the same file again changes nothing


def test_a_file_may_set_only_options_and_keeps_the_others(company, tmp_path):
    run(company, "fee-items", _file(tmp_path, {**_doc(PM), "options": {"prepaid_deduction": True, "max_change": 100}}))
    result = run(company, "fee-items", _file(tmp_path, {"community": "阳光花园", "options": {"prepaid_deduction": False}}))
    assert (result["rows"], result["options_changed"]) == (0, 1)
    assert _options(company) == {"prepaid_deduction": False, "max_change_fen": 10000}
    with company.uow() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "import.fee_items")) == 2


@pytest.mark.parametrize("options, path, reason", [
    ({"prepaid_deduction": "yes"}, "options.prepaid_deduction", "true or false"),
    ({"prepaid_deduction": 1}, "options.prepaid_deduction", "true or false"),
    ({"auto_pay": True}, "options.auto_pay", "unknown key (allowed: prepaid_deduction, max_change)"),
    ({"max_change": "5.001"}, "options.max_change", "more than 2 decimals"),
    ({"max_change": True}, "options.max_change", "yuan amount"),
    ({"max_change": "٥٠٠"}, "options.max_change", "ARABIC-INDIC"),
    ([True], "options", "must be an object"),
])
def test_bad_options(company, tmp_path, options, path, reason):
    fails(company, "fee-items", _file(tmp_path, {**_doc(PM), "options": options}), f"列 {path}", reason)
