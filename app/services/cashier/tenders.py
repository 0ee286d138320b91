"""Tenders (支付方式) as a cashier gives them, validated before anything is written.

One builder, `build_tender`, turns what was typed (the GUI's fields, or the CLI's
`METHOD=AMOUNT[:REF]`, e.g. cash=200, pos=356.50:123456789012/000123/004567,
wechat=88:4200001234202611241234567890) into a checked `TenderInput`. What each method
needs (its reference, whether it gives change) comes from the registry app.tender_methods;
nothing here names a method except through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app import tender_methods
from app.errors import InputError, Msg, Problem
from app.money import MoneyError, parse_yuan

METHODS = tender_methods.codes()
# Printed names by code, for callers that print Chinese (the CLI's receipt summary).
METHOD_NAMES = {c: m.receipt_label for c, m in tender_methods.METHODS.items()}


@dataclass(frozen=True)
class TenderInput:
    method: str
    amount_fen: int
    reference: str | None = None
    pos_batch: str | None = None
    pos_voucher: str | None = None
    pos_terminal: str | None = None


def _method_msg(method: str) -> Msg | str:
    m = tender_methods.METHODS.get(method)
    return Msg(m.label) if m else method


def parse_amount(text: str) -> int:
    """Yuan as typed ('356.5') to fen; InputError saying how to type it."""
    text = (text or "").strip()
    try:
        return parse_yuan(text)
    except MoneyError as e:
        if re.fullmatch(r"-?[0-9]+\.[0-9]{3,}", text):
            raise InputError("tender.amount_decimals", text=text) from None
        if re.fullmatch(r"-[0-9]+(\.[0-9]{1,2})?", text):
            raise InputError("tender.amount_not_positive", method="", amount=-parse_yuan(text[1:])) from None
        if e.code in ("money.not_ascii", "money.too_large"):  # the money module's reason is the precise one (foreign digit, too large)
            raise
        raise InputError("tender.bad_amount", text=e.params.get("text", text)) from None


def build_tender(method: str, amount: str | int, reference: str | None = None, batch: str | None = None,
                 voucher: str | None = None) -> TenderInput:
    """The one way a tender is made from input, shared by the GUI's forms and the CLI.
    `amount` is yuan text (as typed) or fen. Fields the method does not use are ignored
    (a form may keep text in a hidden field); InputError lists what is wrong."""
    m = tender_methods.get((method or "").strip().lower())
    if not m.at_counter:  # bank collection is booked from the bank's return file only
        raise InputError("tender.not_at_counter", method=Msg(m.label))
    fen = parse_amount(amount) if isinstance(amount, str) else amount
    rule = m.reference

    def clean(v: str | None) -> str | None:
        return (v or "").strip() or None

    t = TenderInput(m.code, fen, clean(reference) if rule else None,
                    clean(batch) if rule and "batch" in rule.parts else None,
                    clean(voucher) if rule and "voucher" in rule.parts else None)
    raise_problems(validate_tender(t))
    return t


def raise_problems(problems: list[Problem]) -> None:
    """One problem is the error itself (the GUI's error line shows just it); several are listed."""
    if len(problems) == 1:
        raise InputError(problems[0].reason, **problems[0].params)
    if problems:
        raise InputError("tender.not_valid", problems)


def parse_tender(text: str, where: str = "--tender") -> TenderInput:
    """The CLI form METHOD=AMOUNT[:REF[/batch/voucher]]."""
    method, sep, rest = text.partition("=")
    if not sep:
        raise InputError("tender.bad_form", source=where, text=text)
    amount_text, _, ref = rest.partition(":")
    try:
        m = tender_methods.get(method.strip().lower())
        parts = ref.split("/") if m.reference and m.reference.parts else [ref]
        parts += [""] * 3
        if ref.strip() and m.reference is None:  # typed on purpose, unlike a form's hidden field
            raise InputError("tender.no_reference", method=Msg(m.label))
        return build_tender(m.code, amount_text, parts[0], parts[1], parts[2])
    except InputError as e:
        raise InputError(e.code, e.problems, source=where, **e.params) from None


@dataclass(frozen=True)
class ScanRequest:
    """A scanned payment code to charge (`scan=AMOUNT:AUTH_CODE`): not a tender yet — it
    becomes a `wechat`/`alipay` tender with the gateway's transaction no once the gateway
    says it is paid (app.services.scan_pay). The code's prefix names the gateway."""

    gateway: str
    amount_fen: int
    auth_code: str


SCAN = "scan"  # the CLI's input-only method: not in the tender registry, nothing is ever recorded as it


def build_scan(amount: str | int, auth_code: str) -> ScanRequest:
    """A scanned payment code as the GUI's F3 field or the CLI gives it (yuan text or fen);
    InputError (exit 2) for a code no gateway issues — no gateway is called."""
    from app.gateways import gateway_for_code

    fen = parse_amount(amount) if isinstance(amount, str) else amount
    if fen <= 0:
        raise InputError("tender.amount_not_positive", method=Msg("scan.method"), amount=fen)
    code = (auth_code or "").strip()
    if not code:
        raise InputError("scan.code_missing")
    g = gateway_for_code(code)
    if g is None:
        raise InputError("scan.not_payment_code", value=code)
    return ScanRequest(g.name, fen, code)


def parse_scan(text: str, where: str = "--tender") -> ScanRequest:
    """`AMOUNT:AUTH_CODE` (what follows `scan=`)."""
    amount_text, _, code = text.partition(":")
    try:
        return build_scan(amount_text, code)
    except InputError as e:
        raise InputError(e.code, e.problems, source=where, **e.params) from None


def parse_tenders(texts: list[str], where: str = "--tender") -> tuple[list[TenderInput], ScanRequest | None]:
    """The CLI's tenders: METHOD=AMOUNT[:REF] each, at most one `scan=AMOUNT:AUTH_CODE`."""
    tenders: list[TenderInput] = []
    scan: ScanRequest | None = None
    for text in texts:
        method, sep, rest = text.partition("=")
        if sep and method.strip().lower() == SCAN:
            if scan is not None:
                raise InputError("scan.twice", source=where)
            scan = parse_scan(rest, where)
        else:
            tenders.append(parse_tender(text, where))
    return tenders, scan


def validate_tender(t: TenderInput) -> list[Problem]:
    """What is wrong with a tender, as problems with message codes ([] when it is fine)."""
    m = tender_methods.METHODS.get(t.method)
    if m is None:
        return [Problem.of("tender.unknown_method", method=t.method, known=list(tender_methods.METHODS))]
    p: list[Problem] = []
    name = Msg(m.label)
    if t.amount_fen <= 0:
        p.append(Problem.of("tender.amount_not_positive", method=name, amount=t.amount_fen))
    rule, ref = m.reference, t.reference
    if rule is None:
        if ref is not None:
            p.append(Problem.of("tender.no_reference", method=name))
    elif ref is None:
        if rule.required:
            p.append(Problem.of("tender.ref_missing", method=name, hint=Msg(rule.hint)))
    elif not rule.matches(ref):
        p.append(Problem.of("tender.ref_wrong", method=name, ref=ref, hint=Msg(rule.hint)))
    for part, value in (("batch", t.pos_batch), ("voucher", t.pos_voucher)):
        if value is not None and (rule is None or part not in rule.parts
                                  or not re.fullmatch(tender_methods.PART_PATTERN, value)):
            p.append(Problem.of("tender.part_wrong", part=Msg(f"tender.part.{part}"), value=value))
    return p


def _raise_settle(problems: list[Problem]) -> None:
    if len(problems) == 1:  # the one thing to correct is the message itself
        raise InputError(problems[0].reason, **problems[0].params)
    if problems:
        raise InputError("tender.not_settled", problems)


@dataclass(frozen=True)
class Settlement:
    """How tenders settle an amount due: what each tender applies, and the change."""

    applied: list[tuple[TenderInput, int]]  # (tender, amount applied to the payment)
    change_fen: int
    cash_received_fen: int


def settle(due_fen: int, tenders: list[TenderInput], prepaid_balance_fen: int | None = None,
           allow_change: bool = True) -> Settlement:
    """Tenders that give no change may not exceed what is due; the change-giving tender
    (cash) covers the rest and above it gives change. Raises InputError naming the problem;
    nothing has been written yet."""
    problems: list[Problem] = []
    if not tenders:
        raise InputError("tender.none")
    seen_refs = set()
    for t in tenders:
        problems += validate_tender(t)
        if t.reference and (t.method, t.reference) in seen_refs:
            problems.append(Problem.of("tender.ref_twice", method=_method_msg(t.method), ref=t.reference))
        seen_refs.add((t.method, t.reference))
    _raise_settle(problems)
    change_methods = tender_methods.change_methods()
    non_cash = sum(t.amount_fen for t in tenders if t.method not in change_methods)
    cash = sum(t.amount_fen for t in tenders if t.method in change_methods)
    prepaid = sum(t.amount_fen for t in tenders if tender_methods.METHODS[t.method].draws_prepaid)
    if prepaid and prepaid_balance_fen is not None and prepaid > prepaid_balance_fen:
        problems.append(Problem.of("tender.prepaid_over_balance", amount=prepaid, balance=prepaid_balance_fen))
    if non_cash > due_fen:
        problems.append(Problem.of("tender.non_cash_over_due", amount=non_cash, due=due_fen))
    elif non_cash + cash < due_fen:
        problems.append(Problem.of("tender.short", amount=non_cash + cash, due=due_fen,
                                   short=due_fen - non_cash - cash))
    elif cash and non_cash >= due_fen:
        problems.append(Problem.of("tender.cash_not_needed"))
    elif not allow_change and non_cash + cash != due_fen:
        problems.append(Problem.of("tender.no_change", due=due_fen))
    _raise_settle(problems)
    change = non_cash + cash - due_fen
    applied = [(t, t.amount_fen) for t in tenders if t.method not in change_methods]
    if cash:
        # One row per change-giving method carries the whole amount handed over and what was kept
        # (today only cash gives change, so the change comes out of it).
        for code in change_methods:
            got = sum(t.amount_fen for t in tenders if t.method == code)
            if got:
                applied.append((TenderInput(code, got), got - change))
    return Settlement(applied, change, cash)
