"""Importing rooms, meters, readings and fee items from files (billing-rules.md, "Import files").

Every import works the same way: read the file, check every row (collecting every problem,
never stopping at the first), check what the rows refer to against the database, and only
when nothing at all is wrong write everything in one transaction. A file with a bad row
imports nothing; re-importing the same file changes nothing. See docs/imports.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.central.changes import record_import
from app.context import AppContext
from app.errors import InputError, PermissionDenied
from app.services import users
from app.services.imports import fee_items, fee_schema, meters, readings, rooms
from app.services.imports.common import Actor, Collector, Counts
from app.services.imports.reader import read_table
from app.services.sync.standalone import require_standalone

from app.services.imports.kinds import KINDS
# Permission needed per kind (app.services.users.ROLES); readings: either one.
PERMISSIONS = {"rooms": ("import",), "meters": ("import",), "readings": ("readings", "import"),
               "fee-items": ("tariff", "import")}

__all__ = ["KINDS", "import_file"]


def import_file(target: AppContext | Session, kind: str, path: str | Path, *, user: str | None = None,
                terminal: str | None = None, rollover: Iterable[str] = ()) -> dict[str, Any]:
    """Import `path` as `kind`; returns {"kind", "rows", "created", "updated", "unchanged", …}.

    `target` is an AppContext (the import is its own transaction) or a Session (the import
    joins the caller's transaction, which must roll back on InputError). `user` is checked for
    the permission and recorded; None means a system import (demo data, tests). `rollover`:
    meter numbers whose lower reading the operator confirmed as a register rollover.
    Raises InputError naming every problem; nothing is written then.
    """
    kind = kind.replace("_", "-")
    if kind not in KINDS:
        raise InputError("import.unknown_kind", kind=kind, kinds=", ".join(KINDS))
    confirmed = {m.strip() for m in rollover if m.strip()}
    if confirmed and kind != "readings":
        raise InputError("import.rollover_only_readings")
    # The file is read and checked before the transaction starts: no lock is held meanwhile.
    parsed, c = _parse(kind, path)
    actor = Actor(user, terminal, c.source)
    if isinstance(target, Session):  # record_import: counters pull what changed (central, docs/sync.md)
        return record_import(target, kind, _apply(target, kind, parsed, c, actor, confirmed).as_dict())
    with target.uow() as s:
        return record_import(s, kind, _apply(s, kind, parsed, c, actor, confirmed).as_dict())


def _parse(kind: str, path: str | Path) -> tuple[Any, Collector]:
    if kind == "fee-items":
        source, doc = fee_schema.load_json(path)
        c = Collector(source)
        return fee_schema.parse_fee_file(doc, c), c
    module = {"rooms": rooms, "meters": meters, "readings": readings}[kind]
    table = read_table(path, module.COLUMNS)
    c = Collector(table.source, headers=table.headers)  # problems name columns as the file does
    return module.validate(table, c), c  # type: ignore[attr-defined]


def _apply(s: Session, kind: str, parsed: Any, c: Collector, actor: Actor, rollover: set[str]) -> Counts:
    require_standalone(s)  # a counter joined to central takes master data from it (docs/sync.md)
    if actor.user is not None:
        _require(s, actor.user, PERMISSIONS[kind])
    if kind == "rooms":
        c.raise_if_any(kind)  # rooms refer to nothing that must already exist
        return rooms.apply(s, parsed, actor)
    if kind == "meters":
        return meters.apply(s, parsed, c, actor)
    if kind == "readings":
        return readings.apply(s, parsed, c, actor, rollover)
    if parsed is None:
        c.raise_if_any(kind)
    return fee_items.apply(s, parsed, c, actor)


def _require(s: Session, user: str, permissions: tuple[str, ...]) -> None:
    denied: PermissionDenied | None = None
    for p in permissions:
        try:
            users.require(s, user, p)
            return
        except PermissionDenied as e:
            denied = e
    assert denied is not None
    raise denied
