"""app.domain stays pure: no database, no Qt, no drivers, no services."""

from __future__ import annotations

import ast
from pathlib import Path

import app.domain

FORBIDDEN = ("sqlalchemy", "PySide6", "ui", "drivers", "app.db", "app.services", "app.cli", "app.context")


def test_domain_imports_nothing_impure() -> None:
    root = Path(app.domain.__file__).parent
    for path in sorted(root.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not any(name == f or name.startswith(f + ".") for f in FORBIDDEN), f"{path.name} imports {name}"
        assert "float(" not in path.read_text(encoding="utf-8"), f"{path.name} converts to float"
