"""Helpers of the import tests: fresh databases in milliseconds, files, and the two checks
every bad-file test makes (the message says where and why; the database did not change)."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from app.context import AppContext
from app.db.base import metadata
from app.errors import InputError
from app.services.imports import import_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"


@pytest.fixture(scope="session")
def import_template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite database (with admin and T1), copied for each test: migrating for
    every test would dominate the run time."""
    from app.services import users

    path = tmp_path_factory.mktemp("template") / "template.db"
    ctx = AppContext.open(f"sqlite:///{path}")
    with ctx.uow() as s:
        users.ensure_user(s, "admin", "admin", "管理员")
        users.ensure_user(s, "cashier1", "cashier", "收银员")
        users.ensure_terminal(s, "T1")
    ctx.close()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def db(import_template_db: Path, tmp_path: Path) -> Iterator[AppContext]:
    path = tmp_path / "propdesk.db"
    shutil.copy(import_template_db, path)
    ctx = AppContext.open(f"sqlite:///{path}", migrate=False)
    yield ctx
    ctx.close()


def write_csv(path: Path, rows: Sequence[Sequence[Any]], *, bom: bool = False, encoding: str = "utf-8",
              pad: bool = True) -> Path:
    """Rows as Excel writes them ("CSV UTF-8"): CRLF, quotes only where needed, and (`pad`)
    every row as wide as the header, as Excel pads the empty cells of a row."""
    width = len(rows[0]) if rows else 0
    if pad:
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


def snapshot(ctx: AppContext) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to prove a failed import changed nothing."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with ctx.uow() as s:
        for name, table in metadata.tables.items():
            out[name] = sorted((tuple(map(repr, r)) for r in s.execute(select(table))))
    return out


def run(ctx: AppContext, kind: str, path: Path, **kw: Any) -> dict[str, Any]:
    kw.setdefault("user", "admin")
    return import_file(ctx, kind, path, **kw)


def fails(ctx: AppContext, kind: str, path: Path, *fragments: str, **kw: Any) -> InputError:
    """The import raises InputError whose text (Chinese, then English) holds every fragment,
    and changes nothing."""
    before = snapshot(ctx)
    with pytest.raises(InputError) as info:
        run(ctx, kind, path, **kw)
    text = info.value.text("zh") + "\n" + info.value.text("en")
    for f in fragments:
        assert f in text, f"{f!r} not in:\n{text}"
    assert snapshot(ctx) == before, "a failed import changed the database"
    return info.value


ROOMS_HEADER = ["community", "building", "unit", "room", "area", "usage", "charge_start", "owner", "phone"]
METERS_HEADER = ["meter_no", "kind", "room", "community", "multiplier", "digits", "initial"]
READINGS_HEADER = ["meter_no", "period", "reading", "read_at", "reader"]


def seed(ctx: AppContext, *, readings: bool = False) -> None:
    """The small sample company of tests/fixtures/imports."""
    run(ctx, "rooms", FIXTURES / "rooms.csv")
    run(ctx, "meters", FIXTURES / "meters.csv")
    if readings:
        run(ctx, "readings", FIXTURES / "readings.csv")
