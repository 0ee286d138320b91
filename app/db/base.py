"""Declarative base, the shared MetaData (with a naming convention so Alembic names every
constraint the same way on SQLite and PostgreSQL) and the column types we use everywhere."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    metadata = metadata


class DecimalText(TypeDecorator[Decimal]):
    """An exact decimal stored as its canonical text.

    SQLite has no decimal type (NUMERIC affinity silently becomes a float), so areas,
    readings, prices and rates are stored as text on both databases: what was typed is what
    is read back, bit for bit. Amounts of money are never stored this way: they are integer fen.
    """

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("DecimalText refuses floats")
        d = value if isinstance(value, Decimal) else Decimal(str(value))
        if not d.is_finite():  # Decimal("NaN") / ("Infinity") parse, but are no quantity or price
            raise ValueError(f"DecimalText refuses {d}")
        return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


class JSONText(TypeDecorator[Any]):
    """JSON kept as text: identical on SQLite and PostgreSQL, keys sorted so equal payloads
    compare equal byte for byte (sync uses that to tell a retry from a conflict)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        if value is None:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        return None if value is None else json.loads(value)


def _json_default(o: Any) -> Any:
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, (date, datetime)):
        return o.isoformat()
    if isinstance(o, float):
        raise TypeError("floats are not stored in PropDesk JSON")
    raise TypeError(f"cannot store {type(o).__name__} as JSON")


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC as naive values and come back timezone-aware."""

    from sqlalchemy import DateTime as _DT

    impl = _DT
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


ID = String(36)  # UUID text: made on the counter, identical on SQLite and PostgreSQL
