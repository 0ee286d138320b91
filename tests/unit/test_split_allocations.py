"""How a payment's allocations split against what its lines still have open here (the rule
shared by the one-by-one and bulk appliers, app/sync_apply/payments.py): the part that fits
stands, the rest is credited, the late fee follows the principal."""

from __future__ import annotations

from types import SimpleNamespace

from app.sync_apply.payments import split_allocations


def _line(lid: str) -> SimpleNamespace:
    return SimpleNamespace(id=lid, fee_item_id="F", period="2026-11")


def _pay(*allocs: tuple[str, int, int]) -> dict:
    return {"id": "P", "allocations": [{"id": f"A{i}", "bill_line_id": lid, "principal_fen": p, "late_fee_fen": late,
                                        "late_fee_detail": {"days": 3} if late else None}
                                       for i, (lid, p, late) in enumerate(allocs)]}


def test_an_open_line_takes_everything_and_is_lowered():
    open_ = {"L": 500}
    rows, credit = split_allocations(_pay(("L", 300, 12)), {"L": _line("L")}, open_)
    assert [(r["principal_fen"], r["late_fee_fen"], r["late_fee_detail"]) for r in rows] == [(300, 12, {"days": 3})]
    assert credit == [] and open_ == {"L": 200}


def test_a_line_partly_open_keeps_what_fits_with_the_late_fee_and_credits_the_rest():
    open_ = {"L": 100}
    rows, credit = split_allocations(_pay(("L", 150, 10)), {"L": _line("L")}, open_)
    assert [(r["principal_fen"], r["late_fee_fen"]) for r in rows] == [(100, 10)]
    assert [(c["principal_fen"], c["late_fee_fen"], c["allocation_id"]) for c in credit] == [(50, 0, "A0")]
    assert open_ == {"L": 0}


def test_a_line_already_paid_credits_principal_and_late_fee_and_writes_no_row():
    for already in (0, -20):  # overpaid lines (a merged credit) count as nothing open
        open_ = {"L": already}
        rows, credit = split_allocations(_pay(("L", 150, 10)), {"L": _line("L")}, open_)
        assert rows == []
        assert [(c["principal_fen"], c["late_fee_fen"], c["fee_item_id"], c["period"]) for c in credit] == \
            [(150, 10, "F", "2026-11")]
        assert open_ == {"L": already}


def test_two_allocations_of_one_payment_share_what_is_open():
    open_ = {"L": 120, "M": 0}
    rows, credit = split_allocations(_pay(("L", 100, 0), ("L", 50, 5), ("M", 30, 0)),
                                     {"L": _line("L"), "M": _line("M")}, open_)
    assert [(r["id"], r["principal_fen"], r["late_fee_fen"]) for r in rows] == [("A0", 100, 0), ("A1", 20, 5)]
    assert [(c["allocation_id"], c["principal_fen"], c["late_fee_fen"]) for c in credit] == [("A1", 30, 0), ("A2", 30, 0)]
    assert open_ == {"L": 0, "M": 0}


def test_a_late_fee_alone_stands_and_a_zero_allocation_writes_nothing():
    rows, credit = split_allocations(_pay(("L", 0, 8), ("L", 0, 0)), {"L": _line("L")}, {"L": 0})
    assert [(r["principal_fen"], r["late_fee_fen"]) for r in rows] == [(0, 8)] and credit == []
