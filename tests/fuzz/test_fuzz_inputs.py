"""Fuzzing the parsers of outside input that reach the database (issue 15 item 6): import
files (CSV and XLSX, rooms/meters/readings; the fee-items JSON with its community options),
scanned receipt QR payloads against the books, and sync pushes through central's push with
the real appliers (payloads built from a real payment, then broken). Whatever comes in: a
result or a coded error — never a traceback — and a refused import changes nothing."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import clock
from app.central import terminals
from app.central.errors import HttpError
from app.central.push import push_batch, validate_batch
from app.context import AppContext
from app.db.models import Terminal
from app.errors import AppError
from app.messages import catalog
from app.services import receipts
from app.services.cashier.payments import Counter, pay_bills
from app.services.imports import import_file
from app.sync_payloads import payment as payment_payload
from tests.support import counter_world
from tests.support.counter_world import T
from tests.unit.import_support import METERS_HEADER, READINGS_HEADER, ROOMS_HEADER, write_csv, write_xlsx

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
HEADERS = {"rooms": ROOMS_HEADER, "meters": METERS_HEADER, "readings": READINGS_HEADER}


def coded(e: AppError) -> None:
    assert e.code in catalog(), e.code
    assert e.text("zh") and e.text("en")


@pytest.fixture(scope="module")
def world(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A counter database with a paid bill, which is also central for T2 (SQLite)."""
    from tests.conftest import _ready_context

    path = tmp_path_factory.mktemp("fuzz") / "propdesk.db"
    ctx = _ready_context(f"sqlite:///{path}")
    mp = pytest.MonkeyPatch()
    mp.setattr(clock, "today", lambda: date(2026, 12, 20))
    with ctx.uow() as s:
        counter_world.build(s)
    with ctx.uow() as s:
        paid = pay_bills(s, Counter("T1", "admin"), "1-1-101", T("cash=500"))
    with ctx.uow() as s:
        terminals.add_terminal(s, "T2", ["阳光花园"])
        base = payment_payload(s, paid["payment_id"])
    yield ctx, base, paid
    mp.undo()
    ctx.close()


def _in_rollback(ctx: AppContext, fn):  # type: ignore[no-untyped-def]
    s = ctx.sessions()
    try:
        return fn(s)
    finally:
        s.rollback()
        s.close()


cells = st.one_of(st.text(max_size=12), st.sampled_from(["", " ", "阳光花园", "1-1-101", "water", "2026-01", "-1",
                                                          "1e9", "NaN", "=SUM(A1)", "０１２", "3.14159", "\x00"]))


@FUZZ
@given(kind=st.sampled_from(["rooms", "meters", "readings"]), header_ok=st.booleans(),
       rows=st.lists(st.lists(cells, max_size=10), max_size=6), raw=st.one_of(st.none(), st.binary(max_size=200)))
def test_csv_imports(world, tmp_path_factory, kind, header_ok, rows, raw):
    ctx = world[0]
    path = tmp_path_factory.mktemp("csv") / f"{kind}.csv"
    if raw is not None:
        path.write_bytes(raw)
    else:
        write_csv(path, [HEADERS[kind] if header_ok else HEADERS[kind][::-1]] + rows, pad=False)
    try:
        _in_rollback(ctx, lambda s: import_file(s, kind, path, user="admin", terminal="T1"))
    except AppError as e:
        coded(e)


xlsx_cells = st.one_of(st.none(), cells, st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                       st.booleans(), st.dates(date(1900, 3, 1), date(2100, 1, 1)),
                       st.datetimes(datetime(1900, 3, 1), datetime(2100, 1, 1)))


@FUZZ
@given(kind=st.sampled_from(["rooms", "meters", "readings"]),
       rows=st.lists(st.lists(xlsx_cells, max_size=10), max_size=5), raw=st.one_of(st.none(), st.binary(max_size=300)))
def test_xlsx_imports(world, tmp_path_factory, kind, rows, raw):
    ctx = world[0]
    path = tmp_path_factory.mktemp("xlsx") / f"{kind}.xlsx"
    if raw is not None:
        path.write_bytes(raw)
    else:
        from openpyxl.utils.exceptions import IllegalCharacterError

        try:
            write_xlsx(path, [HEADERS[kind]] + rows)
        except IllegalCharacterError:  # Excel itself cannot hold such a cell
            assume(False)
    try:
        _in_rollback(ctx, lambda s: import_file(s, kind, path, user="admin", terminal="T1"))
    except AppError as e:
        coded(e)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=10), kids,
                                                                                      max_size=3), max_leaves=10)
option_names = st.sampled_from(["max_change", "prepaid_deduction", "late_fee", "x", ""])


@FUZZ
@given(doc=st.one_of(
    json_values,
    st.fixed_dictionaries({"community": st.sampled_from(["阳光花园", "", "无"]),
                           "options": st.one_of(json_values, st.dictionaries(option_names, json_values, max_size=3))}),
    st.fixed_dictionaries({"community": st.just("阳光花园"),
                           "fee_items": st.lists(st.dictionaries(st.sampled_from(
                               ["code", "name", "basis", "unit_price", "late_fee", "tiers", "meter_kind", "rounding"]),
                               json_values, max_size=6), max_size=3)})),
    raw=st.one_of(st.none(), st.binary(max_size=100)))
def test_fee_items_json_and_community_options(world, tmp_path_factory, doc, raw):
    ctx = world[0]
    path = tmp_path_factory.mktemp("json") / "fee_items.json"
    path.write_bytes(raw if raw is not None else json.dumps(doc, ensure_ascii=False).encode())
    try:
        _in_rollback(ctx, lambda s: import_file(s, "fee-items", path, user="admin", terminal="T1"))
    except AppError as e:
        coded(e)


@FUZZ
@given(st.one_of(st.text(max_size=60), st.builds(lambda n, t, ts: f"PD1|{n}|{t}|{ts}|0123456789abcdef",
                                                  st.sampled_from(["T1-20261220-0001", "T1-20261220-0099", "T9-1-1"]),
                                                  st.integers(-5, 10**7), st.integers(0, 2 * 10**9))))
def test_receipt_qr_against_the_books(world, payload):
    try:
        r = _in_rollback(world[0], lambda s: receipts.verify(s, payload))
    except AppError as e:
        coded(e)
        return
    assert r["reason_code"] in catalog()


def _mutate(obj, draw):  # type: ignore[no-untyped-def]
    """The payload with one value somewhere replaced or removed."""
    if isinstance(obj, dict) and obj and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(obj)))
        out = dict(obj)
        action = draw(st.sampled_from(["deeper", "replace", "delete"]))
        if action == "delete":
            del out[key]
        elif action == "replace":
            out[key] = draw(json_values)
        else:
            out[key] = _mutate(obj[key], draw)
        return out
    if isinstance(obj, list) and obj and draw(st.booleans()):
        i = draw(st.integers(0, len(obj) - 1))
        out = list(obj)
        out[i] = _mutate(obj[i], draw) if draw(st.booleans()) else draw(json_values)
        return out
    return draw(json_values) if draw(st.booleans()) else obj


@FUZZ
@given(data=st.data())
def test_sync_push_through_the_appliers(world, data):
    ctx, base, paid = world
    event_type = data.draw(st.sampled_from(["payment", "void", "shift_open", "shift_close", "waiver", "nope"]))
    payload = _mutate(copy.deepcopy(base), data.draw) if event_type == "payment" else data.draw(
        st.dictionaries(st.text(max_size=10), json_values, max_size=5))
    if not isinstance(payload, dict):
        payload = {"x": payload}
    body = {"terminal": "T2", "events": [{"event_id": data.draw(st.uuids()).hex, "device_seq": 1,
                                          "event_type": event_type, "payload": payload}]}

    def push(s):  # type: ignore[no-untyped-def]
        t = s.scalar(select(Terminal).where(Terminal.code == "T2"))
        return push_batch(s, t, validate_batch(body, t))

    try:
        reply = _in_rollback(ctx, push)
    except HttpError as e:
        assert 400 <= e.status < 500 and e.code in catalog(), (e.status, e.code)
        return
    assert [r["status"] for r in reply["results"]][0] in ("created", "exists", "conflict", "rejected")
