"""Fuzz of the sign-in inputs from outside (hypothesis): whatever is typed as a user name or
password, or left in a session file, the answer is exit 0 or a coded exit 2 — never a
traceback (exit 1) and never a sign-in."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from app.cli import main
from app.cli.sign_in import Session as LoginSession
from app.config import Settings
from app.errors import InputError
from app.services import users

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@given(_text)
def test_any_new_password_is_accepted_or_refused_with_a_code(pw):
    try:
        assert users.check_new_password("u", pw) == pw
    except InputError as e:
        assert e.code.startswith("security.password_")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=_text, pw=_text)
def test_any_user_name_and_password_at_the_gate_exit_2_with_a_code(sqlite_url, monkeypatch, capsys, name, pw):
    monkeypatch.setenv("PROPDESK_PASSWORD", pw or "x")
    code = main(["--db", sqlite_url, "--user", name or "-", "shift", "open", "--json"])
    err = capsys.readouterr().err
    if name == "admin" and pw == "admin":
        return
    assert code == 2, err
    first = err.splitlines()[0]
    assert json.loads(first)["error"] in ("users.wrong_password", "users.name_required", "security.locked",
                                         "security.locked_now")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                         st.dictionaries(st.sampled_from(["user", "issued", "last_used", "nonce", "mac", "terminal"]),
                                         st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), _text),
                                         max_size=6).map(json.dumps)))
def test_a_session_file_with_anything_in_it_signs_no_one_in(ctx, content):
    settings_ = Settings(db_url=str(ctx.engine.url))
    path = LoginSession.path(settings_)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    assert LoginSession.current_user(settings_) is None
