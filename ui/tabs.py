"""The main window's screens after 收银 (checkout) and 票据 (receipts), one registry: each
entry is (module, class). A screen class is a QWidget built as `cls(ops, counter)` (ui.ops.Ops
and a callable giving the current app.services.cashier.payments.Counter) with
`tab_title() -> str` (translated with self.tr) and `refresh()` (called each time it is shown).
The window numbers them Ctrl+3, Ctrl+4… in this order. Adding a screen is one line here."""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QWidget

TABS: list[tuple[str, str]] = [
    ("ui.exceptions.view", "ExceptionsView"),
    ("ui.readings.view", "ReadingsReviewView"),
    ("ui.closing.view", "DayCloseView"),
    ("ui.reports.view", "ReportsView"),
    ("ui.reports.collect_view", "CollectView"),
]


def build(ops, counter) -> list[QWidget]:  # type: ignore[no-untyped-def]
    return [getattr(importlib.import_module(mod), cls)(ops, counter) for mod, cls in TABS]


def names() -> list[str]:
    """Each screen's short name for `gui --screenshot --screen NAME` (its package: ui.exceptions.view → exceptions)."""
    return [mod.split(".")[1] for mod, _cls in TABS]
