"""The tender methods (支付方式): one entry per method, and everything else reads it.

Receipts (their printed label), the GUI (labels, the tender panel's F-keys, which fields a
form shows), the CLI (`METHOD=AMOUNT[:REF]`), validation and settlement (which reference a
method needs, which method gives change), the ledger (which account a tender is posted to)
all look a method up here. Adding a tender is one new `TenderMethod` below plus its label
and reference messages in app/messages/tenders.py (a test checks that every entry has them).

No database, no Qt: the printing code and the UI import this module directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import InputError, Msg


@dataclass(frozen=True)
class ReferenceRule:
    """The number a cashier copies from the slip, the phone or the bank statement."""

    pattern: str  # a full-match regular expression
    required: bool
    hint: str  # message code: what to type, said in the window (请输入签购单上的12位参考号)
    caption: str  # message code: the field's caption in forms
    parts: tuple[str, ...] = ()  # further numbers after '/', each 6 digits (POS: batch, voucher)

    def matches(self, text: str) -> bool:
        return re.fullmatch(self.pattern, text) is not None


@dataclass(frozen=True)
class TenderMethod:
    code: str  # stored in Tender.method, typed in the CLI
    label: str  # message code of the name shown in the GUI and the CLI
    receipt_label: str  # printed on receipts (receipts are Chinese whatever the UI language)
    reference: ReferenceRule | None  # None: this method takes no reference
    gives_change: bool  # money above the amount due comes back as change (only cash)
    fkey: str | None  # the tender panel's key; methods sharing a key toggle on repeated presses
    account: str  # ledger account, with {method}, {terminal} and {room} filled in
    pays_top_ups: bool = True  # may pay a prepaid top-up or a deposit
    draws_prepaid: bool = False  # spends the room's prepaid balance
    external: bool = False  # the money moved on an outside terminal or gateway: a void is reversed there too
    at_counter: bool = True  # offered at the counter; False: recorded only by its own flow (bank collection)

    def name(self, lang: str = "zh") -> str:
        from app.messages import render

        return render(Msg(self.label), lang)


_POS = ReferenceRule(r"\d{12}", True, "tender.ref.pos", "tender.caption.pos", parts=("batch", "voucher"))
_WECHAT = ReferenceRule(r"\d{28}", True, "tender.ref.wechat", "tender.caption.scan")  # transaction_id
_ALIPAY = ReferenceRule(r"\d{28,32}", True, "tender.ref.alipay", "tender.caption.scan")  # trade_no
_BANK_COLLECT = ReferenceRule(r"[0-9A-Za-z-]{1,40}", False, "tender.ref.bank_collect", "tender.caption.bank_collect")
_TRANSFER = ReferenceRule(r"[0-9A-Za-z-]{4,40}", False, "tender.ref.transfer", "tender.caption.transfer")

_DRAWER = "TND:{method}:{terminal}"

METHODS: dict[str, TenderMethod] = {m.code: m for m in (
    TenderMethod("cash", "tender.method.cash", "现金", None, True, "F1", _DRAWER),
    TenderMethod("pos", "tender.method.pos", "银行卡", _POS, False, "F2", _DRAWER, external=True),
    TenderMethod("wechat", "tender.method.wechat", "微信", _WECHAT, False, "F3", _DRAWER, external=True),
    TenderMethod("alipay", "tender.method.alipay", "支付宝", _ALIPAY, False, "F3", _DRAWER, external=True),
    TenderMethod("transfer", "tender.method.transfer", "转账", _TRANSFER, False, None, _DRAWER, external=True),
    TenderMethod("prepaid", "tender.method.prepaid", "预存抵扣", None, False, "F4", "PRE:{room}",
                 pays_top_ups=False, draws_prepaid=True),
    # 托收: the bank debited the owner's account under a mandate (app/services/collect); the
    # reference is the bank's serial number from its return file.
    TenderMethod("bank_collect", "tender.method.bank_collect", "银行托收", _BANK_COLLECT, False, None, _DRAWER,
                 pays_top_ups=False, external=True, at_counter=False),
)}

# The 6-digit slip numbers after a POS reference (参考号/批次号/凭证号).
PART_PATTERN = r"\d{6}"


def codes(*, top_up: bool = False) -> tuple[str, ...]:
    """Every method offered at the counter, in display order; `top_up=True`: those that may pay a
    top-up or deposit."""
    return tuple(c for c, m in METHODS.items() if m.at_counter and (m.pays_top_ups or not top_up))


def get(code: str) -> TenderMethod:
    m = METHODS.get(code)
    if m is None:
        raise InputError("tender.unknown_method", method=code, known=list(METHODS))
    return m


def label(code: str, lang: str = "zh") -> str:
    """The method's name in `lang`; an unknown code is shown as itself."""
    m = METHODS.get(code)
    return m.name(lang) if m else code


def receipt_label(code: str) -> str:
    m = METHODS.get(code)
    return m.receipt_label if m else code


def account(code: str, *, terminal: str, room: str) -> str:
    """The ledger account a tender of this method is posted to (e.g. TND:cash:T1, PRE:<room id>)."""
    return get(code).account.format(method=code, terminal=terminal, room=room)


def fkey_groups() -> list[tuple[str, tuple[str, ...]]]:
    """[(F-key, methods on that key)] in key order: F3 holds both scanned-code methods."""
    groups: dict[str, list[str]] = {}
    for c, m in METHODS.items():
        if m.fkey:
            groups.setdefault(m.fkey, []).append(c)
    return sorted(((k, tuple(v)) for k, v in groups.items()), key=lambda kv: int(kv[0][1:]))


def change_methods() -> tuple[str, ...]:
    return tuple(c for c, m in METHODS.items() if m.gives_change)
