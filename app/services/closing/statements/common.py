"""What every statement parser shares: the parsed line, money to the fen, decoding, and the
coded errors that name the file and the line (nothing is written while parsing)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.errors import InputError

MAX_FILE_BYTES = 50 * 1024 * 1024  # a busy merchant's day is a few MB; more is not a statement


@dataclass(frozen=True)
class Line:
    """One money movement the platform reports: a payment (amount > 0) or a refund (< 0).
    `reference` is the platform's id of this movement (transaction no. for a payment, refund
    no. for a refund, POS 参考号); `trade_no` the platform's id of the payment a refund
    belongs to; `out_trade_no`/`out_refund_no` our own ids as the platform echoes them."""

    line_no: int
    kind: str  # pay | refund
    reference: str
    amount_fen: int
    occurred_at: datetime | None = None
    trade_no: str | None = None
    out_trade_no: str | None = None
    out_refund_no: str | None = None
    fee_fen: int = 0
    extra: dict[str, Any] = field(default_factory=dict)  # POS batch/voucher/terminal


@dataclass
class Parsed:
    source: str
    file: str
    account: str | None  # merchant no. / Alipay account the file belongs to
    lines: list[Line]
    day_from: date | None = None  # what the file says it covers (Alipay's preamble)
    # other names of the same merchant (a service provider's 商户号 beside its sub-merchant's 特约商户号)
    aliases: set[str] = field(default_factory=set)

    @property
    def pay_total_fen(self) -> int:
        return sum(x.amount_fen for x in self.lines if x.kind == "pay")

    @property
    def refund_total_fen(self) -> int:
        return sum(x.amount_fen for x in self.lines if x.kind == "refund")


def fail(code: str, file: str, line: int | None = None, **params: Any) -> InputError:
    """A coded error about a statement file; `line` is the line as an editor numbers it."""
    return InputError(code, file=file, line=line if line is not None else "-", **params)


def decode(data: bytes, file: str, encodings: tuple[str, ...], expected: str) -> str:
    """The text in the first of `encodings` that decodes it strictly; else an error naming the
    line of the first byte no encoding accepts."""
    if len(data) > MAX_FILE_BYTES:
        raise fail("closing.file.too_large", file, size=len(data), limit=MAX_FILE_BYTES)
    if b"\x00" in data[:4096]:
        raise fail("closing.file.not_text", file)
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        data.decode(encodings[0])
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise fail("closing.file.encoding", file, line, expected=expected) from None
    raise AssertionError("unreachable")


_MONEY2 = re.compile(r"^(-?)(\d{1,12})\.(\d{2})$")
_MONEY = re.compile(r"^(-?)(\d{1,12})(?:\.(\d{1,5}))?$")


def money_fen(text: str, file: str, line: int, column: str, *, max_places: int = 2) -> int:
    """'1,280.50' / '-0.01' / '0.04000' (WeChat fees) → fen. More places than `max_places`
    must be zeros — except fees, rounded half up (max_places=5)."""
    raw = (text or "").strip().replace(",", "")
    m = _MONEY2.match(raw)  # the usual 12.34: no rounding to think about
    if m:
        fen = int(m.group(2)) * 100 + int(m.group(3))
        return -fen if m.group(1) else fen
    m = _MONEY.match(raw)
    if not m:
        raise fail("closing.file.bad_amount", file, line, column=column, value=text)
    sign, whole, frac = m.group(1), m.group(2), m.group(3) or ""
    if len(frac) > 2 and max_places == 2 and frac[2:].strip("0"):
        raise fail("closing.file.bad_amount", file, line, column=column, value=text)
    frac5 = (frac + "00000")[:5]
    micro = int(whole) * 100000 + int(frac5)  # 1e-5 yuan
    fen = (micro + 500) // 1000
    return -fen if sign else fen


_DT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y%m%d %H%M%S", "%Y%m%d%H%M%S", "%Y-%m-%d %H:%M",
               "%Y/%m/%d %H:%M")


_ISO_DT = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")


def parse_dt(text: str, file: str, line: int, column: str) -> datetime:
    raw = (text or "").strip().replace("：", ":")
    m = _ISO_DT.match(raw)  # the usual form, without strptime's cost (5,000 lines a day)
    if m:
        try:
            return datetime(*map(int, m.groups()))
        except ValueError:
            raise fail("closing.file.bad_time", file, line, column=column, value=text) from None
    for fmt in _DT_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise fail("closing.file.bad_time", file, line, column=column, value=text)


def parse_day(text: str, file: str, line: int, column: str) -> date:
    raw = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%Y%m%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise fail("closing.file.bad_time", file, line, column=column, value=text)


def split_lines(text: str) -> list[str]:
    """Lines without their ends; a final empty line (the file's last newline) dropped."""
    lines = text.lstrip("\ufeff").splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
