"""The command line's shared helpers (app/cli/common.py): options read into values or refused
with a message code, and command modules that never import each other."""

import ast
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from app import clock
from app.cli.common import parse_day, yuan_option
from app.errors import InputError
from app.messages import catalog

CLI = Path(__file__).resolve().parents[2] / "app" / "cli"


def test_a_day_option_is_read_and_a_bad_one_is_refused_with_a_code():
    assert parse_day("2026-12-01", "--as-of") == date(2026, 12, 1)
    with pytest.raises(InputError) as e:
        parse_day("2026-13-01", "--as-of")
    assert e.value.code == "input.bad_date" and e.value.params == {"field": "--as-of", "value": "2026-13-01"}
    assert "--as-of" in e.value.text("en") and "YYYY-MM-DD" in e.value.text("zh")


def test_no_day_option_means_the_business_day_not_the_pcs(monkeypatch):
    # 2026-12-01 20:00 UTC is already 2 December in Shanghai (the default business zone)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 12, 1, 20, 0, tzinfo=timezone.utc))
    assert parse_day(None, "--as-of") == date(2026, 12, 2)
    assert parse_day("", "--as-of") == date(2026, 12, 2)


@pytest.mark.parametrize("text,fen", [("150", 15000), ("150.5", 15050), ("0.01", 1), ("1234.56", 123456)])
def test_a_yuan_option_is_read_as_fen(text, fen):
    assert yuan_option(text, "--amount") == fen


@pytest.mark.parametrize("text", ["1.234", "-5", "abc", "", "1,000"])
def test_a_bad_yuan_option_is_refused_naming_the_option(text):
    with pytest.raises(InputError) as e:
        yuan_option(text, "--float")
    assert e.value.code == "cli.bad_amount" and e.value.exit_status == 2
    assert e.value.code in catalog()
    assert e.value.text("en").startswith("--float") and "--float" in e.value.text("zh")


def test_command_modules_do_not_import_each_other():
    """What two commands share lives in app.cli.common; a command module importing another
    one made the cmd_billing <-> cmd_cashier cycle."""
    offenders = []
    for path in sorted(CLI.glob("cmd_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("app.cli.cmd_"):
                offenders.append(f"{path.name} imports {node.module}")
    assert not offenders, "\n".join(offenders)
