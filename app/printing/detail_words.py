"""A bill line's calculation detail in the words printed on a bill notice (Chinese):
面积 89.50㎡ × 2.30元/㎡ …, each tier's quantity × price, a public meter's share."""

from __future__ import annotations

from app.money import fen_to_yuan_str


def _months(d: dict) -> str:
    return "" if str(d.get("months", "1")) == "1" else f" × {d.get('days')}/{d.get('days_in_month')}天"


def describe(d: dict) -> str:
    basis = d.get("basis")
    if basis == "area":
        return f"面积 {d.get('area')}㎡ × {d.get('unit_price')}元/㎡{_months(d)}"
    if basis in ("fixed", "parking"):
        return f"{d.get('unit_price')}元/月{_months(d)}"
    if basis == "usage":
        meters = "；".join(f"表{m.get('meter_no')} {m.get('previous')}→{m.get('current')}"
                          + (f" ×{m.get('multiplier')}" if str(m.get("multiplier", "1")) != "1" else "")
                          for m in d.get("meters", []))
        if d.get("tiers"):
            tiers = " + ".join(f"{t['quantity']}×{t['unit_price']}" for t in d["tiers"])
            scope = "本年" if d.get("tier_period") == "year" else "本月"
            return f"{meters} 用量 {d.get('usage')}（{scope}累计 {d.get('before')}→{d.get('after')}）阶梯 {tiers}"
        return f"{meters} 用量 {d.get('usage')} × {d.get('unit_price')}"
    if basis == "apportioned":
        how = "按面积" if d.get("method") == "area" else "按户"
        return (f"公摊 总额 {fen_to_yuan_str(int(d.get('total_fen', 0)))}元 {how} "
                f"{d.get('weight')}/{d.get('total_weight')}（{d.get('households')}户）")
    if basis == "one_off":
        return str(d.get("note", ""))
    if basis == "correction":
        return f"更正：{d.get('reason', '')}"
    return ""
