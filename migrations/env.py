"""Alembic environment shared by SQLite (counter) and PostgreSQL (central).

The models' MetaData is the target, batch mode is on for SQLite (it cannot ALTER most
things in place), and types are compared so `alembic check` catches any drift.
"""

from __future__ import annotations

from alembic import context

import app.db.models  # noqa: F401  (registers every table on the metadata)
from app.config import Settings
from app.db.base import metadata
from app.db.engine import make_engine

config = context.config


def _render_item(type_: str, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Write our TypeDecorators into migrations as their plain storage types, so a migration
    never imports model code that may change after it was written."""
    if type_ == "type" and hasattr(obj, "impl") and type(obj).__module__ == "app.db.base":
        impl = obj.impl if not isinstance(obj.impl, type) else obj.impl()
        return f"sa.{impl!r}"
    return False


def _url() -> str:
    given = config.attributes.get("db_url") or context.get_x_argument(as_dictionary=True).get("db")
    return given or Settings.load().db_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(), target_metadata=metadata, literal_binds=True, render_as_batch=True, compare_type=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        compare_type=True,
        render_item=_render_item,
    )
    if not sqlite:
        with context.begin_transaction():
            context.run_migrations()
        return
    # Batch mode rebuilds a table (copy, drop, rename). With foreign keys on, dropping a table
    # that other rows point at fails — a counter with payments could not be upgraded. SQLite's
    # own recipe: keys off outside the transaction, then prove nothing dangles before commit.
    if connection.in_transaction():
        raise RuntimeError("SQLite migrations need a connection outside a transaction (foreign keys go off)")
    raw = connection.connection.driver_connection
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        with context.begin_transaction():
            context.run_migrations()
        dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise RuntimeError(f"migration left rows pointing at nothing: {dangling[:5]}")
        if connection.in_transaction():
            connection.commit()
    finally:
        if connection.in_transaction():
            connection.rollback()
        raw.execute("PRAGMA foreign_keys=ON")  # outside any transaction, so it takes effect


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
