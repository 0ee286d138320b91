"""Meters import, issue 13 columns: 通讯地址 (address) and 协议 (protocol)."""

from __future__ import annotations

from sqlalchemy import select

from app.db.models import Meter
from tests.unit.import_support import (  # noqa: F401
    FIXTURES, METERS_HEADER, db, fails, import_template_db, run, write_csv)

HEADER = [*METERS_HEADER, "address", "protocol"]


def _rooms(db):  # type: ignore[no-untyped-def]
    run(db, "rooms", FIXTURES / "rooms.csv")


def test_address_and_protocol_are_stored_and_kept_when_empty(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _rooms(db)
    f = write_csv(tmp_path / "m.csv", [["表号", "表类型", "房号", "小区", "倍率", "位数", "初始读数", "通讯地址", "协议"],
                                       ["E-1", "电", "3-2-1502", "阳光花园", "", "", "", "000000000161", "DL/T645"],
                                       ["W-1", "水", "3-2-1502", "阳光花园", "", "", "", "１２３４５６７８９０１２３４",
                                        "cjt188"]])
    assert run(db, "meters", f)["created"] == 2
    again = write_csv(tmp_path / "m2.csv", [HEADER, ["E-1", "electricity", "3-2-1502", "阳光花园", "", "", "", "", ""]])
    run(db, "meters", again)
    with db.uow() as s:
        got = {m.meter_no: (m.address, m.protocol) for m in s.scalars(select(Meter))}
    assert got == {"E-1": ("000000000161", "dlt645"), "W-1": ("12345678901234", "cjt188")}


def test_bad_address_or_protocol_names_row_and_column(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _rooms(db)
    f = write_csv(tmp_path / "m.csv", [HEADER,
                                       ["E-1", "electricity", "3-2-1502", "阳光花园", "", "", "", "12AB", "dlt645"],
                                       ["E-2", "electricity", "3-2-1502", "阳光花园", "", "", "", "1", "modbus"],
                                       ["E-3", "electricity", "3-2-1502", "阳光花园", "", "", "", "1234567890123",
                                        "dlt645"]])
    fails(db, "meters", f, "第2行", "address", "12AB", "第3行", "modbus", "第4行", "12 位", "12 digits")
