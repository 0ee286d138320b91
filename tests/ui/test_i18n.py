"""Chinese by default from the compiled catalogue; every UI string translated; the .qm
matches the .ts; English on request."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from ui import i18n

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources/i18n/propdesk_zh_CN.ts"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    return str(BIN / name) if (BIN / name).exists() else (shutil.which(name) or name)


def test_every_ui_string_has_a_finished_translation(tmp_path):
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    sources = sorted(str(p) for p in (ROOT / "ui").rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-ts", str(fresh), "-locations", "none", "-no-obsolete"],
                   check=True, capture_output=True)
    unfinished = [m.findtext("source") for m in ET.parse(fresh).getroot().iter("message")
                  if m.find("translation").get("type") == "unfinished"]
    assert not unfinished, f"translate these in {TS.name}: {unfinished}"


def test_qm_is_compiled_from_the_ts(tmp_path):
    qm = tmp_path / "x.qm"
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.read_bytes() == (ROOT / "resources/i18n/propdesk_zh_CN.qm").read_bytes()


def test_chinese_by_default_english_on_request(qapp):
    try:
        assert i18n.install(qapp, "zh_CN")
        assert QCoreApplication.translate("TenderPanel", "Change") == "找零"
        assert QCoreApplication.translate("Texts", "Bank card") == "银行卡"
        assert not i18n.install(qapp, "en")
        assert QCoreApplication.translate("TenderPanel", "Change") == "Change"
    finally:
        i18n.install(qapp, "en")


def test_no_translated_string_hides_in_an_f_string():
    """lupdate cannot see `f"{self.tr('x')}"`: such a string would never be translated."""
    import ast

    offenders = []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                for call in ast.walk(node):
                    name = getattr(getattr(call, "func", None), "attr", getattr(getattr(call, "func", None), "id", ""))
                    if isinstance(call, ast.Call) and name in ("tr", "translate"):
                        offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert not offenders, offenders
