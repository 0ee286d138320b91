"""Every message a cashier or manager reads, in one place: message code → (Chinese, English).

Services raise `AppError(code, **params)` (app.errors); the CLI and the GUI call `render` /
`error_text` here with the user's language. Catalogues are split by area (one module each,
`MESSAGES = {code: (zh, en)}`) so they stay small; the codes are unique across them (a test
checks), and every code a service raises is in a catalogue (a test checks that too).

Templates use `str.format` fields with two extra format specs:
`{amount:yuan}` shows integer fen as yuan (`1,234.50`), `{items:list}` joins a list.
A parameter that is itself a `Msg` is rendered in the same language.
"""

from __future__ import annotations

import importlib
import string
from typing import TYPE_CHECKING, Any

from app.money import fen_to_yuan_str

if TYPE_CHECKING:
    from app.errors import AppError, Msg, Problem

LANGS = ("zh", "en")
_AREAS = ("common", "cashier", "tenders", "billing", "imports", "printing", "devices", "users", "sync", "gateways",
          "meters", "handheld", "refunds", "closing", "reports", "security", "audit", "setup")

_catalog: dict[str, tuple[str, str]] | None = None


def catalog() -> dict[str, tuple[str, str]]:
    global _catalog
    if _catalog is None:
        merged: dict[str, tuple[str, str]] = {}
        for area in _AREAS:
            try:
                mod = importlib.import_module(f"app.messages.{area}")
            except ModuleNotFoundError as e:
                if e.name != f"app.messages.{area}":
                    raise
                continue
            for code, pair in mod.MESSAGES.items():
                if code in merged:
                    raise RuntimeError(f"message code {code} defined twice (app.messages.{area})")
                merged[code] = pair
        _catalog = merged
    return _catalog


def yuan(fen: int) -> str:
    text = fen_to_yuan_str(fen)
    sign = "-" if text.startswith("-") else ""
    whole, frac = text.lstrip("-").split(".")
    return f"{sign}{int(whole):,}.{frac}"


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        from app.errors import Msg

        if isinstance(value, Msg):
            value = render(value, self.lang)
        if format_spec == "yuan":
            return yuan(int(value))
        if format_spec == "list":
            parts = [render(v, self.lang) if isinstance(v, Msg) else str(v) for v in value]
            return ("、" if self.lang == "zh" else ", ").join(parts)
        return super().format_field(value, format_spec)

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, str) and key not in kwargs:
            return "{" + key + "}"  # a missing parameter shows as itself rather than crashing
        return super().get_value(key, args, kwargs)


def render(msg: "Msg", lang: str = "zh") -> str:
    """The message in `lang` ('zh' or 'en'). A code not in the catalogue is shown as given
    (with its parameters filled in), so nothing is ever swallowed."""
    pair = catalog().get(msg.code)
    template = msg.code if pair is None else pair[0 if lang == "zh" else 1]
    try:
        return _Formatter(lang).format(template, **msg.params)
    except (ValueError, KeyError, IndexError, TypeError):
        return template


def problem_text(p: "Problem", lang: str = "zh") -> str:
    where = []
    if p.row is not None:
        where.append(f"第{p.row}行" if lang == "zh" else f"row {p.row}")
    if p.column:
        where.append(f"列 {p.column}" if lang == "zh" else f"column {p.column}")
    sep = "，" if lang == "zh" else ", "
    colon = "：" if lang == "zh" else ": "
    return (sep.join(where) + colon if where else "") + render(p.msg, lang)


def error_text(e: "AppError", lang: str = "zh") -> str:
    head = render(e.msg, lang)
    if e.source:
        head = f"{e.source}{'：' if lang == 'zh' else ': '}{head}"
    if not e.problems:
        return head
    return head + "\n" + "\n".join(f"  - {problem_text(p, lang)}" for p in e.problems)


def describe(e: BaseException, lang: str = "zh") -> str:
    """Any exception in words for a person: coded errors from the catalogue; anything else
    is an unexpected failure, said as such (its technical text after it)."""
    from app.errors import AppError

    if isinstance(e, AppError):
        return error_text(e, lang)
    return render(_unexpected(e), lang)


def _unexpected(e: BaseException) -> "Msg":
    from app.errors import Msg

    return Msg("error.unexpected", {"kind": type(e).__name__, "detail": str(e)})
