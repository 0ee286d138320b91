"""Text lengths are checked against the column sizes before anything is written, for every
service at once: a `before_flush` listener on the session factory looks at every
String(n) attribute of new and changed objects.

Why here and not in each service: SQLite ignores VARCHAR(n) and stores 10,000 characters
where PostgreSQL refuses them with an error the cashier cannot act on; checking at the
flush makes both databases behave the same — InputError("input.too_long", field=…,
max=…, length=…), exit 2, and the unit of work rolls back, so nothing is written.

Core INSERT/UPDATE statements run through the session (`s.execute(table.insert(), rows)`,
as the ledger writes its transactions) are checked the same way by a `do_orm_execute`
listener. Columns that hold text the program composes (a ledger memo "作废 T1-…: <reason>",
an error text) are cut to their size with "…" instead of refused: the person's own input
is refused where it is stored (the void reason), and a description must never make a
valid action fail.

Not covered: the driver-level bulk paths (`bulk_insert`: bill run, demo history, ledger
accounts and postings), which write rows built by the program, not typed by a person.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import String, Table, event, inspect
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, sessionmaker
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.types import TypeDecorator

from app.errors import InputError, Msg

# (attribute key, table.column, max length, the column type when it turns the value into
# text itself — DecimalText — else None)
_Limit = tuple[str, str, int, TypeDecorator | None]
_limits_by_mapper: dict[Mapper, list[_Limit]] = {}
_limits_by_table: dict[Table, dict[str, tuple[str, int]]] = {}

# Text the program composes from other fields: cut to size, never refused (see above).
CUT_TO_SIZE = frozenset({"ledger_txn.memo", "print_job.error", "sync_outbox.last_error", "sync_outbox.rejected"})


def _shape_checks() -> dict[str, Any]:
    """Columns whose values have a shape, checked here too so no service can write one
    wrongly (e.g. `users.ensure_terminal` with a code that would make unprintable receipts)."""
    from app.config import check_terminal_code

    return {"terminal.code": check_terminal_code}


def cut(value: str, length: int) -> str:
    return value if len(value) <= length else value[:length - 1] + "…"


def _limits(mapper: Mapper) -> list[_Limit]:
    found = _limits_by_mapper.get(mapper)
    if found is None:
        found = []
        for prop in mapper.column_attrs:
            for col in prop.columns:
                typ = col.type
                impl = typ.impl if isinstance(typ, TypeDecorator) else typ
                length = getattr(impl, "length", None)
                if isinstance(impl, String) and length and getattr(col, "table", None) is not None:
                    found.append((prop.key, f"{col.table.name}.{col.name}", length,
                                  typ if isinstance(typ, TypeDecorator) else None))
        _limits_by_mapper[mapper] = found
    return found


def field_name(column: str) -> Msg | str:
    """A column as a person reads it: a message `field.<table>.<column>` when the catalogue
    has one (作废原因 / void reason), else `table.column` itself."""
    from app.messages import catalog

    code = f"field.{column}"
    return Msg.of(code) if code in catalog() else column


def check_lengths(session: Session, _flush_context: Any = None, _instances: Any = None) -> None:
    """Raise InputError("input.too_long") for the first text value longer than its column
    (cut it to size when the column holds composed text)."""
    dialect = session.get_bind().dialect
    shapes = _shape_checks()
    for obj in chain(session.new, session.dirty):
        state = inspect(obj)
        values = state.dict  # only what is loaded or set: never triggers a load
        for key, column, length, typ in _limits(state.mapper):
            value = values.get(key)
            if value is None:
                continue
            if typ is not None:
                value = typ.process_bind_param(value, dialect)
            if column in shapes and (state.pending or state.attrs[key].history.has_changes()):
                shapes[column](value)  # only what is written now: an old row keeps its code
            if isinstance(value, str) and len(value) > length:
                if column in CUT_TO_SIZE and typ is None:
                    setattr(obj, key, cut(value, length))
                    continue
                _too_long(column, length, value)


def _too_long(column: str, length: int, value: str) -> None:
    raise InputError("input.too_long", field=field_name(column), max=length, length=len(value), column=column)


def _table_limits(table: Table) -> dict[str, tuple[str, int]]:
    found = _limits_by_table.get(table)
    if found is None:
        found = {}
        for col in table.columns:
            impl = col.type.impl if isinstance(col.type, TypeDecorator) else col.type
            length = getattr(impl, "length", None)
            if isinstance(impl, String) and length and not isinstance(col.type, TypeDecorator):
                found[col.key] = (f"{table.name}.{col.name}", length)
        _limits_by_table[table] = found
    return found


def _checked_row(limits: dict[str, tuple[str, int]], row: dict[str, Any]) -> dict[str, Any] | None:
    """The row with composed text cut to size (None when nothing changed); InputError when
    a person's text is too long."""
    changed: dict[str, Any] | None = None
    for key, value in row.items():
        name = getattr(key, "key", key)
        limit = limits.get(name) if isinstance(name, str) else None
        if limit is None:
            continue
        v = value.value if isinstance(value, BindParameter) else value
        if isinstance(v, str) and len(v) > limit[1]:
            if limit[0] not in CUT_TO_SIZE or isinstance(value, BindParameter):
                _too_long(limit[0], limit[1], v)
            changed = changed if changed is not None else dict(row)
            changed[key] = cut(v, limit[1])
    return changed


def check_statement(state: ORMExecuteState) -> Any:
    """The same check for Core INSERT/UPDATE statements executed through the session."""
    if not (state.is_insert or state.is_update):
        return None
    table = getattr(state.statement, "table", None)
    if not isinstance(table, Table):
        return None
    limits = _table_limits(table)
    if not limits:
        return None
    for values in (getattr(state.statement, "_values", None) or {},
                   *(getattr(state.statement, "_multi_values", None) or ())):
        rows = values if isinstance(values, (list, tuple)) else [values]
        for row in rows:
            if isinstance(row, dict):
                _checked_row(limits, row)
    params = state.parameters
    if not params:
        return None
    rows = params if isinstance(params, (list, tuple)) else [params]
    fixed = [_checked_row(limits, dict(r)) if isinstance(r, dict) else None for r in rows]
    if any(f is not None for f in fixed):
        new_rows = [f if f is not None else r for f, r in zip(fixed, rows)]
        return state.invoke_statement(params=new_rows if isinstance(params, (list, tuple)) else new_rows[0])
    return None


def install(factory: sessionmaker[Session]) -> None:
    """Check lengths before every flush of sessions made by `factory` (idempotent)."""
    # A mark on the factory, not event.contains(): SQLAlchemy's event registry is keyed by id(),
    # and a new factory's Session class can reuse the id of a collected one, so contains() said
    # True for a factory that had no listener (seen once the sign-in gate opened a second context).
    if not getattr(factory, "_propdesk_limits", False):
        factory._propdesk_limits = True  # type: ignore[attr-defined]
        event.listen(factory, "before_flush", check_lengths)
        event.listen(factory, "do_orm_execute", check_statement)
