"""The one place the UI turns an exception (or a service's problem list) into words.

Services raise coded errors (app.errors); `app.messages.describe` renders them in the UI's
language — Chinese unless the app was started with `--lang en`. Anything else is an
unexpected failure: said in the UI's language with what to do, never as a traceback."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication

from app import messages
from app.money import MoneyError, parse_yuan
from ui import i18n

translate = QCoreApplication.translate


def describe(e: BaseException) -> str:
    """What a cashier reads for `e`: coded errors from the catalogue, in the UI's language."""
    if isinstance(e, MoneyError):  # a typed amount: the money module's text is not for the counter
        return translate("Messages", "Not an amount: type yuan like 1000 or 12.50 (at most 2 decimals)")
    return messages.describe(e, i18n.message_lang())


def problem_text(p: Any) -> str:
    """One problem from a service's validation list: a coded Problem/Msg, or old free text."""
    lang = i18n.message_lang()
    if hasattr(p, "text") and callable(p.text):
        return p.text(lang)
    if hasattr(p, "code") and hasattr(p, "params"):
        from app.messages import render

        return render(p, lang)
    return str(p)


def problems_text(problems: Iterable[Any]) -> str:
    return ("；" if i18n.message_lang() == "zh" else "; ").join(problem_text(p) for p in problems)


def parse_amount(text: str) -> int:
    """A typed yuan amount in fen; ValueError with the UI's wording when it is not one."""
    try:
        return parse_yuan(text)
    except MoneyError as e:
        raise ValueError(describe(e)) from None
