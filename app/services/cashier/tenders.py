"""Tenders (支付方式) as a cashier gives them, validated before anything is written.

CLI form: METHOD=AMOUNT[:REF], e.g. cash=200, pos=356.50:123456789012/000123/004567,
wechat=88:4200001234202611241234567890. For `pos` the reference is the slip's 12-digit
reference number (参考号), optionally followed by /batch (批次号) /voucher (凭证号).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import InputError, Problem
from app.money import MoneyError, fen_to_yuan_str, parse_yuan

METHODS = ("cash", "pos", "transfer", "prepaid", "wechat", "alipay")
METHOD_NAMES = {"cash": "现金", "pos": "银行卡", "transfer": "转账", "prepaid": "预存抵扣", "wechat": "微信",
                "alipay": "支付宝"}

_POS_REF = re.compile(r"^\d{12}$")
_POS_PART = re.compile(r"^\d{6}$")
_WECHAT_REF = re.compile(r"^\d{28}$")  # WeChat Pay transaction_id: 28 digits
_ALIPAY_REF = re.compile(r"^\d{28,32}$")  # Alipay trade_no
_TRANSFER_REF = re.compile(r"^[0-9A-Za-z-]{4,40}$")


@dataclass(frozen=True)
class TenderInput:
    method: str
    amount_fen: int
    reference: str | None = None
    pos_batch: str | None = None
    pos_voucher: str | None = None
    pos_terminal: str | None = None


def parse_tender(text: str, where: str = "--tender") -> TenderInput:
    method, sep, rest = text.partition("=")
    method = method.strip().lower()
    if not sep:
        raise InputError(f"{where} {text!r}: write METHOD=AMOUNT[:REF], e.g. cash=100 or pos=50:123456789012")
    amount_text, _, ref = rest.partition(":")
    try:
        amount = parse_yuan(amount_text)
    except MoneyError as e:
        raise InputError(f"{where} {text!r}: {e}") from None
    ref = ref.strip() or None
    batch = voucher = None
    if method == "pos" and ref and "/" in ref:
        parts = ref.split("/")
        ref, batch, voucher = parts[0], (parts[1] or None) if len(parts) > 1 else None, (parts[2] or None) if len(parts) > 2 else None
    t = TenderInput(method, amount, ref, batch, voucher)
    problems = validate_tender(t)
    if problems:
        raise InputError(f"{where} {text!r}: " + "; ".join(problems))
    return t


def validate_tender(t: TenderInput) -> list[str]:
    p: list[str] = []
    if t.method not in METHODS:
        p.append(f"unknown method {t.method!r} (use one of {', '.join(METHODS)})")
        return p
    if t.amount_fen <= 0:
        p.append(f"amount {fen_to_yuan_str(t.amount_fen)} must be greater than 0")
    ref = t.reference
    if t.method == "pos":
        if not ref:
            p.append("a card payment needs the slip's reference number (参考号, 12 digits)")
        elif not _POS_REF.match(ref):
            p.append(f"POS reference {ref!r} must be the 12-digit reference number (参考号) from the slip")
        for name, v in (("batch", t.pos_batch), ("voucher", t.pos_voucher)):
            if v is not None and not _POS_PART.match(v):
                p.append(f"POS {name} number {v!r} must be 6 digits")
    elif t.method == "wechat":
        if not ref or not _WECHAT_REF.match(ref):
            p.append("a WeChat payment needs its 28-digit transaction number (交易单号)")
    elif t.method == "alipay":
        if not ref or not _ALIPAY_REF.match(ref):
            p.append("an Alipay payment needs its trade number (交易号, 28–32 digits)")
    elif t.method == "transfer":
        if ref is not None and not _TRANSFER_REF.match(ref):
            p.append(f"transfer reference {ref!r} may hold only letters, digits and '-' (4–40)")
    elif ref is not None:
        p.append(f"{t.method} takes no reference")
    return p


@dataclass(frozen=True)
class Settlement:
    """How tenders settle an amount due: what each tender applies, and the change."""

    applied: list[tuple[TenderInput, int]]  # (tender, amount applied to the payment)
    change_fen: int
    cash_received_fen: int


def settle(due_fen: int, tenders: list[TenderInput], prepaid_balance_fen: int | None = None,
           allow_change: bool = True) -> Settlement:
    """Non-cash tenders may not exceed what is due; cash covers the rest and above it gives
    change. Raises InputError naming the problem; nothing has been written yet."""
    problems: list[Problem] = []
    if not tenders:
        raise InputError("no tender given (e.g. --tender cash=100)")
    seen_refs = set()
    for t in tenders:
        for msg in validate_tender(t):
            problems.append(Problem(f"{t.method}: {msg}"))
        if t.reference and (t.method, t.reference) in seen_refs:
            problems.append(Problem(f"{t.method} reference {t.reference} given twice"))
        seen_refs.add((t.method, t.reference))
    non_cash = sum(t.amount_fen for t in tenders if t.method != "cash")
    cash = sum(t.amount_fen for t in tenders if t.method == "cash")
    prepaid = sum(t.amount_fen for t in tenders if t.method == "prepaid")
    if prepaid and prepaid_balance_fen is not None and prepaid > prepaid_balance_fen:
        problems.append(Problem(f"prepaid {fen_to_yuan_str(prepaid)} is more than the balance "
                                f"{fen_to_yuan_str(prepaid_balance_fen)}"))
    if non_cash > due_fen:
        problems.append(Problem(f"non-cash tenders {fen_to_yuan_str(non_cash)} exceed the amount due "
                                f"{fen_to_yuan_str(due_fen)} (only cash gives change)"))
    elif non_cash + cash < due_fen:
        problems.append(Problem(f"tenders {fen_to_yuan_str(non_cash + cash)} are less than the amount due "
                                f"{fen_to_yuan_str(due_fen)}"))
    elif cash and non_cash >= due_fen:
        problems.append(Problem("the non-cash tenders already cover the amount due: no cash is needed"))
    elif not allow_change and non_cash + cash != due_fen:
        problems.append(Problem("this payment gives no change: tenders must equal the amount"))
    if problems:
        raise InputError("tenders do not settle the payment", problems)
    change = non_cash + cash - due_fen
    applied = [(t, t.amount_fen) for t in tenders if t.method != "cash"]
    cash_applied = cash - change
    if cash:
        # One cash tender row carries the whole cash handed over and what was kept.
        applied.append((TenderInput("cash", cash), cash_applied))
    return Settlement(applied, change, cash)
