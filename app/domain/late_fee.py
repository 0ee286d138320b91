"""Late fees (滞纳金) on an unpaid bill line, as of a given day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from app.domain.decimals import dec_str, exact, non_negative
from app.money import DEFAULT_ROUNDING, Rounding, parse_rounding, round_yuan_to_fen


def _day(value: date, what: str) -> date:
    # datetime is a date subclass, but datetime - date raises a confusing TypeError later.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{what} must be a date, not {type(value).__name__}")
    return value


def late_fee(
    unpaid_principal_fen: int,
    due: date,
    as_of: date,
    daily_rate: Decimal,
    grace_days: int = 0,
    cap_ratio: Decimal = Decimal(1),
    rounding: Rounding | str = DEFAULT_ROUNDING,
) -> tuple[int, dict]:
    """(fee in fen, detail) for `unpaid_principal_fen` overdue since `due`, as of `as_of`.

    days = max(0, (as_of − due).days − grace_days); fee = principal × rate × days, rounded
    once by `rounding`, and never more than the cap = cap_ratio × principal, rounded *down*
    to the fen (a cap is a ceiling: rounding it up would let the fee exceed the ratio).
    The fee never decreases as as_of moves later.
    """
    if isinstance(unpaid_principal_fen, bool) or not isinstance(unpaid_principal_fen, int):
        raise TypeError(f"unpaid_principal_fen must be an int, not {type(unpaid_principal_fen).__name__}")
    if unpaid_principal_fen < 0:
        raise ValueError(f"unpaid principal {unpaid_principal_fen} fen may not be negative")
    if isinstance(grace_days, bool) or not isinstance(grace_days, int):
        raise TypeError(f"grace_days must be an int, not {type(grace_days).__name__}")
    if grace_days < 0:
        raise ValueError(f"grace_days {grace_days} may not be negative")
    due = _day(due, "due")
    as_of = _day(as_of, "as_of")
    rate = non_negative(daily_rate, "daily_rate")
    ratio = non_negative(cap_ratio, "cap_ratio")
    mode = parse_rounding(rounding)

    days = max(0, (as_of - due).days - grace_days)
    with exact():
        principal_yuan = Decimal(unpaid_principal_fen) / 100
        fee_yuan = principal_yuan * rate * days
        cap_yuan = principal_yuan * ratio
    cap_fen = round_yuan_to_fen(cap_yuan, Rounding.FEN_DOWN)
    uncapped_fen = round_yuan_to_fen(fee_yuan, mode)
    capped = uncapped_fen > cap_fen
    fee_fen = cap_fen if capped else uncapped_fen
    detail = {
        "principal_fen": unpaid_principal_fen,
        "daily_rate": dec_str(rate),
        "days": days,
        "grace_days": grace_days,
        "cap_ratio": dec_str(ratio),
        "cap_fen": cap_fen,
        "capped": capped,
        "exact": dec_str(fee_yuan),
        "rounding": mode.value,
        "as_of": as_of.isoformat(),
        "due_date": due.isoformat(),
    }
    return fee_fen, detail
