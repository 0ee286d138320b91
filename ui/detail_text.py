"""How a bill line's amount was made, in words a resident can follow (transparency ends
disputes): area × 单价 × 月数, each tier's quantity × price, a public meter's share, late-fee
days × rate. The input is the `detail` dict the billing service stored; nothing here
computes money — it only lays out the figures the service recorded."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from PySide6.QtCore import QCoreApplication

from app.money import fen_to_yuan_str


translate = QCoreApplication.translate


def _months(d: dict) -> str:
    m = str(d.get("months", "1"))
    if m == "1":
        return ""
    return " × " + translate("Detail", "{0} days of {1}").format(d.get("days"), d.get("days_in_month"))


def summary(d: dict) -> str:
    """One line for the table's 'How' column."""
    basis = d.get("basis")
    if basis == "area":
        return translate("Detail", "{0} m² × ¥{1}/m²").format(d.get("area"), d.get("unit_price")) + _months(d)
    if basis in ("fixed", "parking"):
        return translate("Detail", "¥{0} per month").format(d.get("unit_price")) + _months(d)
    if basis == "usage":
        if d.get("tiers"):
            return translate("Detail", "{0} units, {1} tiers").format(d.get("usage"), len(d["tiers"]))
        return translate("Detail", "{0} units × ¥{1}").format(d.get("usage"), d.get("unit_price"))
    if basis == "apportioned":
        return translate("Detail", "share {0}/{1} of ¥{2}").format(d.get("weight"), d.get("total_weight"),
                                                 fen_to_yuan_str(int(d.get("total_fen", 0))))
    if basis == "one_off":
        return translate("Detail", "one-off: {0}").format(d.get("note", ""))
    if basis == "correction":
        return translate("Detail", "correction: {0}").format(d.get("reason", ""))
    return ""


def late_summary(late: dict | None) -> str:
    if not late or not late.get("days"):
        return ""
    text = translate("Detail", "{0} days × {1}/day").format(late["days"], _rate_percent(late.get("daily_rate", "0")))
    return text + (" " + translate("Detail", "(capped)") if late.get("capped") else "")


def _rate_percent(rate: str) -> str:
    """'0.0003' -> '0.03%'. Decimal, because a rate is a Decimal everywhere in PropDesk."""
    pct = (Decimal(str(rate)) * 100).normalize()
    return f"{pct:f}%"


def _rounding(mode: str) -> str:
    names = {"fen_half_up": translate("Detail", "rounded to the fen"),
             "fen_half_even": translate("Detail", "rounded to the fen (half even)"),
             "jiao_half_up": translate("Detail", "rounded to the jiao"),
             "yuan_half_up": translate("Detail", "rounded to the yuan"),
             "fen_up": translate("Detail", "rounded up to the fen"),
             "fen_down": translate("Detail", "rounded down to the fen")}
    return names.get(mode, mode)


def _row(label: str, value: str) -> str:
    return f"<tr><td style='color:#555;padding-right:12px'>{escape(label)}</td><td>{escape(str(value))}</td></tr>"


def html(line: dict) -> str:
    """The side panel: every recorded figure of one line (a LineView as a dict)."""
    d = line.get("detail") or {}
    basis = d.get("basis")
    rows = [_row(translate("Detail", "Fee"), f"{line.get('fee_name')} ({line.get('fee_code')})"),
            _row(translate("Detail", "Period"), line.get("period", "")), _row(translate("Detail", "Due date"), line.get("due_date", ""))]
    if basis == "area":
        rows.append(_row(translate("Detail", "Area × unit price"), f"{d.get('area')} m² × ¥{d.get('unit_price')}"))
    elif basis in ("fixed", "parking"):
        rows.append(_row(translate("Detail", "Monthly price"), f"¥{d.get('unit_price')}"))
    if basis in ("area", "fixed", "parking"):
        rows.append(_row(translate("Detail", "Months"), d.get("months", "1") if d.get("months") == "1"
                         else translate("Detail", "{0} of {1} days (from {2})").format(d.get("days"), d.get("days_in_month"),
                                                                       d.get("charge_start", "?"))))
    for m in d.get("meters", []) if basis == "usage" else []:
        rows.append(_row(translate("Detail", "Meter {0}").format(m.get("meter_no")),
                         translate("Detail", "{0} → {1} × {2} = {3}").format(m.get("previous"), m.get("current"),
                                                             m.get("multiplier"), m.get("usage"))))
    if basis == "usage" and not d.get("tiers"):
        rows.append(_row(translate("Detail", "Usage × unit price"), f"{d.get('usage')} × ¥{d.get('unit_price')}"))
    if basis == "usage" and d.get("tiers"):
        rows.append(_row(translate("Detail", "Billed before in tier period"), d.get("before", "0")))
        for t in d["tiers"]:
            upper = t.get("to") if t.get("to") is not None else "∞"
            rows.append(_row(translate("Detail", "Tier {0} ({1}–{2})").format(t.get("tier"), t.get("from"), upper),
                             f"{t.get('quantity')} × ¥{t.get('unit_price')} = ¥{t.get('amount')}"))
    if basis == "apportioned":
        meter = d.get("meter") or {}
        rows += [_row(translate("Detail", "Public meter"), f"{meter.get('meter_no', '')} ({d.get('scope', '')})"),
                 _row(translate("Detail", "Public usage × unit price"),
                      f"{d.get('public_usage')} × ¥{d.get('unit_price')} = ¥{fen_to_yuan_str(int(d.get('total_fen', 0)))}"),
                 _row(translate("Detail", "Split by"), translate("Detail", "area") if d.get("method") == "area" else translate("Detail", "household")),
                 _row(translate("Detail", "This room's share"), f"{d.get('weight')} / {d.get('total_weight')}"
                      f" ({d.get('households')} " + translate("Detail", "households") + ")")]
    if basis == "one_off":
        rows.append(_row(translate("Detail", "Note"), d.get("note", "")))
    if "exact" in d:
        rows.append(_row(translate("Detail", "Exact amount"), f"¥{d['exact']} → {_rounding(d.get('rounding', ''))}"))
    for c in line.get("corrections") or []:
        rows.append(_row(translate("Detail", "Correction"), f"{fen_to_yuan_str(c['amount_fen'])} {c.get('note') or ''}"))
    rows.append(_row(translate("Detail", "Amount"), "¥" + fen_to_yuan_str(int(line.get("amount_fen", 0)))))
    if line.get("paid_fen"):
        rows.append(_row(translate("Detail", "Paid"), "¥" + fen_to_yuan_str(int(line["paid_fen"]))))
    late = line.get("late_fee_detail")
    if late and late.get("days"):
        rows.append(_row(translate("Detail", "Late fee"), translate("Detail", "¥{0} × {1}/day × {2} days = ¥{3}").format(
            fen_to_yuan_str(int(late.get("principal_fen", 0))), _rate_percent(late.get("daily_rate", "0")),
            late["days"], fen_to_yuan_str(int(line.get("late_fee_fen", 0))))))
        if late.get("grace_days"):
            rows.append(_row(translate("Detail", "Grace days"), late["grace_days"]))
        if late.get("capped"):
            rows.append(_row(translate("Detail", "Capped at"), "¥" + fen_to_yuan_str(int(late.get("cap_fen", 0)))))
        if late.get("waived_fen"):
            rows.append(_row(translate("Detail", "Waived"), "¥" + fen_to_yuan_str(int(late["waived_fen"]))))
    return "<table>" + "".join(rows) + "</table>"


def tooltip(line: dict) -> str:
    """Plain rich-text tooltip: the same figures as the side panel."""
    return html(line)
