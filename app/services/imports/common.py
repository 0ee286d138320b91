"""What every import shares: collecting problems, bulk inserts, the audit trail."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from app.errors import InputError, Msg, Problem
from app.ids import new_ids
from app.services.imports.fields import FieldError

T = TypeVar("T")
# The import kinds as messages name them (房屋导入失败 / rooms import failed).
KIND_NAMES = {"rooms": "import.kind_rooms", "meters": "import.kind_meters", "readings": "import.kind_readings",
              "fee-items": "import.kind_fee_items"}
Event = tuple[str, str | None, str | None, dict[str, Any]]  # (action, entity, entity_id, detail)


@dataclass
class Collector:
    """Every problem of a file, so one run tells the user everything to fix.

    `headers` maps a column key to the header as the file writes it (`建筑面积` for `area`):
    problems name the column the user sees."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def add(self, row: int | None, column: str | None, code: str, **params: Any) -> None:
        self.problems.append(Problem.of(code, row=row, column=self.headers.get(column or "", column), **params))

    def add_msg(self, row: int | None, column: str | None, msg: Msg) -> None:
        self.add(row, column, msg.code, **msg.params)

    def value(self, row: int, column: str, text: str, parse: Callable[..., T], *, required: bool = False,
              **kw: Any) -> T | None:
        """`parse(text)`, or None when the cell is empty (a problem if required) or bad."""
        if text == "":
            if required:
                self.add(row, column, "import.required")
            return None
        try:
            return parse(text, **kw)
        except FieldError as e:
            self.add(row, column, e.code, **e.params)
            return None

    def raise_if_any(self, kind: str) -> None:
        if self.problems:
            raise InputError("import.failed", self.problems, source=self.source,
                             kind=Msg.of(KIND_NAMES.get(kind, kind)), count=len(self.problems))


@dataclass
class Counts:
    kind: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, **self.extra}


@dataclass
class Actor:
    """Who is importing, for created_by and the audit trail."""

    user: str | None
    terminal: str | None
    source: str


def bulk_insert(s: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """One Core executemany on the table, not one ORM object per row: 100,000 rooms must
    import in seconds. Column types (DecimalText, JSONText…) still convert every value, but
    Python-side defaults do not apply, so rows carry every column. Rows without an id get
    fresh time-ordered ids."""
    if not rows:
        return
    missing = [r for r in rows if "id" not in r]
    for r, id_ in zip(missing, new_ids(len(missing))):
        r["id"] = id_
    s.execute(insert(model.__table__), list(rows))


def bulk_update(s: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """UPDATE by id for rows {"id", field: value, …}: one executemany per set of changed
    fields, so a re-import that changes many rooms is not one statement per room."""
    table = model.__table__
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in rows:
        keys = tuple(sorted(k for k in r if k != "id"))
        groups.setdefault(keys, []).append({"b_id": r["id"], **{f"b_{k}": r[k] for k in keys}})
    for keys, params in groups.items():
        stmt = (update(table).where(table.c.id == bindparam("b_id"))
                .values({k: bindparam(f"b_{k}", type_=table.c[k].type) for k in keys}))
        s.execute(stmt, params)


class IdPool:
    """Ids handed out one at a time but made in batches (new_ids is much faster than new_id)."""

    def __init__(self) -> None:
        self._ids: list[str] = []

    def take(self) -> str:
        if not self._ids:
            self._ids = new_ids(4096)[::-1]
        return self._ids.pop()


def chunks(items: Sequence[T], size: int = 500) -> list[Sequence[T]]:
    """Slices small enough for an IN (...) list on any SQLite build."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def audit_events(s: Session, actor: Actor, events: Sequence[Event]) -> None:
    """Append audit events (action, entity, entity_id, detail) in one bulk insert."""
    from app.services import audit  # chained: sealed onto the terminal's audit chain (issue 15)

    audit.record_many(s, [
        {"user": actor.user, "terminal": actor.terminal, "action": action, "entity": entity,
         "entity_id": entity_id, "detail": {**detail, "file": actor.source}}
        for action, entity, entity_id, detail in events])


def audit_summary(s: Session, actor: Actor, counts: Counts, *, changed: bool = False) -> None:
    """One event per import that changed anything (`changed`: something besides the counted
    records, e.g. community options); a no-op re-import leaves no trace."""
    if counts.created or counts.updated or changed:
        audit_events(s, actor, [(f"import.{counts.kind.replace('-', '_')}", None, None, counts.as_dict())])


def duplicate(seen: dict[Any, int], key: Any, row: int, what: Msg, c: Collector, column: str) -> bool:
    """True (and a problem naming both rows) when `key` was already on an earlier row.
    `what` says which thing, e.g. Msg.of("import.what_room", key=…, community=…)."""
    first = seen.get(key)
    if first is not None:
        c.add(row, column, "import.duplicate", what=what, first=first, second=row)
        return True
    seen[key] = row
    return False


@lru_cache(maxsize=65536)
def name_initials(name: str) -> str:
    """Lower-case first letters of the pinyin of a name ('张三' -> 'zs'); a Latin word gives
    its first letter ('Tom Li' -> 'tl'). Cached: the same surnames and names recur a lot."""
    from pypinyin import Style, lazy_pinyin  # here: its dictionaries take ~0.25 s to load, every CLI start paid it

    out = []
    for part in lazy_pinyin(name, style=Style.FIRST_LETTER):
        out += [w[0].lower() for w in re.findall(r"[A-Za-z]+", part)]
    return "".join(out)[:40]


def text_changes(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for each given (non-None) new value that differs from the old one."""
    return {k: [_plain(old.get(k)), _plain(v)] for k, v in new.items() if v is not None and old.get(k) != v}


def _plain(v: Any) -> Any:
    return None if v is None else str(v) if not isinstance(v, (int, str, list, dict)) else v
