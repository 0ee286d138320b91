"""Terminal tokens never start with '-' (`sync join --token X` must not read X as an option)."""

from __future__ import annotations

import secrets

from app.central import terminals


def test_a_token_never_starts_with_a_dash(monkeypatch):
    made = iter(["-abc", "_def", "Xyz"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(made))
    assert terminals.new_token() == "Xyz"


def test_tokens_are_long_and_differ():
    tokens = {terminals.new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) >= 43 and t[0].isalnum() for t in tokens)
