"""The data a receipt is printed from: plain, frozen, integer fen, checked on creation.

The payment service builds a `ReceiptDoc` inside the payment's unit of work (it knows the
receipt number, the tenders and the signing key); everything after that — ESC/POS, PDF,
preview — only reads it. A receipt whose lines do not add up to its total is refused here,
because a printed receipt that disagrees with itself is exactly the dispute it should end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app import clock, tender_methods
from app.errors import InputError


KIND_TITLES: dict[str, str] = {
    "bills": "收款收据",
    "prepay": "收款收据（预存）",
    "deposit": "收款收据（押金）",
    "one_off": "收款收据（临时收费）",
    "refund": "退款单",  # money given back: its lines, tenders and total are negative
}

STATUSES = ("issued", "void")


def _check_fen(name: str, value: object, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be integer fen, got {type(value).__name__}")


def _check_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise InputError("print.doc.naive_time", name=name, value=repr(value))


def local_time(dt: datetime) -> datetime:
    """The wall-clock time printed on a receipt: the business time zone (app.clock), never
    the PC's own zone."""
    return clock.local(dt)


def format_local(dt: datetime) -> str:
    return clock.local_text(dt, "%Y-%m-%d %H:%M:%S")


def tender_name(method: str) -> str:
    return tender_methods.receipt_label(method)


@dataclass(frozen=True)
class ReceiptLine:
    fee_name: str
    period: str
    amount_fen: int
    late_fee_fen: int = 0
    note: str | None = None

    def __post_init__(self) -> None:
        _check_fen("amount_fen", self.amount_fen)
        _check_fen("late_fee_fen", self.late_fee_fen)

    @property
    def line_total_fen(self) -> int:
        return self.amount_fen + self.late_fee_fen


@dataclass(frozen=True)
class ReceiptTender:
    method: str
    amount_fen: int
    reference: str | None = None

    def __post_init__(self) -> None:
        _check_fen("amount_fen", self.amount_fen)
        if self.method not in tender_methods.METHODS:  # printed names come from the registry
            raise InputError("tender.unknown_method", method=self.method, known=list(tender_methods.METHODS))

    @property
    def display_name(self) -> str:
        return tender_methods.receipt_label(self.method)


@dataclass(frozen=True)
class ReceiptDoc:
    community: str
    terminal: str
    receipt_no: str
    issued_at: datetime
    cashier: str
    room_key: str
    payer: str | None
    kind: str
    lines: list[ReceiptLine]
    total_fen: int
    tenders: list[ReceiptTender]
    cash_received_fen: int | None
    change_fen: int
    prepaid_balance_after_fen: int | None
    status: str = "issued"
    void_reason: str | None = None
    reprint_at: datetime | None = None
    footer: str = ""
    qr_payload: str = ""

    def __post_init__(self) -> None:
        _check_fen("total_fen", self.total_fen)
        _check_fen("change_fen", self.change_fen)
        _check_fen("cash_received_fen", self.cash_received_fen, optional=True)
        _check_fen("prepaid_balance_after_fen", self.prepaid_balance_after_fen, optional=True)
        _check_aware("issued_at", self.issued_at)
        _check_aware("reprint_at", self.reprint_at)
        if self.kind not in KIND_TITLES:
            raise InputError("print.doc.bad_kind", kind=self.kind, known=list(KIND_TITLES))
        if self.status not in STATUSES:
            raise InputError("print.doc.bad_status", status=self.status)
        if self.status == "void" and not (self.void_reason or "").strip():
            raise InputError("print.doc.void_needs_reason", receipt_no=self.receipt_no)
        lines_sum = sum(line.line_total_fen for line in self.lines)
        if lines_sum != self.total_fen:
            raise InputError("print.doc.lines_sum", receipt_no=self.receipt_no, sum=lines_sum, total=self.total_fen)
        tender_sum = sum(t.amount_fen for t in self.tenders)
        if tender_sum != self.total_fen:
            raise InputError("print.doc.tenders_sum", receipt_no=self.receipt_no, sum=tender_sum, total=self.total_fen)
        if self.change_fen < 0:
            raise InputError("print.doc.negative_change", receipt_no=self.receipt_no, change=self.change_fen)
        if self.cash_received_fen is not None:
            cash = sum(t.amount_fen for t in self.tenders if t.method == "cash")
            if self.cash_received_fen - cash != self.change_fen:
                raise InputError("print.doc.change_mismatch", receipt_no=self.receipt_no,
                                 received=self.cash_received_fen, cash=cash, change=self.change_fen)
        elif self.change_fen != 0:
            raise InputError("print.doc.change_without_cash", receipt_no=self.receipt_no)

    @property
    def title(self) -> str:
        return KIND_TITLES[self.kind]

    @property
    def is_void(self) -> bool:
        return self.status == "void"

    @property
    def is_reprint(self) -> bool:
        return self.reprint_at is not None

    @property
    def has_cash(self) -> bool:
        return any(t.method == "cash" for t in self.tenders)
