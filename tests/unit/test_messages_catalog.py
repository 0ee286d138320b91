"""Every message a user can meet comes from the catalogue, in both languages."""

import ast
import re
from pathlib import Path

from app.errors import InputError, Msg, Problem
from app.messages import catalog, render

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
RAISERS = {"InputError", "NotFound", "Conflict", "PermissionDenied", "AppError", "Msg", "Problem"}


def _coded_calls():
    """(file:line, name, first argument node) of every error/message construction in app/."""
    for path in sorted((ROOT / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) and f.attr == "of" else getattr(f, "id", None)
            if isinstance(f, ast.Attribute) and f.attr == "of":
                name = getattr(f.value, "id", None)
            if name in RAISERS and node.args:
                yield f"{path.relative_to(ROOT)}:{node.lineno}", name, node.args[0]


def test_every_error_raised_in_app_is_a_catalogued_code():
    cat = catalog()
    bad = []
    for where, name, arg in _coded_calls():
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            if arg.value not in cat:
                bad.append(f"{where}: {name}({arg.value!r}) is not a code in app/messages")
        elif isinstance(arg, ast.JoinedStr):
            # A computed code (`f"print.flag.{flag}"`) is fine when its fixed part names a family
            # of catalogued codes.
            head = arg.values[0].value if arg.values and isinstance(arg.values[0], ast.Constant) else ""
            if not (head.endswith(".") and any(c.startswith(head) for c in cat)):
                bad.append(f"{where}: {name}(f-string) — give a code and parameters")
    assert not bad, "\n".join(bad)


def test_codes_are_well_formed_and_chinese_is_chinese():
    """(The Chinese may leave out a technical detail the English keeps, so the two need not
    use the same fields.)"""
    bad = []
    for code, (zh, en) in catalog().items():
        if not CODE.match(code):
            bad.append(f"{code}: not a lowercase dotted code")
        words = re.sub(r"\{[^}]*\}", "", zh)  # what is left when the parameters are taken out
        if re.search(r"[A-Za-z]{2,}", words) and not re.search(r"[\u4e00-\u9fff]", words):
            bad.append(f"{code}: the Chinese text has no Chinese")
    assert not bad, "\n".join(bad)


def test_rendering_fills_parameters_and_nested_messages():
    e = InputError("input.too_long", field=Msg.of("input.required", field="备注"), max=200, length=300)
    assert "200" in e.text("zh") and "300" in e.text("en")
    p = Problem.of("input.required", row=3, column="room", field="房号")
    assert p.text("zh").startswith("第3行，列 room：") and p.text("en").startswith("row 3, column room: ")
