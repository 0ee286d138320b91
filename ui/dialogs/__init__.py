"""Dialogs. Each has an `ask(...)` classmethod (tests monkeypatch it) and does its checks
in `accept()`, so a test fills the widgets, calls accept() and reads `value`."""
