"""This PC's own answers from the first-run wizard — its terminal code and UI language — in a
small JSON file beside the SQLite database (`propdesk.db.counter.json`), or in the user config
folder for a PostgreSQL URL. Per machine, not per database row: two counters may share one
central database but never one terminal code.

`Settings.load` reads the terminal code from here after --terminal and PROPDESK_TERMINAL, so a
counter set up in the wizard keeps its code on every later start (CLI too). No Qt, no DB.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "PropDesk"


def path(db_url: str) -> Path | None:
    """Where the file is for this database URL; None for an unusable URL or in-memory SQLite."""
    explicit = os.environ.get("PROPDESK_COUNTER_FILE")
    if explicit:
        return Path(explicit)
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(db_url)
    except (ArgumentError, ValueError, TypeError):
        return None
    if u.get_backend_name() == "sqlite":
        if not u.database or u.database == ":memory:":
            return None
        db = Path(u.database).expanduser()
        return db.with_name(db.name + ".counter.json")
    digest = hashlib.sha256(u.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / f"counter-{digest}.json"


def load(db_url: str) -> dict[str, Any]:
    p = path(db_url)
    if p is None or not p.is_file():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # a damaged file is as good as none: the defaults apply
    return data if isinstance(data, dict) else {}


def save(db_url: str, **values: Any) -> Path | None:
    """Merge `values` into the file (written whole, then renamed: never half a file)."""
    p = path(db_url)
    if p is None:
        return None
    data = {**load(db_url), **values}
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, p)
    return p


def saved_terminal(db_url: str) -> str | None:
    code = load(db_url).get("terminal")
    return code if isinstance(code, str) and code else None


def saved_language(db_url: str) -> str | None:
    lang = load(db_url).get("lang")
    return lang if lang in ("zh_CN", "en") else None
