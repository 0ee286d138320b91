"""Every code the sync appliers raise or open has Chinese and English words; the Chinese says
what to do in the window, never names a command line. (No database: kept beside the
applier tests it belongs to.)"""

from __future__ import annotations

import re
from pathlib import Path

from app.errors import Msg
from app.messages import catalog, render
from app.messages.sync import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
FILES = ["app/sync_events.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app/sync_apply").glob("*.py"))]
RAISED = re.compile(r'(?:EventRejected|InputError|NotFound|Conflict)\(\s*"([a-z_]+\.[a-z_.]+)"')
OPENED = re.compile(r'open_exception\(\s*s,\s*"([a-z_]+)"')
PARAMS = dict(event_type="payment", version=9, field="v", room="1-1-101", user="c1", line="L1", fee="ZX",
              receipt="T1-20261220-0001", terminal="T1", kind="refund", amount=42240, receipt_no="T1-20261220-0001",
              reason="班次已关闭", origin="T2", detail="UNIQUE constraint failed: tender.id")


def _source(f: str) -> str:
    return (ROOT / f).read_text(encoding="utf-8")


def test_every_raised_code_is_in_the_catalogue():
    raised = {code for f in FILES for code in RAISED.findall(_source(f))}
    assert {"sync.unknown_room", "sync.unknown_user", "sync.unknown_event_type"} <= raised
    assert sorted(raised - set(catalog())) == []


def test_every_exception_kind_has_words():
    opened = {kind for f in FILES for kind in OPENED.findall(_source(f))}
    assert {"double_payment", "late_event", "prepaid_negative"} <= opened
    assert sorted(f"sync.exception.{k}" for k in opened if f"sync.exception.{k}" not in catalog()) == []


def test_sync_messages_render_in_both_languages():
    # the appliers' block (C2/C3 keep their own codes in other sections of the file)
    mine = {"sync.unknown_event_type", "sync.unknown_event_version", "sync.payload_incomplete", "sync.unknown_room",
            "sync.unknown_user", "sync.unknown_line", "sync.line_exists", "sync.unknown_fee_item",
            "sync.unknown_receipt", "sync.receipt_taken", "sync.ids_clash", "sync.terminal_mismatch", "sync.unknown_payment_kind",
            "sync.exception.double_payment", "sync.exception.late_event", "sync.exception.prepaid_negative",
            "sync.late_reason.shift_closed", "sync.late_reason.day_closed"}
    assert mine <= set(MESSAGES)
    for code in sorted(mine):
        zh, en = MESSAGES[code]
        for lang in ("zh", "en"):
            text = render(Msg(code, PARAMS), lang)
            assert text and "{" not in text, (code, lang, text)
        assert "propdesk" not in zh and not re.search(r"--[a-z]", zh), code
        assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en), code
