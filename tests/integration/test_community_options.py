"""Community options changed through app.services.community_options (the GUI's 小区选项
dialog): defaults, permission, validation, audit, and the bill run and the counter acting on
what was set (issue 10)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.db.models import AuditEvent
from app.errors import InputError, NotFound, PermissionDenied
from app.money import MAX_AMOUNT_FEN
from app.services import community_options, users
from app.services.billing.bill_run import bill_run
from app.services.cashier import shifts
from app.services.cashier.payments import DEFAULT_MAX_CHANGE_FEN, Counter, pay_bills, prepay
from app.services.cashier.tenders import parse_tender
from app.services.imports import fee_items, fee_schema, import_file
from app.services.receivables.bills import room_bills
from tests.support.builders import World

NAME = "阳光花园"


@pytest.fixture
def world(any_ctx):  # type: ignore[no-untyped-def]
    with any_ctx.uow() as s:
        w = World(s, NAME)
        users.ensure_user(s, "cashier1", "cashier", "张敏")
        users.ensure_user(s, "fin1", "finance", "王会计")
        return w.community.id


def _events(s) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(s.scalars(select(AuditEvent).where(AuditEvent.action == "community.options")))


def test_defaults_then_set_and_get(any_ctx, world):
    with any_ctx.uow() as s:
        assert community_options.get_options(s, NAME) == {"prepaid_deduction": False,
                                                          "max_change_fen": DEFAULT_MAX_CHANGE_FEN}
        out = community_options.set_options(s, "admin", NAME, prepaid_deduction=True, max_change_fen=50000,
                                            terminal="T1")
        assert out == {"prepaid_deduction": True, "max_change_fen": 50000}
    with any_ctx.uow() as s:
        assert community_options.get_options(s, NAME) == {"prepaid_deduction": True, "max_change_fen": 50000}
        # the import's reader sees the same stored keys
        assert fee_items.community_options(s, NAME) == {"prepaid_deduction": True, "max_change_fen": 50000}
        # None leaves an option as it is
        community_options.set_options(s, "fin1", NAME, prepaid_deduction=False, max_change_fen=None, terminal="T1")
        assert community_options.get_options(s, NAME) == {"prepaid_deduction": False, "max_change_fen": 50000}
        assert community_options.all_options(s) == [{"community": NAME, "prepaid_deduction": False,
                                                     "max_change_fen": 50000}]


def test_audit_records_old_and_new_and_a_no_change_writes_nothing(any_ctx, world):
    with any_ctx.uow() as s:
        community_options.set_options(s, "admin", NAME, prepaid_deduction=True, max_change_fen=None, terminal="T1")
        community_options.set_options(s, "admin", NAME, prepaid_deduction=True, max_change_fen=20000, terminal="T1")
        community_options.set_options(s, "admin", NAME, prepaid_deduction=True, max_change_fen=20000, terminal="T1")
    with any_ctx.uow() as s:
        events = _events(s)
        assert len(events) == 2  # the third call changed nothing
        assert sorted((e.detail["changes"] for e in events), key=json.dumps) == [
            {"max_change_fen": [None, 20000]}, {"prepaid_deduction": [None, True]}]
        assert {(e.user, e.terminal_code, e.entity, e.entity_id) for e in events} == {("admin", "T1", "community", world)}


def test_a_cashier_may_read_but_not_change(any_ctx, world):
    with any_ctx.uow() as s:
        assert not community_options.may_edit(s, "cashier1")
        assert community_options.may_edit(s, "fin1") and community_options.may_edit(s, "admin")
        assert community_options.get_options(s, NAME)["prepaid_deduction"] is False
    with pytest.raises(PermissionDenied) as e:
        with any_ctx.uow() as s:
            community_options.set_options(s, "cashier1", NAME, prepaid_deduction=True, max_change_fen=None,
                                          terminal="T1")
    assert e.value.exit_status == 2 and e.value.params["permission"] == community_options.EDIT_PERMISSION
    with any_ctx.uow() as s:
        assert community_options.get_options(s, NAME)["prepaid_deduction"] is False and not _events(s)


@pytest.mark.parametrize("kwargs, code", [
    ({"max_change_fen": -1}, "community.max_change_range"),
    ({"max_change_fen": MAX_AMOUNT_FEN + 1}, "community.max_change_range"),
    ({"max_change_fen": 12.5}, "community.max_change_not_fen"),
    ({"max_change_fen": True}, "community.max_change_not_fen"),
    ({"prepaid_deduction": 1}, "community.prepaid_deduction_bool"),
    ({"prepaid_deduction": "yes"}, "community.prepaid_deduction_bool"),
])
def test_bad_values_are_refused_and_change_nothing(any_ctx, world, kwargs, code):
    args = {"prepaid_deduction": True, "max_change_fen": None, **kwargs}
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            community_options.set_options(s, "admin", NAME, terminal="T1", **args)
    assert e.value.code == code and e.value.exit_status == 2
    assert e.value.text("zh") != code and e.value.text("en") != code  # catalogued words, both languages
    with any_ctx.uow() as s:
        assert community_options.get_options(s, NAME)["prepaid_deduction"] is False and not _events(s)


def test_the_bounds_themselves_are_accepted(any_ctx, world):
    with any_ctx.uow() as s:
        community_options.set_options(s, "admin", NAME, prepaid_deduction=None, max_change_fen=0, terminal="T1")
        assert community_options.get_options(s, NAME)["max_change_fen"] == 0
        community_options.set_options(s, "admin", NAME, prepaid_deduction=None, max_change_fen=MAX_AMOUNT_FEN,
                                      terminal="T1")
        assert community_options.get_options(s, NAME)["max_change_fen"] == MAX_AMOUNT_FEN


def test_unknown_community_is_not_found(any_ctx, world):
    with pytest.raises(NotFound) as e:
        with any_ctx.uow() as s:
            community_options.set_options(s, "admin", "没有这个小区", prepaid_deduction=True, max_change_fen=None,
                                          terminal="T1")
    assert e.value.code == "community.not_found" and "没有这个小区" in e.value.text("zh")


def test_one_registry_of_option_names():
    """The import's options and the service's defaults are the same set of stored keys."""
    assert {o.stored for o in fee_schema.COMMUNITY_OPTIONS.values()} == set(community_options.DEFAULTS)


def test_the_import_and_the_service_set_the_same_option(any_ctx, world, tmp_path):
    path = tmp_path / "fee_items.json"
    path.write_text(json.dumps({"community": NAME, "options": {"max_change": "300"}}), encoding="utf-8")
    import_file(any_ctx, "fee-items", path, user="fin1", terminal="T1")
    with any_ctx.uow() as s:
        assert community_options.get_options(s, NAME)["max_change_fen"] == 30000
        community_options.set_options(s, "fin1", NAME, prepaid_deduction=None, max_change_fen=40000, terminal="T1")
        ev = _events(s)
        assert [e.detail["changes"] for e in ev] == [{"max_change_fen": [30000, 40000]}]


def test_the_counter_uses_the_change_limit_set(any_ctx, world, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 1))
    with any_ctx.uow() as s:
        w = _reuse(s, world)
        w.room("1-101", "100")
        w.fee("GARB", "fixed", "10")
        bill_run(s, "2026-10", user="admin", terminal="T1")
        shifts.open_shift(s, "T1", "admin", 0)
        community_options.set_options(s, "admin", NAME, prepaid_deduction=None, max_change_fen=500, terminal="T1")
        assert community_options.get_options(s, NAME)["max_change_fen"] == 500
    with pytest.raises(InputError) as e:
        with any_ctx.uow() as s:
            pay_bills(s, Counter("T1", "admin"), "1-101", [parse_tender("cash=20")])  # 10.00 change > 5.00
    assert e.value.code == "pay.change_too_large" and e.value.params["limit"] == 500


def _reuse(s, community_id: str) -> World:  # type: ignore[no-untyped-def]
    """A World builder over the community the fixture made."""
    from app.db.models import Community

    w = World.__new__(World)
    w.s, w.community = s, s.get(Community, community_id)
    w.buildings, w.rooms, w.meters, w.items = {}, {}, {}, {}
    return w


@pytest.mark.parametrize("on", [True, False])
def test_the_bill_run_deducts_prepaid_only_where_the_option_is_set(any_ctx, world, monkeypatch, on):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 1))
    with any_ctx.uow() as s:
        w = _reuse(s, world)
        room_id = w.room("1-101", "100").id
        w.fee("GARB", "fixed", "10")
        shifts.open_shift(s, "T1", "admin", 0)
        prepay(s, Counter("T1", "admin"), "1-101", [parse_tender("cash=50")])
        community_options.set_options(s, "fin1", NAME, prepaid_deduction=on, max_change_fen=None, terminal="T1")
    with any_ctx.uow() as s:
        run = bill_run(s, "2026-10", user="admin", terminal="T1")
        b = room_bills(s, room_id, as_of=date(2026, 11, 1))
    if on:
        assert run["prepaid_deduction"]["total_fen"] == 1000
        assert b["owed_fen"] == 0 and b["prepaid_fen"] == 4000
    else:
        assert not (run.get("prepaid_deduction") or {}).get("total_fen")
        assert b["owed_fen"] == 1000 and b["prepaid_fen"] == 5000


def test_a_hand_edited_value_shows_as_what_the_services_use(any_ctx, world):
    """Before the dialog, the options were edited in the database: a value the counter
    ignores shows as the limit it applies instead (the default), not as the stored text."""
    from app.db.models import Community

    with any_ctx.uow() as s:
        s.get(Community, world).options = {"max_change_fen": "500", "prepaid_deduction": 1}
    with any_ctx.uow() as s:
        assert community_options.get_options(s, NAME) == {"prepaid_deduction": True,
                                                          "max_change_fen": DEFAULT_MAX_CHANGE_FEN}
        # saving writes proper values and records what was there
        community_options.set_options(s, "admin", NAME, prepaid_deduction=True, max_change_fen=50000, terminal="T1")
        assert s.get(Community, world).options == {"max_change_fen": 50000, "prepaid_deduction": True}
        assert _events(s)[0].detail["changes"] == {"max_change_fen": ["500", 50000], "prepaid_deduction": [1, True]}
