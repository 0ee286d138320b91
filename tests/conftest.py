"""Shared fixtures.

`db_url` gives each test a fresh database: a SQLite file, or (for tests parametrised with
the `any_db` fixture) also a database on a throwaway PostgreSQL server that the tests start
themselves. When CI=true a PostgreSQL that cannot start is a failure, never a skip.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.support import pgserver  # noqa: E402

_counter = itertools.count()

# The password of the `admin` every test database starts with (`init --demo`, `_ready_context`
# and `init` under the harness's PROPDESK_PASSWORD all make admin/admin). Tests acting as
# another user create it with a known password and pass PROPDESK_PASSWORD for that call.
ADMIN_PASSWORD = "admin"


@pytest.fixture(autouse=True)
def _signed_in_as_admin(monkeypatch, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The harness signs in the honest way: data-changing commands need the acting user's
    password (app/cli/sign_in.py), so every test's CLI call carries admin's, as an operator
    would export it. Login sessions go to a private data dir, never the real user's."""
    monkeypatch.setenv("PROPDESK_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.delenv("PROPDESK_APPROVER_PASSWORD", raising=False)
    monkeypatch.delenv("PROPDESK_NEW_PASSWORD", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg-data")))


@pytest.fixture(scope="session", autouse=True)
def _secrets_out_of_the_user_dir(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    """Receipt keys of PostgreSQL test databases (app/services/receipt_keys.py) go to a temp
    folder, not the user's data dir (a test may still set its own PROPDESK_SECRETS_DIR)."""
    os.environ.setdefault("PROPDESK_SECRETS_DIR", str(tmp_path_factory.mktemp("secrets")))


@pytest.fixture(scope="session")
def pg() -> Iterator[pgserver.PgServer]:
    try:
        server = pgserver.start()
    except pgserver.PostgresUnavailable as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL must run in CI: {e}")
        pytest.skip(f"PostgreSQL not available: {e}")
    yield server
    server.stop()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'propdesk.db'}"


@pytest.fixture
def pg_url(pg: pgserver.PgServer) -> str:
    return pg.create_database(f"t{os.getpid()}_{next(_counter)}")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request, tmp_path) -> str:  # type: ignore[no-untyped-def]
    """The test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'propdesk.db'}"
    server = request.getfixturevalue("pg")
    return server.create_database(f"t{os.getpid()}_{next(_counter)}")


def _ready_context(url: str):  # type: ignore[no-untyped-def]
    """A migrated AppContext with the admin user and terminal T1 (what `propdesk init` makes)."""
    from app.context import AppContext
    from app.services import users

    c = AppContext.open(url)
    with c.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员", password=ADMIN_PASSWORD)
        users.ensure_terminal(s, "T1")
    return c


@pytest.fixture
def ctx(sqlite_url):  # type: ignore[no-untyped-def]
    """An initialised SQLite AppContext with admin and terminal T1."""
    c = _ready_context(sqlite_url)
    yield c
    c.close()


@pytest.fixture
def any_ctx(any_db_url):  # type: ignore[no-untyped-def]
    """Like `ctx`, once on SQLite and once on PostgreSQL."""
    c = _ready_context(any_db_url)
    yield c
    c.close()
