"""Plain data for the PDF documents: bill notices, arrears notices, shift reports.

Amounts are integer fen; sums are checked on creation for the same reason receipts are: a
notice that does not add up starts the dispute it was meant to prevent. The services fill
these from their read queries; the PDF code only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from app.errors import InputError


def _fen(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be integer fen, got {type(value).__name__}")


@dataclass(frozen=True)
class NoticeLine:
    fee_name: str
    period: str
    amount_fen: int
    detail_text: str = ""  # how it was computed, already human-readable (面积 89.5㎡ × 2.30 元 …)
    late_fee_fen: int = 0

    def __post_init__(self) -> None:
        _fen("amount_fen", self.amount_fen)
        _fen("late_fee_fen", self.late_fee_fen)


@dataclass(frozen=True)
class BillNotice:
    """缴费通知单 for one room and one period."""

    community: str
    room_key: str
    owner: str | None
    period: str  # "2026-11"
    issued_on: date
    lines: list[NoticeLine]
    total_fen: int  # this notice's lines, late fees included
    arrears_fen: int = 0  # unpaid from earlier periods
    prepaid_fen: int = 0  # prepaid balance available
    due_date: date | None = None
    qr_payload: str = ""  # opens the room at the counter when scanned
    contact: str = ""  # service centre address / phone
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("total_fen", "arrears_fen", "prepaid_fen"):
            _fen(name, getattr(self, name))
        s = sum(x.amount_fen + x.late_fee_fen for x in self.lines)
        if s != self.total_fen:
            raise InputError("print.doc.notice_sum", room=self.room_key, period=self.period, sum=s, total=self.total_fen)

    @property
    def amount_due_fen(self) -> int:
        return self.total_fen + self.arrears_fen


@dataclass(frozen=True)
class ArrearsItem:
    fee_name: str
    period: str
    amount_fen: int  # outstanding principal
    late_fee_fen: int = 0
    due_date: date | None = None

    def __post_init__(self) -> None:
        _fen("amount_fen", self.amount_fen)
        _fen("late_fee_fen", self.late_fee_fen)


@dataclass(frozen=True)
class ArrearsNotice:
    """催缴通知单 for one room."""

    community: str
    room_key: str
    owner: str | None
    as_of: date
    items: list[ArrearsItem]
    total_fen: int
    deadline: date | None = None
    contact: str = ""
    qr_payload: str = ""

    def __post_init__(self) -> None:
        _fen("total_fen", self.total_fen)
        s = sum(x.amount_fen + x.late_fee_fen for x in self.items)
        if s != self.total_fen:
            raise InputError("print.doc.notice_sum", room=self.room_key, period="", sum=s, total=self.total_fen)


@dataclass(frozen=True)
class ShiftTenderRow:
    method: str  # cash, pos, transfer, prepaid, wechat, alipay
    count: int
    expected_fen: int  # per the books
    counted_fen: int | None = None  # per the count / settlement slip, if counted

    def __post_init__(self) -> None:
        _fen("expected_fen", self.expected_fen)
        if self.counted_fen is not None:
            _fen("counted_fen", self.counted_fen)

    @property
    def variance_fen(self) -> int | None:
        return None if self.counted_fen is None else self.counted_fen - self.expected_fen


@dataclass(frozen=True)
class CashCountRow:
    denomination_fen: int  # 10000 = 100 元, 50 = 5 角
    count: int

    def __post_init__(self) -> None:
        _fen("denomination_fen", self.denomination_fen)

    @property
    def amount_fen(self) -> int:
        return self.denomination_fen * self.count


@dataclass(frozen=True)
class ShiftVoid:
    receipt_no: str
    amount_fen: int
    reason: str


@dataclass(frozen=True)
class ShiftReport:
    """交接班报表: what the books expect per tender against what was counted."""

    community: str
    terminal: str
    cashier: str
    shift_id: str
    opened_at: datetime
    closed_at: datetime | None
    float_fen: int  # 备用金 the drawer started with
    tenders: list[ShiftTenderRow]
    cash_count: list[CashCountRow]
    expected_cash_fen: int  # float + cash taken - cash paid out, per the books
    receipts_count: int
    voids: list[ShiftVoid] = field(default_factory=list)
    note: str = ""

    def __post_init__(self) -> None:
        _fen("float_fen", self.float_fen)
        _fen("expected_cash_fen", self.expected_cash_fen)

    @property
    def counted_cash_fen(self) -> int:
        return sum(r.amount_fen for r in self.cash_count)

    @property
    def cash_variance_fen(self) -> int:
        return self.counted_cash_fen - self.expected_cash_fen
