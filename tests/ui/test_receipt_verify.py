"""Receipt-QR verification through the window is the one service's: a QR signed with the
terminal's own key but carrying another amount than the receipt on record is refused (the
GUI's former copy of the check took it as genuine)."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Payment, Receipt
from app.printing import receipt_qr
from app.services.cashier.payments import Counter, pay_bills
from app.services.cashier.tenders import TenderInput
from app.services.terminal_settings import terminal_key
from tests.ui.conftest import idle
from ui.dialogs.small import ScanDialog
from ui.receipts import view as receipts_view


def _signed(ctx, total_delta: int) -> tuple[str, str, int]:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        no = pay_bills(s, Counter("T1", "admin"), "1-1-101", [TenderInput("cash", 50000)])["receipt_no"]
    with ctx.uow() as s:
        r, p = s.execute(select(Receipt, Payment).join(Payment, Payment.id == Receipt.payment_id)
                         .where(Receipt.receipt_no == no)).one()
        return no, receipt_qr.sign(no, p.total_fen + total_delta, r.issued_at, terminal_key(s, "T1")), p.total_fen


def test_a_qr_with_a_changed_amount_is_refused_through_the_window(qtbot, window, ctx, monkeypatch):
    no, payload, total = _signed(ctx, -10000)  # valid signature, 100.00 less than the receipt
    window.tabs.setCurrentIndex(1)
    monkeypatch.setattr(ScanDialog, "ask", classmethod(lambda cls, *a, **k: payload))
    window.receipts.verify()
    idle(qtbot, window)
    v = window.receipts.last_verification
    assert v["genuine"] is False and v["reason_code"] == "qr.amount_differs"
    assert v["total_fen"] == total - 10000 and v["record"]["total_fen"] == total
    assert "Genuine" not in window.receipts.info.text()


def test_the_gui_path_and_the_service_agree(ctx, world):  # type: ignore[no-untyped-def]
    from app.services import receipts

    no, payload, _total = _signed(ctx, 0)
    with ctx.uow() as s:
        gui, service = receipts_view.verify_payload(s, payload), receipts.verify(s, payload)
    assert gui["genuine"] is service["genuine"] is True
    assert {k: v for k, v in gui.items() if k != "available"} == service
