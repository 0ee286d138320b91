"""The verification QR printed on every receipt: small enough for a 58 mm roll, forgeable
by nobody who lacks the terminal's key.

    PD1|T1-20261124-0001|16500|1795500000|3f1c9a0b7d2e4c51

Fields: format version, receipt number, total in fen, issue time in Unix seconds, and the first
16 hex digits (64 bits) of HMAC-SHA256 over everything before the last '|' with the issuing
terminal's key. The terminal is the receipt number's prefix before the first '-', so a
verifier looks the key up by that code. 64 bits are plenty here: a forger gets no oracle, and
the counter checks the receipt against its own records anyway.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

from app.errors import InputError

VERSION = "PD1"
MAC_HEX = 16
_RECEIPT_NO_RE = re.compile(r"^[A-Za-z0-9_]+-[A-Za-z0-9_-]+$")
_MAC_RE = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class QrFields:
    receipt_no: str
    total_fen: int
    issued_at: datetime  # UTC
    mac: str

    @property
    def terminal(self) -> str:
        return terminal_of(self.receipt_no)

    @property
    def signed_part(self) -> str:
        return _signed_part(self.receipt_no, self.total_fen, int(self.issued_at.timestamp()))


@dataclass(frozen=True)
class VerifyResult:
    genuine: bool
    reason: str  # "ok", or why not: malformed / unknown terminal / signature mismatch (for logs)
    receipt_no: str | None
    total_fen: int | None
    issued_at: datetime | None
    code: str = "qr.ok"  # the message code saying the same to a person (app/messages/printing.py)


def terminal_of(receipt_no: str) -> str:
    """'T1-20261124-0001' -> 'T1'."""
    head, sep, _ = receipt_no.partition("-")
    if not sep or not head:
        raise InputError("print.qr.no_terminal_prefix", receipt_no=receipt_no)
    return head


def _key(key_hex: str) -> bytes:
    try:
        key = bytes.fromhex(key_hex)
    except (ValueError, TypeError):
        raise InputError("print.qr.key_not_hex") from None
    if len(key) < 16:
        raise InputError("print.qr.key_short")
    return key


def _signed_part(receipt_no: str, total_fen: int, issued_ts: int) -> str:
    return f"{VERSION}|{receipt_no}|{total_fen}|{issued_ts}"


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("ascii"), hashlib.sha256).hexdigest()[:MAC_HEX]


def sign(receipt_no: str, total_fen: int, issued_at: datetime, key_hex: str) -> str:
    """The QR payload for a receipt."""
    if not _RECEIPT_NO_RE.match(receipt_no):
        raise InputError("print.qr.bad_receipt_no", receipt_no=receipt_no)
    if isinstance(total_fen, bool) or not isinstance(total_fen, int):
        raise TypeError(f"total_fen must be integer fen, got {type(total_fen).__name__}")
    if issued_at.tzinfo is None or issued_at.utcoffset() is None:
        raise InputError("print.doc.naive_time", name="issued_at", value=repr(issued_at))
    message = _signed_part(receipt_no, total_fen, int(issued_at.timestamp()))
    return f"{message}|{_mac(_key(key_hex), message)}"


def parse(payload: str) -> QrFields:
    """Split a payload into its fields; ValueError naming the first thing that is wrong."""
    if not isinstance(payload, str):
        raise InputError("print.qr.not_text")
    parts = payload.strip().split("|")
    if len(parts) != 5:
        raise InputError("print.qr.field_count", count=len(parts))
    version, receipt_no, total, ts, mac = parts
    if version != VERSION:
        raise InputError("print.qr.version", version=version, expected=VERSION)
    if not _RECEIPT_NO_RE.match(receipt_no):
        raise InputError("print.qr.bad_receipt_no", receipt_no=receipt_no)
    if not re.fullmatch(r"-?\d{1,15}", total):
        raise InputError("print.qr.bad_total", total=total)
    if not re.fullmatch(r"\d{1,12}", ts):
        raise InputError("print.qr.bad_time", time=ts)
    if not _MAC_RE.match(mac):
        raise InputError("print.qr.bad_mac")
    return QrFields(receipt_no, int(total), datetime.fromtimestamp(int(ts), timezone.utc), mac)


def verify(payload: str, key_lookup: Callable[[str], str | None]) -> VerifyResult:
    """Is this a receipt one of our terminals issued, unaltered?"""
    try:
        f = parse(payload)
    except ValueError as e:
        return VerifyResult(False, f"malformed: {e.text('en') if isinstance(e, InputError) else e}", None, None,
                            None, "qr.malformed")
    key_hex = key_lookup(f.terminal)
    if not key_hex:
        return VerifyResult(False, f"unknown terminal {f.terminal}", f.receipt_no, f.total_fen, f.issued_at,
                            "qr.unknown_terminal")
    expected = _mac(_key(key_hex), f.signed_part)
    if not hmac.compare_digest(expected, f.mac):
        return VerifyResult(False, "signature mismatch", f.receipt_no, f.total_fen, f.issued_at,
                            "qr.signature_mismatch")
    return VerifyResult(True, "ok", f.receipt_no, f.total_fen, f.issued_at)
