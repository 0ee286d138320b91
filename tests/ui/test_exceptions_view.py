"""The manager's 异常处理 screen: every open case in words (kind, room, amount, what
happened), marked handled with a note through the service; this counter's events central
refused listed with the reason."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import ExceptionCase, SyncOutbox
from app.services import outbox  # noqa: F401  (the outbox model is registered)
from tests.ui.conftest import idle


def _cases(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        s.add(ExceptionCase(kind="double_payment", ref_type="payment", ref_id="p1",
                            detail={"room": "1-1-101", "amount_fen": 42240, "receipt_no": "T2-20261220-0001",
                                    "terminal": "T2"}))
        s.add(ExceptionCase(kind="rejected_event", ref_type="sync_event", ref_id="e1",
                            detail={"terminal": "T3", "device_seq": 7, "event_type": "payment",
                                    "reason": {"code": "sync.unknown_room", "params": {"room": "9-9-909"}}}))
        s.add(SyncOutbox(device_seq=10_000, event_id="0190aaaa-0000-7000-8000-000000000001", event_type="payment",
                         entity_id="0190aaaa-0000-7000-8000-000000000002",
                         payload={"room_key": "1-1-102", "total_fen": 17000, "receipt": {"receipt_no": "T1-20261220-0009"}},
                         rejected="该房间总部没有"))


def test_cases_show_in_words_and_are_marked_handled(qtbot, ctx, window) -> None:
    _cases(ctx)
    view = window.screens[0]
    window.tabs.setCurrentWidget(view)
    idle(qtbot, window)
    assert view.cases.rowCount() == 2
    texts = {view.cases.data(view.cases.index(r, 1)): [view.cases.data(view.cases.index(r, c)) for c in range(6)]
             for r in range(2)}
    double = texts["double payment turned into credit"]
    assert double[2] == "1-1-101" and double[3] == "¥422.40" and "T2-20261220-0001" in double[4]
    assert "9-9-909" in texts["counter event central refused"][4]
    assert view.refused.rowCount() == 1 and view.refused.data(view.refused.index(0, 4)) == "该房间总部没有"

    row = next(r for r in range(2) if view.cases.data(view.cases.index(r, 2)) == "1-1-101")
    view.table.selectRow(row)
    view.ask_note = lambda case: "已电话告知业主，余额留作预存"
    view.resolve_selected()
    idle(qtbot, window)
    with ctx.uow() as s:
        case = s.scalar(select(ExceptionCase).where(ExceptionCase.kind == "double_payment"))
        assert case.resolved_by == "admin" and case.resolution == "已电话告知业主，余额留作预存"
    assert view.cases.rowCount() == 1  # open only: the handled one left the list
    view.open_only.setChecked(False)
    idle(qtbot, window)
    assert view.cases.rowCount() == 2
    assert window.errors == []


def test_a_cashier_may_not_mark_cases_handled(qtbot, ctx, window) -> None:
    _cases(ctx)
    from app.services.cashier.payments import Counter

    window.counter = lambda: Counter("T1", "cashier1")
    view = window.screens[0]
    view.counter = window.counter
    window.tabs.setCurrentWidget(view)
    idle(qtbot, window)
    view.table.selectRow(0)
    view.ask_note = lambda case: "x"
    view.resolve_selected()
    idle(qtbot, window)
    assert window.errors and "cashier1" in window.errors[-1]
    with ctx.uow() as s:
        assert s.scalar(select(ExceptionCase).where(ExceptionCase.resolved_at.is_not(None))) is None
