"""The fee-items JSON file, checked key by key. Every problem names its path in the document
(`fee_items[2].tiers[1].up_to`, indices from 0) so the user can find it in any editor.

`{"community": "...", "options": {...}, "fee_items": [...]}` (billing-rules.md): `options`
sets the community's options (Community.options), `fee_items` its fee items."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.db.models import Building, Community, FeeItem, Meter
from app.errors import InputError, Problem
from app.money import Rounding
from app.services.imports.common import Collector
from app.services.imports.fields import (
    MAX_UNIT_PRICE, METER_KINDS, USAGES, FieldError, column_size, parse_choice, parse_date, parse_decimal, parse_rate,
    shown)

BASES = ("area", "fixed", "usage", "apportioned", "parking", "one_off")
ITEM_KEYS = {"code", "name", "basis", "unit_price", "tiers", "tier_period", "meter_kind", "apportion", "usages",
             "rounding", "due_day", "late_fee", "effective_from"}
DOC_KEYS = ("community", "options", "fee_items")
DEFAULT_USAGES = ["residential", "shop", "office"]
DEFAULT_EFFECTIVE_FROM = date(2000, 1, 1)
# A one-off charge is typed at the counter and paid on the spot: the bill run never sees it,
# so what shapes a monthly bill (rounding, due day, late fee, usages) does not apply.
ONE_OFF_FORBIDDEN = ("tiers", "tier_period", "meter_kind", "apportion", "usages", "rounding", "due_day", "late_fee")
ONE_OFF_USAGES = ["residential", "shop", "office", "parking"]
# The format needs 5 levels (document, fee_items, item, tiers, tier); anything much deeper
# is not a fee-items file, and Python's JSON reader would hit its recursion limit.
MAX_DEPTH = 16


@dataclass(frozen=True)
class CommunityOption:
    """One community option the file may set: its JSON key, the key stored in
    Community.options, and how its value is read (Collector path -> stored value or None)."""

    key: str
    stored: str
    kind: str  # "bool" | "yuan"


# Every community option a fee-items file may set (read by the services named).
COMMUNITY_OPTIONS = {
    # app.services.cashier.deduction: deduct prepaid balances after each bill run (预存抵扣).
    "prepaid_deduction": CommunityOption("prepaid_deduction", "prepaid_deduction", "bool"),
    # app.services.cashier.payments: the most change a counter may hand back, in yuan.
    "max_change": CommunityOption("max_change", "max_change_fen", "yuan"),
}


@dataclass
class FeeItemIn:
    path: str  # fee_items[i]
    code: str
    name: str
    basis: str
    unit_price: Decimal | None
    tiers: list[dict[str, str | None]] | None  # [{"up_to": "180" | None, "unit_price": "5"}]
    tier_period: str | None
    meter_kind: str | None
    apportion: dict[str, str] | None  # {"meter_no", "by", "scope"}
    usages: list[str]
    rounding: str
    due_day: int
    late_fee: dict[str, Any] | None  # {"daily_rate": "0.0003", "grace_days": 0, "cap_ratio": "1"}
    effective_from: date


@dataclass
class FeeFile:
    community: str
    items: list[FeeItemIn]
    options: dict[str, Any]  # stored key -> value, only the options the file sets


class JsonConstant:
    """NaN, Infinity or -Infinity in the file: Python's reader accepts them (JSON does not);
    kept as a marker so the key it stands under is named, never turned into a float."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__


def _json_int(text: str) -> int | Decimal:
    # int() of more than 4,300 digits raises ValueError inside json.loads; a Decimal does not,
    # and the key's check then says the number is too large.
    return int(text) if len(text) <= 30 else Decimal(text)


def _depth(doc: Any) -> int:
    """Nesting depth, without recursion (the document may be deep)."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(value, dict):
            stack.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, level + 1) for v in value)
    return deepest


def load_json(path: str | Path) -> tuple[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise InputError("import.file_not_found", source=p.name, path=str(path))
    data = p.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("import.json_not_utf8", source=p.name) from None
    try:
        # Numbers become Decimal (never float) so `"unit_price": 2.5` is still read exactly.
        doc = json.loads(text, parse_float=Decimal, parse_int=_json_int, parse_constant=JsonConstant)
    except json.JSONDecodeError as e:
        raise InputError("import.json_invalid", [Problem.of("import.json_at", column="json", line=e.lineno,
                                                            col=e.colno, detail=e.msg)],
                         source=p.name, line=e.lineno, col=e.colno, detail=e.msg) from None
    except RecursionError:
        raise InputError("import.json_too_deep", source=p.name, max=MAX_DEPTH) from None
    if _depth(doc) > MAX_DEPTH:
        raise InputError("import.json_too_deep", source=p.name, max=MAX_DEPTH)
    return p.name, doc


def _show(value: Any) -> str:
    """A JSON value as the user wrote it, cut short."""
    if isinstance(value, (JsonConstant, Decimal)):
        return shown(value)
    return shown(json.dumps(value, default=str, ensure_ascii=False))


class _Item:
    """Checks of one fee item; each getter records a problem and returns None when bad."""

    def __init__(self, c: Collector, path: str, raw: dict[str, Any]) -> None:
        self.c, self.path, self.raw = c, path, raw

    def bad(self, key: str, code: str, **params: Any) -> None:
        self.c.add(None, f"{self.path}.{key}", code, **params)

    def text(self, key: str, max_len: int, *, required: bool = True) -> str | None:
        v = self.raw.get(key)
        if v is None:
            if required:
                self.bad(key, "import.key_required")
            return None
        if not isinstance(v, str) or not v.strip():
            self.bad(key, "import.not_text", got=_show(v))
            return None
        if len(v.strip()) > max_len:
            self.bad(key, "import.too_long", value=shown(v.strip()), max=max_len, length=len(v.strip()))
            return None
        return v.strip()

    def rate(self, key: str, value: Any, what: str, max_value: Decimal = MAX_UNIT_PRICE) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.bad(key, "import.rate_type", what=what, got=_show(value))
            return None
        try:
            return parse_rate(str(value), what=what, max_value=max_value)
        except FieldError as e:
            self.bad(key, e.code, **e.params)
            return None

    def integer(self, key: str, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(key, "import.whole_number", low=low, high=high, got=_show(value))
            return None
        return value

    def forbid(self, keys: tuple[str, ...], basis: str) -> None:
        for k in keys:
            if self.raw.get(k) is not None:
                self.bad(k, "import.not_for_basis", basis=basis)


def _options(c: Collector, raw: Any) -> dict[str, Any]:
    """The community options the file sets, as stored in Community.options."""
    if not isinstance(raw, dict):
        c.add(None, "options", "import.options_object")
        return {}
    out: dict[str, Any] = {}
    for key, value in raw.items():
        option = COMMUNITY_OPTIONS.get(key)
        path = f"options.{key}"
        if option is None:
            c.add(None, path, "import.unknown_key", allowed=", ".join(COMMUNITY_OPTIONS))
        elif option.kind == "bool":
            if not isinstance(value, bool):
                c.add(None, path, "import.option_bool", got=_show(value))
            else:
                out[option.stored] = value
        else:
            if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
                c.add(None, path, "import.amount_type", got=_show(value))
                continue
            try:
                amount = parse_decimal(str(value), max_decimals=2, max_value=Decimal(100_000_000))
            except FieldError as e:
                c.add(None, path, e.code, **e.params)
                continue
            out[option.stored] = int(amount * 100)
    return out


def parse_fee_file(doc: Any, c: Collector) -> FeeFile | None:
    if not isinstance(doc, dict):
        c.add(None, "$", "import.json_not_object")
        return None
    for k in sorted(set(doc) - set(DOC_KEYS)):
        c.add(None, shown(k), "import.unknown_key", allowed=", ".join(DOC_KEYS))
    community = doc.get("community")
    size = column_size(Community.name)
    if not isinstance(community, str) or not community.strip():
        c.add(None, "community", "import.community_required")
        community = None
    elif len(community.strip()) > size:
        c.add(None, "community", "import.too_long", value=shown(community.strip()), max=size,
              length=len(community.strip()))
        community = None
    options = _options(c, doc["options"]) if doc.get("options") is not None else {}
    items = doc.get("fee_items")
    # A file may only set options ("fee_items": [] or left out); otherwise it needs items.
    sets_options = doc.get("options") is not None
    if items is None and sets_options:
        items = []
    if not isinstance(items, list) or (not items and not sets_options):
        c.add(None, "fee_items", "import.fee_items_required")
        return None
    out: list[FeeItemIn] = []
    codes: dict[str, str] = {}
    for i, raw in enumerate(items):
        path = f"fee_items[{i}]"
        if not isinstance(raw, dict):
            c.add(None, path, "import.must_be_object")
            continue
        before = len(c.problems)
        item = _parse_item(_Item(c, path, raw))
        if item is not None and item.code in codes:
            c.add(None, f"{path}.code", "import.duplicate_code", fee=item.code, first=codes[item.code], second=path)
        elif item is not None and len(c.problems) == before:
            codes[item.code] = path
            out.append(item)
    return FeeFile(community.strip(), out, options) if community is not None else None


def _parse_item(it: _Item) -> FeeItemIn | None:
    raw = it.raw
    for k in sorted(set(raw) - ITEM_KEYS):
        it.bad(shown(k), "import.unknown_key", allowed=", ".join(sorted(ITEM_KEYS)))
    code, name = it.text("code", column_size(FeeItem.code)), it.text("name", column_size(FeeItem.name))
    basis = raw.get("basis")
    if not isinstance(basis, str) or basis not in BASES:
        it.bad("basis", "import.bad_basis", allowed=", ".join(BASES), got=_show(basis))
        basis = None
    unit_price = it.rate("unit_price", raw["unit_price"], "unit_price") if raw.get("unit_price") is not None else None
    tiers = _tiers(it) if raw.get("tiers") is not None else None
    tier_period = raw.get("tier_period")
    if tier_period is not None and tier_period not in ("month", "year"):
        it.bad("tier_period", "import.tier_period_choice", got=_show(tier_period))
    meter_kind = None
    if raw.get("meter_kind") is not None:
        try:
            meter_kind = parse_choice(str(raw["meter_kind"]), METER_KINDS)
        except FieldError as e:
            it.bad("meter_kind", e.code, **e.params)
    apportion = _apportion(it) if raw.get("apportion") is not None else None

    if basis == "usage":
        it.forbid(("apportion",), basis)
        if raw.get("meter_kind") is None:
            it.bad("meter_kind", "import.usage_needs_meter_kind")
        if (raw.get("unit_price") is None) == (raw.get("tiers") is None):
            it.bad("unit_price", "import.price_or_tiers")
        if raw.get("tiers") is not None and tier_period is None:
            it.bad("tier_period", "import.tier_period_required")
        if raw.get("tiers") is None and tier_period is not None:
            it.bad("tier_period", "import.tier_period_only_tiers")
    elif basis == "one_off":
        it.forbid(ONE_OFF_FORBIDDEN, basis)
        if unit_price is not None and (unit_price == 0 or unit_price != unit_price.quantize(Decimal("0.01"))):
            it.bad("unit_price", "import.suggested_amount", value=str(raw["unit_price"]))
            unit_price = None
    elif basis is not None:
        it.forbid(("tiers", "tier_period", "meter_kind") + (() if basis == "apportioned" else ("apportion",)), basis)
        if raw.get("unit_price") is None:
            it.bad("unit_price", "import.price_required", basis=basis)
        if basis == "apportioned" and raw.get("apportion") is None:
            it.bad("apportion", "import.apportion_required")

    if basis == "one_off":
        usages: list[str] | None = list(ONE_OFF_USAGES)
    else:
        usages = _usages(it, basis)
    rounding_raw = raw.get("rounding")
    rounding: str | None = Rounding.FEN_HALF_UP.value
    if rounding_raw is not None and basis != "one_off":
        allowed = [r.value for r in Rounding]
        rounding = rounding_raw if isinstance(rounding_raw, str) and rounding_raw in allowed else None
        if rounding is None:
            it.bad("rounding", "import.bad_rounding", got=_show(rounding_raw), allowed=", ".join(allowed))
    due_day = 15 if basis == "one_off" else it.integer("due_day", raw.get("due_day", 15), 1, 28)
    late_fee = _late_fee(it) if raw.get("late_fee") is not None and basis != "one_off" else None
    effective_from = DEFAULT_EFFECTIVE_FROM
    if raw.get("effective_from") is not None:
        try:
            effective_from = parse_date(str(raw["effective_from"]))
        except FieldError as e:
            it.bad("effective_from", e.code, **e.params)
    if None in (code, name, basis, rounding, due_day, usages):
        return None
    return FeeItemIn(it.path, code, name, basis, unit_price, tiers, tier_period,  # type: ignore[arg-type]
                     meter_kind, apportion, usages, rounding, due_day,  # type: ignore[arg-type]
                     late_fee, effective_from)


def _tiers(it: _Item) -> list[dict[str, str | None]] | None:
    tiers = it.raw["tiers"]
    if not isinstance(tiers, list) or not tiers:
        it.bad("tiers", "import.tiers_list")
        return None
    out: list[dict[str, str | None]] = []
    last: Decimal | None = None
    for j, t in enumerate(tiers):
        key = f"tiers[{j}]"
        if not isinstance(t, dict):
            it.bad(key, "import.tier_object")
            continue
        for k in sorted(set(t) - {"up_to", "unit_price"}):
            it.bad(f"{key}.{shown(k)}", "import.unknown_key", allowed="up_to, unit_price")
        price = it.rate(f"{key}.unit_price", t.get("unit_price"), "unit_price")
        up_to, is_last = t.get("up_to"), j == len(tiers) - 1
        bound: Decimal | None = None
        if up_to is None:
            if not is_last:
                it.bad(f"{key}.up_to", "import.tier_only_last_open")
        elif is_last:
            it.bad(f"{key}.up_to", "import.tier_last_open")
        elif isinstance(up_to, bool) or not isinstance(up_to, (str, int, Decimal)):
            it.bad(f"{key}.up_to", "import.tier_up_to_type", got=_show(up_to))
        else:
            try:
                bound = parse_decimal(str(up_to), max_decimals=4, positive=True)
            except FieldError as e:
                it.bad(f"{key}.up_to", e.code, **e.params)
            if bound is not None and last is not None and bound <= last:
                it.bad(f"{key}.up_to", "import.tier_not_ascending", up_to=shown(up_to), previous=str(last))
            last = bound if bound is not None else last
        if price is not None:
            out.append({"up_to": None if bound is None else str(bound), "unit_price": str(price)})
    return out


def _apportion(it: _Item) -> dict[str, str] | None:
    a = it.raw["apportion"]
    if not isinstance(a, dict):
        it.bad("apportion", "import.apportion_object")
        return None
    for k in sorted(set(a) - {"meter_no", "by", "scope"}):
        it.bad(f"apportion.{shown(k)}", "import.unknown_key", allowed="meter_no, by, scope")
    meter_no, by, scope = a.get("meter_no"), a.get("by"), a.get("scope", "community")
    ok = True
    if not isinstance(meter_no, str) or not meter_no.strip():
        it.bad("apportion.meter_no", "import.apportion_meter_required")
        ok = False
    elif len(meter_no.strip()) > column_size(Meter.meter_no):
        it.bad("apportion.meter_no", "import.too_long", value=shown(meter_no.strip()),
               max=column_size(Meter.meter_no), length=len(meter_no.strip()))
        ok = False
    if by not in ("area", "household"):
        it.bad("apportion.by", "import.apportion_by", got=_show(by))
        ok = False
    if not isinstance(scope, str) or not scope.strip():
        it.bad("apportion.scope", "import.apportion_scope")
        ok = False
    elif len(scope.strip()) > column_size(Building.name):
        it.bad("apportion.scope", "import.too_long", value=shown(scope.strip()), max=column_size(Building.name),
               length=len(scope.strip()))
        ok = False
    return {"meter_no": meter_no.strip(), "by": by, "scope": scope.strip()} if ok else None  # type: ignore[union-attr]


def _usages(it: _Item, basis: str | None) -> list[str] | None:
    raw = it.raw.get("usages")
    if raw is None:
        return ["parking"] if basis == "parking" else list(DEFAULT_USAGES)
    if not isinstance(raw, list) or not raw:
        it.bad("usages", "import.usages_list")
        return None
    out: list[str] = []
    for j, u in enumerate(raw):
        if not isinstance(u, str):
            it.bad(f"usages[{j}]", "import.not_text", got=_show(u))
            return None
        try:
            value = parse_choice(u, USAGES)
        except FieldError as e:
            it.bad(f"usages[{j}]", e.code, **e.params)
            return None
        if value not in out:
            out.append(value)
    return out


def _late_fee(it: _Item) -> dict[str, Any] | None:
    lf = it.raw["late_fee"]
    if not isinstance(lf, dict):
        it.bad("late_fee", "import.late_fee_object")
        return None
    for k in sorted(set(lf) - {"daily_rate", "grace_days", "cap_ratio"}):
        it.bad(f"late_fee.{shown(k)}", "import.unknown_key", allowed="daily_rate, grace_days, cap_ratio")
    if lf.get("daily_rate") is None:
        it.bad("late_fee.daily_rate", "import.daily_rate_required")
        return None
    # A day's late fee is at most the whole principal; the cap at most 10 × the principal.
    rate = it.rate("late_fee.daily_rate", lf["daily_rate"], "daily_rate", max_value=Decimal(1))
    grace = it.integer("late_fee.grace_days", lf.get("grace_days", 0), 0, 3650)
    cap = it.rate("late_fee.cap_ratio", lf.get("cap_ratio", "1"), "cap_ratio", max_value=Decimal(10))
    if rate is None or grace is None or cap is None:
        return None
    return {"daily_rate": str(rate), "grace_days": grace, "cap_ratio": str(cap)}
