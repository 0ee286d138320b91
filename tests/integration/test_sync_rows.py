"""Rows shipped as JSON (app.sync_rows): what central dumps, a counter upserts — exactly the
same values back (dates, times, decimals, JSON), idempotent, central's version winning."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.context import AppContext
from app.db.models import BillLine, Room
from app.services import users
from app.services.billing.bill_run import bill_run
from app.sync_rows import dump_rows, upsert_rows
from tests.support.builders import World

TABLES = ("community", "building", "room", "party", "occupancy", "fee_item", "tariff_version", "bill_run", "bill_line")


@pytest.fixture
def two(any_db_url, tmp_path):  # type: ignore[no-untyped-def]
    src = AppContext.open(any_db_url)
    dst = AppContext.open(f"sqlite:///{tmp_path / 'counter.db'}")
    with src.uow() as s:
        users.ensure_user(s, "admin", "admin", password="admin")
        w = World(s)
        w.room("1-101", "89.50", owner="张三", phone="13800001234")
        w.room("1-102", "120.00", owner="李四", phone="13900005678")
        w.fee("PM", "area", "2.35")
        bill_run(s, "2026-10", user="admin")
    yield src, dst
    src.close()
    dst.close()


def _ship(src: AppContext, dst: AppContext) -> dict[str, list[dict]]:
    with src.uow() as s:
        shipped = {t: dump_rows(s, t) for t in TABLES}
    wire = json.loads(json.dumps(shipped))  # what crosses HTTP
    with dst.uow() as s:
        for t in TABLES:
            assert upsert_rows(s, t, wire[t]) == len(wire[t])
    return shipped


def test_rows_round_trip_exactly_and_idempotently(two):
    src, dst = two
    shipped = _ship(src, dst)
    _ship(src, dst)  # again: nothing duplicated
    with dst.uow() as s:
        for t in TABLES:
            assert sorted(map(json.dumps, dump_rows(s, t)), key=str) == sorted(map(json.dumps, shipped[t]), key=str), t
        lines = s.scalars(select(BillLine)).all()
    assert len(lines) == 2 and {line.amount_fen for line in lines} == {21033, 28200}  # 89.50×2.35, 120×2.35


def test_central_version_wins(two):
    src, dst = two
    _ship(src, dst)
    with src.uow() as s:
        room = s.scalar(select(Room).where(Room.room_key == "1-101"))
        room.area = room.area + 1
    _ship(src, dst)
    with src.uow() as s, dst.uow() as d:
        want = s.scalar(select(Room.area).where(Room.room_key == "1-101"))
        assert d.scalar(select(Room.area).where(Room.room_key == "1-101")) == want
