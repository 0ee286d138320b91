"""The application context: settings, the database engine and units of work.

The CLI and the GUI each build one and pass it to services; nothing else holds a Session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import limits
from app.db.engine import make_engine, session_factory, unit_of_work


@dataclass
class AppContext:
    settings: Settings
    engine: Engine = field(init=False)
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.engine = make_engine(self.settings.db_url)
        self.sessions = session_factory(self.engine)
        limits.install(self.sessions)  # text longer than its column: InputError before anything is written

    @classmethod
    def open(cls, db_url: str, terminal: str = "T1", user: str = "admin", *, migrate: bool = True) -> "AppContext":
        ctx = cls(Settings(db_url=db_url, terminal=terminal, user=user))
        if migrate:
            ctx.migrate()
        return ctx

    def migrate(self) -> None:
        from app.db.migrate import upgrade

        upgrade(self.engine)

    @contextmanager
    def uow(self) -> Iterator[Session]:
        with unit_of_work(self.sessions) as s:
            yield s

    @property
    def terminal(self) -> str:
        return self.settings.terminal

    @property
    def user(self) -> str:
        return self.settings.user

    def close(self) -> None:
        self.engine.dispose()
