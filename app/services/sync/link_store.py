"""Where a joined counter keeps its link to central: the central URL, the terminal's token and
the communities granted — in a small JSON file beside the database, not in a table.

Why a file: the token is a secret. Every table of the counter database is read by services a
cashier runs (and pulled master data overwrites rows by primary key), so a token in a row is
one careless `SELECT *` away from a screen or an export. The file is written atomically with
mode 0600 and read only by the sync services; nothing prints it back. Whether the counter is
joined is *not* in the file but in the database (`standalone.is_joined`): restoring a joined
counter's backup without the file still refuses imports and bill runs.

Place: `<sqlite file>.central.json`; for a database on a server (PostgreSQL counter), a file in
the user config dir named after a hash of the URL without its password. `PROPDESK_CENTRAL_LINK`
names the file explicitly.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from app.config import APP_NAME


@dataclass(frozen=True)
class LinkConfig:
    central: str  # base URL, e.g. http://10.0.0.5:8765
    token: str
    terminal: str
    communities: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # never show the token in a traceback or a log line
        return f"LinkConfig(central={self.central!r}, terminal={self.terminal!r}, communities={self.communities!r})"


def link_path(db_url: str) -> Path:
    explicit = os.environ.get("PROPDESK_CENTRAL_LINK")
    if explicit:
        return Path(explicit)
    u = make_url(db_url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        db = Path(u.database).expanduser()
        return db.with_name(db.name + ".central.json")
    digest = hashlib.sha256(u.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / f"central-{digest}.json"


def load(path: Path) -> LinkConfig | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return LinkConfig(central=raw["central"], token=raw["token"], terminal=raw["terminal"],
                      communities=list(raw.get("communities") or []))


def save(path: Path, conf: LinkConfig) -> None:
    """Write atomically (temp file + rename), readable by this OS user only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(conf), f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
