"""The fee-items JSON file, checked key by key. Every problem names its path in the document
(`fee_items[2].tiers[1].up_to`, indices from 0) so the user can find it in any editor."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.errors import InputError, Problem
from app.money import MoneyError, parse_rate, parse_rounding
from app.services.imports.common import Collector
from app.services.imports.fields import METER_KINDS, USAGES, FieldError, parse_choice, parse_date, parse_decimal

BASES = ("area", "fixed", "usage", "apportioned", "parking")
ITEM_KEYS = {"code", "name", "basis", "unit_price", "tiers", "tier_period", "meter_kind", "apportion", "usages",
             "rounding", "due_day", "late_fee", "effective_from"}
DEFAULT_USAGES = ["residential", "shop", "office"]
DEFAULT_EFFECTIVE_FROM = date(2000, 1, 1)


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


def load_json(path: str | Path) -> tuple[str, Any]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在 file not found: {path}", source=p.name)
    data = p.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("文件不是 UTF-8 编码 the file is not UTF-8: save it as UTF-8", source=p.name) from None
    try:
        # Numbers become Decimal (never float) so `"unit_price": 2.5` is still read exactly.
        return p.name, json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as e:
        raise InputError(f"不是有效的 JSON invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}",
                         [Problem(f"line {e.lineno}, column {e.colno}: {e.msg}", None, "json")],
                         source=p.name) from None


class _Item:
    """Checks of one fee item; each getter records a problem and returns None when bad."""

    def __init__(self, c: Collector, path: str, raw: dict[str, Any]) -> None:
        self.c, self.path, self.raw = c, path, raw

    def bad(self, key: str, reason: str) -> None:
        self.c.add(None, f"{self.path}.{key}", reason)

    def text(self, key: str, max_len: int, *, required: bool = True) -> str | None:
        v = self.raw.get(key)
        if v is None:
            if required:
                self.bad(key, "required 必填")
            return None
        if not isinstance(v, str) or not v.strip():
            self.bad(key, f"must be a non-empty string, got {json.dumps(v, default=str, ensure_ascii=False)}")
            return None
        if len(v.strip()) > max_len:
            self.bad(key, f"{v!r} is longer than {max_len} characters")
            return None
        return v.strip()

    def rate(self, key: str, value: Any, what: str) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.bad(key, f"{what} must be a decimal string like \"0.4883\"")
            return None
        try:
            return parse_rate(str(value), what=what)
        except MoneyError as e:
            self.bad(key, str(e))
            return None

    def integer(self, key: str, value: Any, low: int, high: int) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(key, f"must be a whole number {low}..{high}, got {json.dumps(value, default=str)}")
            return None
        return value

    def forbid(self, keys: tuple[str, ...], basis: str) -> None:
        for k in keys:
            if self.raw.get(k) is not None:
                self.bad(k, f"does not apply to basis {basis!r}")


def parse_fee_file(doc: Any, c: Collector) -> FeeFile | None:
    if not isinstance(doc, dict):
        c.add(None, "$", 'the file must be an object {"community": "...", "fee_items": [...]}')
        return None
    for k in sorted(set(doc) - {"community", "fee_items"}):
        c.add(None, k, "unknown key 未知字段 (allowed: community, fee_items)")
    community = doc.get("community")
    if not isinstance(community, str) or not community.strip():
        c.add(None, "community", "required: the community's name 小区名称")
    items = doc.get("fee_items")
    if not isinstance(items, list) or not items:
        c.add(None, "fee_items", "required: a non-empty list of fee items")
        return None
    out: list[FeeItemIn] = []
    codes: dict[str, str] = {}
    for i, raw in enumerate(items):
        path = f"fee_items[{i}]"
        if not isinstance(raw, dict):
            c.add(None, path, "must be an object")
            continue
        before = len(c.problems)
        item = _parse_item(_Item(c, path, raw))
        if item is not None and item.code in codes:
            c.add(None, f"{path}.code", f"duplicate code {item.code!r} 重复: {codes[item.code]} and {path}")
        elif item is not None and len(c.problems) == before:
            codes[item.code] = path
            out.append(item)
    return FeeFile(community.strip(), out) if isinstance(community, str) else None


def _parse_item(it: _Item) -> FeeItemIn | None:
    raw = it.raw
    for k in sorted(set(raw) - ITEM_KEYS):
        it.bad(k, f"unknown key 未知字段 (allowed: {', '.join(sorted(ITEM_KEYS))})")
    code, name = it.text("code", 20), it.text("name", 60)
    basis = raw.get("basis")
    if basis not in BASES:
        it.bad("basis", f"must be one of {', '.join(BASES)}, got {json.dumps(basis, ensure_ascii=False)}")
        basis = None
    unit_price = it.rate("unit_price", raw["unit_price"], "unit_price") if raw.get("unit_price") is not None else None
    tiers = _tiers(it) if raw.get("tiers") is not None else None
    tier_period = raw.get("tier_period")
    if tier_period is not None and tier_period not in ("month", "year"):
        it.bad("tier_period", f"must be month or year, got {json.dumps(tier_period, ensure_ascii=False)}")
    meter_kind = None
    if raw.get("meter_kind") is not None:
        try:
            meter_kind = parse_choice(str(raw["meter_kind"]), METER_KINDS)
        except FieldError as e:
            it.bad("meter_kind", str(e))
    apportion = _apportion(it) if raw.get("apportion") is not None else None

    if basis == "usage":
        it.forbid(("apportion",), basis)
        if raw.get("meter_kind") is None:
            it.bad("meter_kind", "required for basis usage: which of the room's meters (water, electricity…)")
        if (raw.get("unit_price") is None) == (raw.get("tiers") is None):
            it.bad("unit_price", "basis usage needs either unit_price or tiers (exactly one)")
        if raw.get("tiers") is not None and tier_period is None:
            it.bad("tier_period", "required with tiers: month or year")
        if raw.get("tiers") is None and tier_period is not None:
            it.bad("tier_period", "only applies with tiers")
    elif basis is not None:
        it.forbid(("tiers", "tier_period", "meter_kind") + (() if basis == "apportioned" else ("apportion",)), basis)
        if raw.get("unit_price") is None:
            it.bad("unit_price", f"required for basis {basis}")
        if basis == "apportioned" and raw.get("apportion") is None:
            it.bad("apportion", 'required for basis apportioned: {"meter_no", "by", "scope"}')

    usages = _usages(it, basis)
    try:
        rounding = parse_rounding(raw.get("rounding")).value
    except MoneyError as e:
        it.bad("rounding", str(e))
        rounding = None
    due_day = it.integer("due_day", raw.get("due_day", 15), 1, 28)
    late_fee = _late_fee(it) if raw.get("late_fee") is not None else None
    effective_from = DEFAULT_EFFECTIVE_FROM
    if raw.get("effective_from") is not None:
        try:
            effective_from = parse_date(str(raw["effective_from"]))
        except FieldError as e:
            it.bad("effective_from", str(e))
    if None in (code, name, basis, rounding, due_day, usages):
        return None
    return FeeItemIn(it.path, code, name, basis, unit_price, tiers, tier_period,  # type: ignore[arg-type]
                     meter_kind, apportion, usages, rounding, due_day,  # type: ignore[arg-type]
                     late_fee, effective_from)


def _tiers(it: _Item) -> list[dict[str, str | None]] | None:
    tiers = it.raw["tiers"]
    if not isinstance(tiers, list) or not tiers:
        it.bad("tiers", 'must be a non-empty list like [{"up_to": "180", "unit_price": "5"}, …]')
        return None
    out: list[dict[str, str | None]] = []
    last: Decimal | None = None
    for j, t in enumerate(tiers):
        key = f"tiers[{j}]"
        if not isinstance(t, dict):
            it.bad(key, 'must be an object {"up_to", "unit_price"}')
            continue
        for k in sorted(set(t) - {"up_to", "unit_price"}):
            it.bad(f"{key}.{k}", "unknown key 未知字段 (allowed: up_to, unit_price)")
        price = it.rate(f"{key}.unit_price", t.get("unit_price"), "unit_price")
        up_to, is_last = t.get("up_to"), j == len(tiers) - 1
        bound: Decimal | None = None
        if up_to is None:
            if not is_last:
                it.bad(f"{key}.up_to", "only the last tier may have up_to null")
        elif is_last:
            it.bad(f"{key}.up_to", "the last tier must have up_to null (no upper bound)")
        elif isinstance(up_to, bool) or not isinstance(up_to, (str, int, Decimal)):
            it.bad(f"{key}.up_to", 'must be a decimal string like "180"')
        else:
            try:
                bound = parse_decimal(str(up_to), max_decimals=4, positive=True)
            except FieldError as e:
                it.bad(f"{key}.up_to", str(e))
            if bound is not None and last is not None and bound <= last:
                it.bad(f"{key}.up_to", f"{up_to} must be greater than the previous tier's up_to {last}")
            last = bound if bound is not None else last
        if price is not None:
            out.append({"up_to": None if bound is None else str(bound), "unit_price": str(price)})
    return out


def _apportion(it: _Item) -> dict[str, str] | None:
    a = it.raw["apportion"]
    if not isinstance(a, dict):
        it.bad("apportion", 'must be an object {"meter_no", "by", "scope"}')
        return None
    for k in sorted(set(a) - {"meter_no", "by", "scope"}):
        it.bad(f"apportion.{k}", "unknown key 未知字段 (allowed: meter_no, by, scope)")
    meter_no, by, scope = a.get("meter_no"), a.get("by"), a.get("scope", "community")
    ok = True
    if not isinstance(meter_no, str) or not meter_no.strip():
        it.bad("apportion.meter_no", "required: the public meter's number")
        ok = False
    if by not in ("area", "household"):
        it.bad("apportion.by", f"must be area or household, got {json.dumps(by, ensure_ascii=False)}")
        ok = False
    if not isinstance(scope, str) or not scope.strip():
        it.bad("apportion.scope", 'must be "community" or a building name')
        ok = False
    return {"meter_no": meter_no.strip(), "by": by, "scope": scope.strip()} if ok else None  # type: ignore[union-attr]


def _usages(it: _Item, basis: str | None) -> list[str] | None:
    raw = it.raw.get("usages")
    if raw is None:
        return ["parking"] if basis == "parking" else list(DEFAULT_USAGES)
    if not isinstance(raw, list) or not raw:
        it.bad("usages", "must be a non-empty list, e.g. [\"residential\", \"shop\"]")
        return None
    out: list[str] = []
    for j, u in enumerate(raw):
        try:
            value = parse_choice(str(u), USAGES)
        except FieldError as e:
            it.bad(f"usages[{j}]", str(e))
            return None
        if value not in out:
            out.append(value)
    return out


def _late_fee(it: _Item) -> dict[str, Any] | None:
    lf = it.raw["late_fee"]
    if not isinstance(lf, dict):
        it.bad("late_fee", 'must be an object {"daily_rate", "grace_days", "cap_ratio"}')
        return None
    for k in sorted(set(lf) - {"daily_rate", "grace_days", "cap_ratio"}):
        it.bad(f"late_fee.{k}", "unknown key 未知字段 (allowed: daily_rate, grace_days, cap_ratio)")
    if lf.get("daily_rate") is None:
        it.bad("late_fee.daily_rate", "required, e.g. \"0.0003\"")
        return None
    rate = it.rate("late_fee.daily_rate", lf["daily_rate"], "daily_rate")
    grace = it.integer("late_fee.grace_days", lf.get("grace_days", 0), 0, 3650)
    cap = it.rate("late_fee.cap_ratio", lf.get("cap_ratio", "1"), "cap_ratio")
    if rate is None or grace is None or cap is None:
        return None
    return {"daily_rate": str(rate), "grace_days": grace, "cap_ratio": str(cap)}
