"""An amount in Chinese capital numerals (大写金额), as every paper 收据 carries it:
16500 fen -> 壹佰陆拾伍元整. Capitals cannot be altered by adding a stroke, which is why
finance wants them next to the figures."""

from __future__ import annotations

from app.errors import InputError

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four(n: int) -> str:
    """0 < n < 10000 in capitals, with inner zeros collapsed to one 零."""
    out, zero = [], False
    for pos in range(3, -1, -1):
        d = n // 10**pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[d] + _SMALL_UNITS[pos])
    return "".join(out)


def yuan_capital(fen: int) -> str:
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"fen must be int, got {type(fen).__name__}")
    if fen < 0:
        return "负" + yuan_capital(-fen)
    yuan, jiao, f = fen // 100, fen // 10 % 10, fen % 10
    if yuan >= 10**16:
        raise InputError("print.doc.amount_too_large", amount=fen)
    parts: list[str] = []
    groups = []
    n = yuan
    while n:
        groups.append(n % 10000)
        n //= 10000
    need_zero = False
    for idx in range(len(groups) - 1, -1, -1):
        g = groups[idx]
        if g == 0:
            need_zero = bool(parts)
            continue
        if parts and (need_zero or g < 1000):
            parts.append("零")
        parts.append(_four(g) + _BIG_UNITS[idx])
        need_zero = False
    text = "".join(parts) + "元" if parts else ""
    if jiao == 0 and f == 0:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if f:
        text += _DIGITS[f] + "分"
    else:
        text += "整"
    return text
