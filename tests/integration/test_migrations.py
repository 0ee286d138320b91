"""One Alembic chain builds the schema on SQLite and on PostgreSQL, with no drift."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

import app.db.models  # noqa: F401
from app.cli import main
from app.context import AppContext
from app.db.base import metadata
from app.db.migrate import alembic_config, current_revision, head_revision


def test_upgrade_builds_every_table_and_has_no_drift(any_db_url):
    ctx = AppContext.open(any_db_url)
    try:
        assert current_revision(ctx.engine) == head_revision()
        tables = set(inspect(ctx.engine).get_table_names())
        assert set(metadata.tables) <= tables
        with ctx.engine.connect() as conn:
            mc = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(mc, metadata) == []
        # `alembic check` itself, the command an operator runs
        command.check(alembic_config(any_db_url))
        ctx.migrate()  # a second upgrade is a no-op
    finally:
        ctx.close()


def test_downgrade_to_base_and_up_again(any_db_url):
    ctx = AppContext.open(any_db_url)
    cfg = alembic_config(any_db_url)
    command.downgrade(cfg, "base")
    assert "room" not in inspect(ctx.engine).get_table_names()
    command.upgrade(cfg, "head")
    assert "room" in inspect(ctx.engine).get_table_names()
    ctx.close()


def test_sqlite_runs_with_foreign_keys_wal_and_full_sync(sqlite_url):
    ctx = AppContext.open(sqlite_url)
    with ctx.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    ctx.close()


def test_foreign_keys_are_enforced(any_db_url):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from app.db.models import Room

    ctx = AppContext.open(any_db_url)
    with pytest.raises(IntegrityError):
        with ctx.uow() as s:
            s.add(Room(community_id="nope", building_id="nope", number="1", room_key="1-1", area=1))
    ctx.close()


def test_cli_init_on_both_databases_is_repeatable(any_db_url, capsys):
    assert main(["--db", any_db_url, "init", "--json"]) == 0
    assert main(["--db", any_db_url, "init", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert '"rooms": 0' in out[-1]
    ctx = AppContext.open(any_db_url, migrate=False)
    with ctx.engine.connect() as conn:
        assert conn.execute(text("select count(*) from app_user where username='admin'")).scalar() == 1
        assert conn.execute(text("select count(*) from terminal where code='T1'")).scalar() == 1
    ctx.close()


def test_a_counter_with_payments_goes_down_and_up_again(sqlite_url):
    """Batch mode rebuilds tables that payments point at (terminal): with SQLite's foreign
    keys on, that failed on any counter holding data. Keys go off for the migration only, and
    nothing may dangle after it."""
    from app.services import users
    from app.services.cashier import shifts
    from app.services.cashier.payments import Counter, prepay
    from app.services.cashier.tenders import parse_tender
    from tests.support.builders import World

    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "manager", "管理员", password="admin")
        World(s).room("1-1-101", "100.00")
    with ctx.uow() as s:
        shifts.open_shift(s, "T1", "admin", 0)
        prepay(s, Counter("T1", "admin"), "1-1-101", [parse_tender("cash=50")])
    ctx.close()
    cfg = alembic_config(sqlite_url)
    command.downgrade(cfg, "0002")
    ctx = AppContext.open(sqlite_url)  # the app's start upgrades to head
    try:
        assert current_revision(ctx.engine) == head_revision()
        with ctx.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM payment")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
    finally:
        ctx.close()
