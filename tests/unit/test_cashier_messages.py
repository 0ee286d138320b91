"""Every code the counter's services raise has Chinese and English words, and the Chinese
never sends a cashier to a command line."""

import re
from pathlib import Path

from app.errors import Msg
from app.messages import catalog, render
from app.messages.cashier import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
FILES = ["app/services/cashier/payments.py", "app/services/cashier/voids.py", "app/services/cashier/shifts.py",
         "app/services/cashier/shift_report.py", "app/services/rooms.py", "app/cli/cmd_cashier.py"]
RAISED = re.compile(r'(?:InputError|NotFound|Conflict|PermissionDenied|Problem\.of)\(\s*"([a-z_]+\.[a-z_.]+)"')


def test_every_raised_code_is_in_the_catalogue():
    raised = {code for f in FILES for code in RAISED.findall((ROOT / f).read_text(encoding="utf-8"))}
    assert len(raised) > 30
    assert sorted(raised - set(catalog())) == []


def test_cashier_messages_render_in_both_languages():
    params = dict(lines=["物业服务费 2026-10"], room="1-1-101", amount=5000, balance=0, change=100, limit=100000,
                  received=200, day="2026-11-01", today="2026-12-20", user="c1", receipt="T1-20261220-0001",
                  cashier="王收银", terminal="T1", key="9-9-999", community="阳光花园", communities=["A", "B"],
                  example="A/1-1", line="x", status="paid", fee="ZX", name="装修", basis="area", part="100=²",
                  denomination="3", choices=["100.00"], max=999999, count=-1, shift="s")
    for code, (zh, en) in MESSAGES.items():
        for lang in ("zh", "en"):
            text = render(Msg(code, params), lang)
            assert "{" not in text and text, (code, lang, text)
        assert "propdesk" not in zh and not re.search(r"--[a-z]", zh) or code.startswith("cli."), code
