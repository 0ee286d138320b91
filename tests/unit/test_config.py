"""Per-machine settings are checked where they are made (issue 9 item 5): a terminal code
goes into every receipt number and QR payload, so it holds letters and digits only."""

from __future__ import annotations

import pytest

from app.cli import main
from app.config import Settings, check_terminal_code
from app.errors import InputError


@pytest.mark.parametrize("code", ["T1", "T2", "A", "abcd1234", "POS01", "12345678"])
def test_good_terminal_codes(code):
    assert check_terminal_code(code) == code
    assert Settings(db_url="sqlite:///x.db", terminal=code).terminal == code


@pytest.mark.parametrize("code", ["", "T'1", "T-1", "T|1", "T 1", " T1", "T1\n", "TERMINAL9", "Ｔ1", "Т1", "T١",
                                  "T²", "T_1", "T1;DROP", "T" * 10_000, None, 1])
def test_bad_terminal_codes(code):
    with pytest.raises(InputError) as e:
        Settings(db_url="sqlite:///x.db", terminal=code)  # type: ignore[arg-type]
    assert e.value.code == "terminal.bad_code" and e.value.exit_status == 2
    assert len(e.value.text("en")) < 200


def test_settings_load_checks_the_environment(monkeypatch):
    monkeypatch.setenv("PROPDESK_TERMINAL", "T-2")
    with pytest.raises(InputError):
        Settings.load(db="sqlite:///x.db")


@pytest.mark.parametrize("url", ["garbage://x", "nonsense", "mysql://u@h/db", "x" * 10_000])
def test_bad_db_urls(url):
    with pytest.raises(InputError) as e:
        Settings(db_url=url)
    assert e.value.code == "db.bad_url"


def test_cli_exits_2_for_a_bad_terminal_or_db_before_touching_anything(tmp_path, capsys):
    db = tmp_path / "x.db"
    assert main(["--db", f"sqlite:///{db}", "--terminal", "T'1", "bills", "--room", "1"]) == 2
    assert "收银台编号" in capsys.readouterr().err and not db.exists()
    assert main(["--db", "garbage://x", "bills", "--room", "1"]) == 2
    assert "数据库地址" in capsys.readouterr().err
