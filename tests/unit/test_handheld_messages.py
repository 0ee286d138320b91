"""Every message code the handheld drivers raise is in the catalogue, in both languages, and
the Chinese never names a command line (it says what to do in the window)."""

from __future__ import annotations

import ast
from pathlib import Path

from app.messages import catalog

ROOT = Path(__file__).resolve().parents[2]
FILES = [*sorted((ROOT / "drivers" / "handheld").glob("*.py")), ROOT / "drivers" / "cli_handheld.py"]


def _codes() -> set[str]:
    out: set[str] = set()
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("handheld."):
                out.add(node.value)
    return out


def test_raised_codes_are_catalogued():
    codes = _codes()
    assert "handheld.line_lost" in codes and "handheld.port_missing" in codes  # the scan finds them
    missing = sorted(c for c in codes if c not in catalog())
    assert not missing, missing


def test_chinese_texts_name_no_command_line():
    for code, (zh, en) in catalog().items():
        if code.startswith("handheld."):
            assert "--" not in zh and "propdesk" not in zh, code
            assert zh and en, code
