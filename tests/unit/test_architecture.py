"""`app/` holds the domain and services: it never imports Qt, `ui` or `drivers`."""

import ast
from pathlib import Path


ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "ui", "drivers")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"):
            names += [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return names


def test_app_imports_no_qt_ui_or_drivers():
    offenders = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not offenders, "\n".join(offenders)


def test_the_scan_would_catch_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtWidgets import QWidget\nimport importlib\nimportlib.import_module('ui.app')\n")
    assert [n.split(".")[0] for n in _imports(bad)] == ["PySide6", "importlib", "ui"]


def test_no_float_literals_in_money_modules():
    """Amounts never pass through floating point: no float literal in money or domain code."""
    offenders = []
    for path in [ROOT / "app" / "money.py", *sorted((ROOT / "app" / "domain").rglob("*.py"))]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, float):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} float literal {node.value}")
    assert not offenders, "\n".join(offenders)


def _from_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module]


def test_the_clock_is_called_through_its_module():
    """`from app.clock import today` would freeze the function at import time: a patched
    clock (tests, demo history) and the business time zone would not reach that caller."""
    offenders = [f"{p.relative_to(ROOT)}" for top in ("app", "ui", "drivers") for p in sorted((ROOT / top).rglob("*.py"))
                 if "app.clock" in _from_imports(p)]
    assert not offenders, "import the module (`from app import clock`), not its functions: " + ", ".join(offenders)


def test_layers_keep_to_their_imports():
    """drivers never import ui; ui never touches the database layer (it calls services)."""
    offenders = []
    for path in sorted((ROOT / "drivers").rglob("*.py")):
        offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in _imports(path) if n.split(".")[0] == "ui"]
    for path in sorted((ROOT / "ui").rglob("*.py")):
        offenders += [f"{path.relative_to(ROOT)} imports {n}" for n in _imports(path)
                      if n.split(".")[0] == "sqlalchemy"]
    assert not offenders, "\n".join(offenders)


def _service_imports(package: str) -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "app" / "services" / package).rglob("*.py")):
        names |= {n for n in _imports(path) if n.startswith("app.services.")}
    return names


def test_billing_and_cashier_do_not_import_each_other_in_a_circle():
    """Billing makes lines and may call the cashier's prepaid deduction; the cashier pays
    lines and reads them through `receivables` — never through billing."""
    assert not {n for n in _service_imports("cashier") if n.startswith("app.services.billing")}
    assert not {n for n in _service_imports("receivables")
                if n.startswith(("app.services.billing", "app.services.cashier"))}
