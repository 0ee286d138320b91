"""Every message code raised by the printing, tender and device code is in a catalogue, in
Chinese and English (a code without words would reach the cashier as a bare code)."""

from __future__ import annotations

import re
from pathlib import Path

from app.messages import catalog

ROOT = Path(__file__).resolve().parents[2]
FILES = [*sorted((ROOT / "app" / "printing").glob("*.py")), *sorted((ROOT / "drivers").rglob("*.py")),
         *(ROOT / "app" / p for p in ("tender_methods.py", "printer_transports.py", "services/cashier/tenders.py",
                                       "services/print_queue.py", "services/receipts.py",
                                       "services/terminal_settings.py", "services/notices.py"))]
# a literal code as the first argument of an error, a problem or a message
CALL = re.compile(r"\b(?:InputError|NotFound|Conflict|AppError|PrinterError|FontNotFound|Problem\.of|Msg\.of|Msg)"
                  r"\(\s*\"([a-z0-9_.]+)\"")
LABEL = re.compile(r"\"((?:tender|print)\.[a-z0-9_]+\.[a-z0-9_]+)\"")


def test_every_code_in_these_files_has_words():
    cat = catalog()
    missing = []
    for f in FILES:
        text = f.read_text(encoding="utf-8")
        for code in set(CALL.findall(text)) | set(LABEL.findall(text)):
            if code not in cat or not all(cat[code]):
                missing.append(f"{f.relative_to(ROOT)}: {code}")
    assert not missing, missing


def test_no_free_text_raises_left_in_the_services():
    for rel in ("services/cashier/tenders.py", "services/print_queue.py", "services/receipts.py",
                "services/terminal_settings.py", "services/notices.py"):
        text = (ROOT / "app" / rel).read_text(encoding="utf-8")
        assert not re.search(r"(?:Error|NotFound|Problem)\(f?\"[^\"]*[ A-Z]", text), rel
