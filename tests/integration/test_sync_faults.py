"""Issue 11, "Proof": the sync fault tests. Real PostgreSQL (the throwaway `pg` server), the
real `propdesk central serve` on loopback behind a fault-injecting proxy
(tests/support/fault_proxy.py), counters on SQLite joined with `sync join`, driven through the
public command line and HTTP only (tests/support/processes.py, tests/support/sync_world.py).

Seeded: PROPDESK_FAULT_SEED (default below) picks the faults and the kill points; a failure
names the seed. Counts: the CI run kills the counter's sync 20 times and central 5 times
(PROPDESK_SYNC_COUNTER_KILLS / PROPDESK_SYNC_CENTRAL_KILLS raise them); the full 200 / 20 run
is `python -m tests.bench.bench_sync_kills`.

Skipped ONLY while issue 11's pieces are not in the tree (`app.central`, `app.services.sync`);
never because of CI. Once they are, every test here runs (a missing command fails
test_the_sync_commands_are_registered), and PostgreSQL must start when CI=true (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest
import requests

pytest.importorskip("app.central", reason="issue 11: the central service (app/central/) is not in this tree yet")
pytest.importorskip("app.services.sync", reason="issue 11: the counter's sync (app/services/sync/) is not in this tree yet")

from tests.support import processes as P  # noqa: E402
from tests.support.fault_proxy import DROP_RESPONSE, PASS, Always, Script, Seeded, is_post  # noqa: E402
from tests.support.processes import procs  # noqa: E402,F401  (fixture)
from tests.support.sync_world import (  # noqa: E402
    World,
    assert_exactly_once,
    assert_ledger_ok,
    central_kills,
    counter_kills,
    counts,
    device_clock_shift,
    outbox,
    own_payments,
    push,
    sql_rows,
    take_payments,
)

pytestmark = pytest.mark.postgres

SEED = int(os.environ.get("PROPDESK_FAULT_SEED", "20261202"))
COUNTER_KILLS = int(os.environ.get("PROPDESK_SYNC_COUNTER_KILLS", "20"))
CENTRAL_KILLS = int(os.environ.get("PROPDESK_SYNC_CENTRAL_KILLS", "5"))


def test_the_sync_commands_are_registered() -> None:
    """The pieces are in the tree, so the commands must be on the command line. (`sync` comes
    through the `propdesk.commands` entry point: a stale editable install lacks it until
    `pip install -e .` is run again.)"""
    assert P.commands_available(), "central/terminal/sync/exceptions missing from `propdesk --help`"


@pytest.fixture
def world(pg_url, tmp_path, procs):  # type: ignore[no-untyped-def]  # noqa: F811
    w = World.create(pg_url, tmp_path, procs)
    yield w
    w.close()


def receipt_day(receipt_no: str) -> date:
    """The business day in a receipt number: <terminal>-<yyyymmdd>-<seq>."""
    d = receipt_no.split("-")[1]
    return date(int(d[:4]), int(d[4:6]), int(d[6:8]))


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def owing_room(counter_db: str, terminal: str) -> tuple[str, int]:
    """A room that owes something at this counter, and what it owes today (fen, late fees in)."""
    from sqlalchemy import select

    from app import clock
    from app.context import AppContext
    from app.db.models import Room
    from tests.support.sync_world import _room_bills

    room_bills = _room_bills()

    ctx = AppContext.open(counter_db, terminal, "admin", migrate=False)
    try:
        with ctx.uow() as s:
            for room in s.scalars(select(Room).order_by(Room.room_key)):
                due = room_bills(s, room.id, as_of=clock.today())
                total = due["owed_fen"] + due["late_fee_fen"]
                if total > 0 and due["lines"]:
                    return room.room_key, total
    finally:
        ctx.close()
    raise AssertionError("no room owes anything")


def view(bills: dict) -> dict:
    """What a cashier sees of a room's dues: the lines, their amounts and what is paid."""
    return {"lines": sorted((ln["id"], ln["amount_fen"], ln["paid_fen"], ln["late_fee_fen"]) for ln in bills["lines"]),
            "prepaid_fen": bills["prepaid_fen"]}


def wait_pending_zero(counter, timeout: float = 240.0) -> dict:  # type: ignore[no-untyped-def]
    """Poll `sync status` until the running loop has pushed everything (central back up:
    its backoff is at most 60 s plus jitter)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        st = counter.status()
        if st["pending"] == 0 and st["online"]:
            return st
        assert time.monotonic() < deadline, f"still pending after {timeout}s: {st}"
        time.sleep(2)  # polling a background process's progress, not standing in for it


# -- central down, replies lost -----------------------------------------------------------

def test_central_down_for_a_whole_shift_then_exactly_once(world: World) -> None:
    k1 = world.add_counter("K1")
    world.stop_central()  # SIGTERM: exits 0
    loop = world.procs.sync_loop(k1.db, k1.code)  # keeps trying, backing off, all shift long
    P.cli(k1.db, "shift", "open", terminal="K1")
    key, total = owing_room(k1.db, "K1")
    receipts = [P.cli(k1.db, "pay", "--room", key, "--all", "--tender", f"cash={yuan(total)}", terminal="K1")["receipt_no"],
                P.cli(k1.db, "prepay", "--room", key, "--tender", "cash=50", terminal="K1")["receipt_no"]]
    receipts += take_payments(k1, 198, seed=SEED)
    P.cli(k1.db, "shift", "close", "--count", "100=1", terminal="K1")
    st = k1.status()
    assert st["online"] is False and st["pending"] >= 200 + 2, st  # 200 payments, shift open and close

    world.start_central()
    wait_pending_zero(k1)
    loop.stop()  # SIGTERM: the loop stops cleanly, exit 0
    done = assert_exactly_once(world, k1)
    assert done["payments"] == 200
    assert sorted(r for _, r in own_payments(world.pg_url, "K1").values()) == sorted(receipts)


def test_replies_lost_after_central_committed(world: World) -> None:
    """Central commits each batch, the proxy drops its reply (the counter sees a reset) ≥ 100
    times; every batch is retried until answered: 0 duplicates."""
    k1 = world.add_counter("K1")
    take_payments(k1, 200, seed=SEED)
    events = outbox(k1)
    world.proxy.set_policy(Seeded(SEED, {DROP_RESPONSE: 0.6}, only=is_post("/v1/push")))
    statuses: dict[str, str] = {}
    for i in range(0, len(events), 2):  # small batches: many commits, many lost replies
        batch = events[i:i + 2]
        for _attempt in range(100):
            try:
                r = push(world.url, k1.token, "K1", batch)
            except requests.ConnectionError:
                continue  # the reply was lost; the batch is sent again, as the counter would
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["stored_seq"] == batch[-1]["device_seq"], body
            for res in body["results"]:
                assert res["status"] in ("created", "exists"), (SEED, res)
                statuses[res["event_id"]] = res["status"]
            break
        else:
            raise AssertionError(f"seed {SEED}: batch at {i} never answered")
    lost = world.proxy.stats.count("drop_response", upstream_status=200)
    assert lost >= 100, (SEED, world.proxy.stats.summary())
    assert set(statuses) == {e["event_id"] for e in events}
    assert "exists" in statuses.values()  # retries of committed batches were recognised

    # The counter itself never got those replies: its own push re-sends everything (all
    # "exists") and clears its outbox; then its own `sync run` through a few more lost replies.
    world.proxy.set_policy(Always(PASS))
    assert k1.sync_once()["pending"] == 0
    take_payments(k1, 30, seed=SEED + 1)
    world.proxy.set_policy(Script([DROP_RESPONSE] * 3, only=is_post("/v1/push")))
    for _ in range(3):
        k1.sync_once(expect=None)  # fails on a lost reply (or pushes what it can)
    assert k1.sync_once()["pending"] == 0
    assert world.proxy.stats.count("drop_response", upstream_status=200) == lost + 3
    assert_exactly_once(world, k1)


# -- kill -9 ------------------------------------------------------------------------------

def test_counter_sync_killed_at_random_points(world: World) -> None:
    k1 = world.add_counter("K1")
    take_payments(k1, 40, seed=SEED)
    how = counter_kills(world, k1, COUNTER_KILLS, SEED)
    assert how["kills"] == COUNTER_KILLS
    assert k1.sync_once()["pending"] == 0
    assert_exactly_once(world, k1)


def test_central_killed_mid_batch(world: World) -> None:
    k1 = world.add_counter("K1")
    how = central_kills(world, k1, CENTRAL_KILLS, SEED)
    assert how["kills"] == CENTRAL_KILLS and how["inside_batch"] >= 1, (SEED, how)
    assert k1.sync_once()["pending"] == 0
    assert_exactly_once(world, k1)
    world.stop_central()  # and after all that it still stops cleanly


# -- conflicts, rejections ----------------------------------------------------------------

def test_same_event_id_with_another_payload_is_kept_as_a_conflict(world: World) -> None:
    k9 = world.add_counter("K9")
    take_payments(k9, 3, seed=SEED)
    events = outbox(k9)
    pays = [e for e in events if e["event_type"] == "payment"]
    assert len(pays) == 3
    before = counts(world)
    exceptions_before = len(P.cli(world.pg_url, "exceptions", "list")["exceptions"])

    # A payment central cannot apply (a schema version it never emitted) is rejected and kept,
    # and the events after it still apply.
    bad = dict(pays[0], payload={**pays[0]["payload"], "v": 999})
    sent = [bad if e["event_id"] == bad["event_id"] else e for e in events]
    body = push(world.direct_url(), k9.token, "K9", sent).json()
    by_id = {r["event_id"]: r for r in body["results"]}
    assert by_id[bad["event_id"]]["status"] == "rejected" and by_id[bad["event_id"]].get("reason"), body
    assert all(by_id[e["event_id"]]["status"] == "created" for e in events if e is not pays[0]), body
    assert body["stored_seq"] == events[-1]["device_seq"]
    on_central = own_payments(world.pg_url, "K9")
    rejected_payment = sql_rows(k9.db, "SELECT entity_id FROM sync_outbox WHERE event_id = :e", e=bad["event_id"])[0][0]
    assert set(on_central) == set(own_payments(k9.db, "K9")) - {rejected_payment}

    # The same id again with another payload: a conflict, kept, never overwriting.
    tampered = dict(pays[1], payload={**pays[1]["payload"], "tampered": True})
    r = push(world.direct_url(), k9.token, "K9", [tampered]).json()
    assert [x["status"] for x in r["results"]] == ["conflict"], r
    # The same event again, unchanged: recognised as a retry.
    r = push(world.direct_url(), k9.token, "K9", [pays[2]]).json()
    assert [x["status"] for x in r["results"]] == ["exists"], r

    after = counts(world)
    assert after["sync_event"] == before["sync_event"] + len(events)
    assert after["sync_conflict"] == before["sync_conflict"] + 1
    stored = [p if isinstance(p, dict) else json.loads(p) for (p,) in world.central_sql(
        "SELECT payload FROM sync_conflict WHERE event_id = :e", e=tampered["event_id"])]
    kept = stored[0].get("payload", stored[0]) if stored else {}  # the payload, or the whole event doc
    assert len(stored) == 1 and kept.get("tampered") is True, stored
    assert own_payments(world.pg_url, "K9") == on_central  # the first payload stands
    exceptions = P.cli(world.pg_url, "exceptions", "list")["exceptions"]
    assert len(exceptions) >= exceptions_before + 2  # the rejected event and the conflict
    # (No `ledger check` here: the rejected payment's receipt number is a gap on central,
    # which the check rightly reports until a manager deals with the exception.)


def test_two_counters_pay_the_same_lines_offline(world: World) -> None:
    k1, k2 = world.add_counter("K1"), world.add_counter("K2")
    key, total = owing_room(k1.db, "K1")
    central_before = P.cli(world.pg_url, "bills", "--room", key, "--all")
    # After the join each counter sees what central sees (else "double" payments are just stale views).
    for k in (k1, k2):
        assert view(P.cli(k.db, "bills", "--room", key, terminal=k.code)) == view(
            P.cli(world.pg_url, "bills", "--room", key)), k.code
    world.stop_central()
    for k in (k1, k2):
        P.cli(k.db, "shift", "open", terminal=k.code)
        P.cli(k.db, "pay", "--room", key, "--all", "--tender", f"cash={yuan(total)}", terminal=k.code)
    world.start_central()
    k1.sync_once()
    k2.sync_once()
    k1.sync_once()  # pulls what central made of K2's payment

    after = P.cli(world.pg_url, "bills", "--room", key, "--all")
    due_before = {ln["id"]: ln for ln in central_before["lines"] if ln["paid_fen"] < ln["amount_fen"]}
    for ln in after["lines"]:
        if ln["id"] in due_before:
            assert ln["paid_fen"] == ln["amount_fen"], ln  # paid once, by the first payment
    doubles = [e for e in P.cli(world.pg_url, "exceptions", "list")["exceptions"] if e["kind"] == "double_payment"]
    assert len(doubles) == 1, doubles
    assert doubles[0]["amount_fen"] > 0 and key in str(doubles[0]["room"])
    assert after["prepaid_fen"] == central_before["prepaid_fen"] + doubles[0]["amount_fen"]
    for k in (k1, k2):
        assert_exactly_once(world, k)
        assert P.cli(k.db, "bills", "--room", key, terminal=k.code)["lines"] == []  # paid everywhere


# -- clocks -------------------------------------------------------------------------------

def test_a_counter_clock_a_year_ahead_still_syncs_exactly_once(world: World) -> None:
    k1, k2 = world.add_counter("K1"), world.add_counter("K2")
    with device_clock_shift(timedelta(days=365)):
        ahead = take_payments(k2, 20, seed=SEED)
    normal = take_payments(k1, 20, seed=SEED + 1)
    k2.sync_once()
    k1.sync_once()
    k2.sync_once()
    assert_exactly_once(world, k1)
    assert_exactly_once(world, k2)
    # Its receipts show its clock (the receipt number carries the device's business day)...
    soon = date.today() + timedelta(days=300)
    assert all(receipt_day(r) > soon for r in ahead), ahead
    assert all(receipt_day(r) < soon for r in normal), normal
    # ...and central holds exactly those receipts: nothing reordered, dropped or renumbered.
    assert sorted(r for _, r in own_payments(world.pg_url, "K2").values()) == sorted(ahead)


# -- auth and bad requests ----------------------------------------------------------------

OTHER_ROOMS = "community,building,unit,room,area,usage,charge_start,owner,phone\n" \
              "东湖苑,1,1,101,88.5,residential,2026-01-01,赵六,13900000001\n" \
              "东湖苑,1,1,102,90,residential,2026-01-01,钱七,13900000002\n"


def test_bad_requests_are_refused_and_nothing_is_stored(world: World, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rooms = tmp_path / "other.csv"
    rooms.write_text(OTHER_ROOMS, encoding="utf-8")
    P.cli(world.pg_url, "import", "rooms", str(rooms))
    k1 = world.add_counter("K1")  # community A only
    k3 = world.add_counter("K3", ["东湖苑"])
    P.cli(k3.db, "shift", "open", terminal="K3")
    P.cli(k3.db, "prepay", "--room", _a_room_of(k3, "东湖苑"), "--tender", "cash=10", terminal="K3")
    take_payments(k1, 3, seed=SEED)
    k1_events, k3_events = outbox(k1), outbox(k3)
    base = world.direct_url()
    hello = requests.get(base + "/v1/hello", headers={"Authorization": f"Bearer {k1.token}"}, timeout=30)
    assert hello.status_code == 200 and hello.json()["terminal"] == "K1"

    k8_token = P.add_terminal(world.pg_url, "K8", [world.community])
    P.cli(world.pg_url, "terminal", "revoke", "K8")
    before = counts(world)

    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    answers = {
        "no token": requests.get(base + "/v1/hello", timeout=30).status_code,
        "bad token hello": requests.get(base + "/v1/hello", headers=auth("x" * 43), timeout=30).status_code,
        "bad token push": push(base, "x" * 43, "K1", k1_events).status_code,
        "revoked hello": requests.get(base + "/v1/hello", headers=auth(k8_token), timeout=30).status_code,
        "revoked push": push(base, k8_token, "K8", k1_events).status_code,
        "other community snapshot": requests.get(base + "/v1/snapshot", params={"community": "东湖苑"},
                                                 headers=auth(k1.token), timeout=30).status_code,
        "other community event": push(base, k1.token, "K1", k3_events).status_code,
        "another terminal's name": push(base, k1.token, "K3", k3_events).status_code,
    }
    malformed = requests.post(base + "/v1/push", data=b'{"terminal": "K1", "events": [',
                              headers={**auth(k1.token), "Content-Type": "application/json"}, timeout=30)
    big = json.dumps({"terminal": "K1", "events": k1_events, "pad": "x" * (8 * 1024 * 1024 + 1)}).encode()
    oversized = requests.post(base + "/v1/push", data=big,
                              headers={**auth(k1.token), "Content-Type": "application/json"}, timeout=60)

    assert answers["no token"] == 401 and answers["bad token hello"] == 401 and answers["bad token push"] == 401, answers
    assert answers["revoked hello"] == 401 and answers["revoked push"] == 401, answers
    assert answers["other community snapshot"] == 403 and answers["other community event"] == 403, answers
    assert 400 <= answers["another terminal's name"] < 500, answers
    assert malformed.status_code == 400, malformed.text
    assert {"error", "message", "message_en"} <= set(malformed.json()), malformed.text
    assert oversized.status_code == 413, oversized.status_code
    assert counts(world) == before  # nothing stored by any of them

    # ...and the counter that was refused nothing still pushes normally afterwards.
    assert k1.sync_once()["pending"] == 0
    assert_exactly_once(world, k1)


def _a_room_of(counter, community: str) -> str:  # type: ignore[no-untyped-def]
    return sql_rows(counter.db, "SELECT r.room_key FROM room r JOIN community c ON c.id = r.community_id "
                                "WHERE c.name = :c ORDER BY r.room_key", c=community)[0][0]


# -- schema upgrade with a full outbox ----------------------------------------------------

def test_a_counter_upgraded_with_events_still_in_its_outbox(world: World) -> None:
    """Payments taken offline; the counter's database is taken back to an older schema and
    brought up to the newest again (what installing a new version does) with the events
    still queued: every one of them is pushed, exactly once."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from app.db.migrate import alembic_config, current_revision, head_revision

    k1 = world.add_counter("K1")
    world.stop_central()
    take_payments(k1, 20, seed=SEED + 7)
    engine = create_engine(k1.db)
    try:
        with engine.connect() as conn:
            queued = conn.execute(text("SELECT event_id, payload FROM sync_outbox ORDER BY device_seq")).all()
        assert len(queued) >= 20
        command.downgrade(alembic_config(k1.db), "0002")
        assert current_revision(engine) == "0002"
    finally:
        engine.dispose()
    P.cli(k1.db, "init")  # the new version's first start: upgrades to head
    engine = create_engine(k1.db)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            after = conn.execute(text("SELECT event_id, payload FROM sync_outbox ORDER BY device_seq")).all()
        assert [(e, json.loads(p) if isinstance(p, str) else p) for e, p in after] == \
            [(e, json.loads(p) if isinstance(p, str) else p) for e, p in queued]
    finally:
        engine.dispose()
    world.start_central()
    k1.sync_once()
    done = assert_exactly_once(world, k1)
    assert done["payments"] == 20
