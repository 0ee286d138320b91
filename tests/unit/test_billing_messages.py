"""Every error the billing code raises is a message code with Chinese and English words
(no free text left), and the Chinese never points a cashier to a command line."""

from __future__ import annotations

import re
from pathlib import Path

from app.errors import InputError, Msg
from app.messages import catalog, render
from app.messages.billing import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "app/services/billing").glob("*.py")) + sorted((ROOT / "app/services/receivables").glob("*.py")) + [ROOT / "app/cli/cmd_billing.py",
                                                                 ROOT / "app/db/engine.py"]
RAISE = re.compile(r"raise\s+(?:InputError|NotFound|Conflict|PermissionDenied|AppError)\((.*)")
CODE = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')


def test_every_raise_in_billing_is_a_catalogued_code():
    seen = 0
    for path in FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = RAISE.search(line)
            if not m:
                continue
            seen += 1
            first = m.group(1).lstrip()
            assert first.startswith('"') and not first.startswith('f"'), f"{path.name}: free text in {line.strip()}"
            code = CODE.match(first)
            assert code and code.group(1) in catalog(), f"{path.name}: {line.strip()}"
    assert seen >= 15


def test_billing_messages_have_both_languages_and_no_command_lines():
    for code, (zh, en) in MESSAGES.items():
        assert code.startswith("billing.") and zh and en and zh != en, code
        assert "--" not in zh and "propdesk" not in zh, code


def test_a_bad_period_names_the_field_in_each_language():
    from app.services.billing.bill_run import parse_period

    try:
        parse_period("2026-13")
    except InputError as e:
        assert "账期" in e.text("zh") and "2026-13" in e.text("zh")
        assert "period" in e.text("en") and "账期" not in e.text("en")
    else:
        raise AssertionError("2026-13 was accepted")
    assert "120" in render(Msg.of("db.busy", what=Msg.of("billing.busy_waited", seconds=120)), "zh")
