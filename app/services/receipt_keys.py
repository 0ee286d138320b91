"""Where a terminal's receipt-signing key lives: not in the database.

The HMAC key that signs receipt QR codes (app/printing/receipt_qr.py) is kept in the same
secret store as the gateway keys — the OS keyring through `keyring` when a real backend is
there, else a 0600 file in the user data dir (app.services.gateway_settings.default_store;
PROPDESK_SECRETS_DIR names its folder). The database keeps only a key id in
`terminal.hmac_key`, written `kid:<32 hex>`; anyone who copies the database file (or a
backup of it) cannot forge a receipt.

A row still holding a 64-hex key (a database a newer program has not upgraded yet, or one
restored from a pre-0009 backup) is moved on first use by `move_out`; migration 0009 does it
for every terminal.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

import platformdirs
from sqlalchemy.engine import make_url

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.db.models import Terminal

PREFIX = "kid:"
_HEX_KEY = re.compile(r"[0-9a-f]{32,64}")


def key_file(db_url: str) -> Path:
    """The 0600 file of a database's receipt keys when there is no keyring: beside a SQLite
    file (`<db>.keys.json`, so two databases on one PC never share or race on one file), or
    for a server database a file named after its URL in the secrets folder."""
    u = make_url(db_url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        db = Path(u.database).expanduser()
        return db.with_name(db.name + ".keys.json")
    digest = hashlib.sha256(u.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    forced = os.environ.get("PROPDESK_SECRETS_DIR")
    base = Path(forced) if forced else Path(platformdirs.user_data_dir("PropDesk", appauthor=False))
    return base / f"receipt-keys-{digest}.json"


# Key files this process wrote or read: a server database's file follows PROPDESK_SECRETS_DIR,
# which a long-running process (a test run) may change after the key was made.
_FILES_SEEN: list[Path] = []


class _KeyFiles:
    """The file store at `key_file(db_url)`, reading also the files this process used before."""

    def __init__(self, path: Path) -> None:
        from app.services.gateway_settings import FileSecretStore

        self.main = FileSecretStore(path)
        if path not in _FILES_SEEN:
            _FILES_SEEN.append(path)
        self.others = [FileSecretStore(p) for p in _FILES_SEEN if p != path]

    def get(self, key: str) -> str | None:
        for st in (self.main, *self.others):
            value = st.get(key)
            if value:
                return value
        return None

    def set(self, key: str, value: str) -> None:
        self.main.set(key, value)


def store_for(db_url: str):  # type: ignore[no-untyped-def]
    """The gateway secrets' store (app.services.gateway_settings): the OS keyring when usable;
    otherwise its 0600 file store, at `key_file(db_url)`."""
    from app.services.gateway_settings import KeyringSecretStore, default_store

    st = default_store()
    if isinstance(st, KeyringSecretStore):
        return st
    return _KeyFiles(key_file(db_url))


def _store(s: Session):  # type: ignore[no-untyped-def]
    return store_for(s.get_bind().engine.url.render_as_string(hide_password=False))


def _name(kid: str) -> str:
    return f"receipt-hmac/{kid}"


def is_reference(value: str | None) -> bool:
    return bool(value) and value.startswith(PREFIX)  # type: ignore[union-attr]


def new_reference(s: Session) -> str:
    """A fresh key put in the secret store; what the terminal row keeps."""
    kid = secrets.token_hex(16)
    _store(s).set(_name(kid), secrets.token_hex(32))
    return PREFIX + kid


def resolve(value: str | None, store) -> str | None:  # type: ignore[no-untyped-def]
    """The hex key a terminal row points at (None when unknown)."""
    if not value:
        return None
    if is_reference(value):
        return store.get(_name(value[len(PREFIX):]))
    return value  # not moved out yet


def move_out(value: str, store) -> str:  # type: ignore[no-untyped-def]
    """Put a key held in a row into the store; the reference to write back instead."""
    if is_reference(value):
        return value
    kid = secrets.token_hex(16)
    store.set(_name(kid), value)
    return PREFIX + kid


def key_of(s: Session, terminal_code: str) -> str | None:
    value = s.scalar(select(Terminal.hmac_key).where(Terminal.code == terminal_code))
    if value and not is_reference(value) and _HEX_KEY.fullmatch(value):
        ref = move_out(value, _store(s))
        s.execute(update(Terminal).where(Terminal.code == terminal_code).values(hmac_key=ref))
        return value
    return resolve(value, _store(s))
