"""The counter side of sync against an in-process fake central (drivers.central.fake), on
SQLite and PostgreSQL: push exactly once (lost replies, rejects, conflicts), pull applies
and moves the cursor in one transaction, join, the refusal of imports and bill runs on a
joined counter, and the loop's backoff schedule."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from app.db.models import Community, ExceptionCase, SyncCursor, SyncOutbox
from app.errors import InputError
from app.services import outbox
from app.services.sync import join as join_service
from app.services.sync import link_store, loop, pull, push
from app.services.sync.errors import CentralRefused, CentralUnreachable
from app.services.sync.standalone import is_joined, require_standalone
from app.services.sync.status import status
from app import sync_events
from drivers.central.fake import FakeCentral

CREATED = "2026-01-01T00:00:00+00:00"


def emit(ctx, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        for i in range(start, start + n):
            outbox.emit(s, "note", f"e{i}", {"v": 1, "i": i})


def outbox_seqs(ctx) -> list[int]:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        return list(s.scalars(select(SyncOutbox.device_seq).order_by(SyncOutbox.device_seq)))


def mark_joined(ctx, value: int = 0) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as s:
        s.add(SyncCursor(name="pull", value=value))


def community_row(cid: str, name: str) -> dict[str, Any]:
    return {"id": cid, "name": name, "code": None, "address": None, "options": {}, "created_at": CREATED}


@pytest.fixture
def note_event():  # type: ignore[no-untyped-def]
    """A test event type whose applier creates a community (stands in for C1's appliers)."""
    seen: list[tuple[str, str]] = []

    @sync_events.register("test_note")
    def _apply(s, payload, origin):  # type: ignore[no-untyped-def]
        if payload.get("boom"):
            raise RuntimeError("applier crashed")
        if payload.get("unknown_room"):
            raise sync_events.EventRejected("sync.unknown_event_type", event_type="test_note")
        s.add(Community(id=payload["id"], name=payload["name"], options={}))
        seen.append((origin, payload["id"]))

    yield seen
    sync_events.EVENT_TYPES.pop("test_note", None)


# -- push ---------------------------------------------------------------------------------

def test_push_sends_in_order_in_batches_and_clears_only_confirmed(any_ctx):
    emit(any_ctx, 1203)
    central = FakeCentral()
    pushed = push.push_all(any_ctx.uow, central, "T1")
    assert pushed == 1203
    assert [len(b) for b in central.batches] == [500, 500, 203]
    assert [e.device_seq for e in central.stored("T1")] == list(range(1, 1204))
    assert outbox_seqs(any_ctx) == []
    with any_ctx.uow() as s:
        assert s.get(SyncCursor, "pushed").value == 1203


def test_reply_lost_after_central_stored_gives_exists_and_no_duplicate(any_ctx):
    emit(any_ctx, 30)
    central = FakeCentral()
    central.fail("push", "lose_reply")
    with pytest.raises(CentralUnreachable):
        push.push_all(any_ctx.uow, central, "T1")
    # central has them, the counter does not know: rows kept, the attempt and error counted
    assert len(central.stored("T1")) == 30
    assert outbox_seqs(any_ctx) == list(range(1, 31))
    with any_ctx.uow() as s:
        row = s.get(SyncOutbox, 1)
        assert row.attempts == 1 and "reply lost" in row.last_error
    assert push.push_all(any_ctx.uow, central, "T1") == 30
    assert len(central.stored("T1")) == 30  # no duplicate
    assert outbox_seqs(any_ctx) == []


def test_retry_after_lost_reply_is_answered_exists(any_ctx):
    emit(any_ctx, 3)
    central = FakeCentral()
    central.fail("push", "lose_reply")
    with pytest.raises(CentralUnreachable):
        push.push_batch(any_ctx.uow, central, "T1")
    replies: list[dict] = []
    real = central.push
    central.push = lambda t, ev: replies.append(real(t, ev)) or replies[-1]  # type: ignore[method-assign]
    push.push_batch(any_ctx.uow, central, "T1")
    assert [r["status"] for r in replies[0]["results"]] == ["exists"] * 3
    assert replies[0]["stored_seq"] == 3 and outbox_seqs(any_ctx) == []


def test_central_down_keeps_every_row(any_ctx):
    emit(any_ctx, 5)
    central = FakeCentral()
    central.fail("push", "down", "500")
    for _ in range(2):
        with pytest.raises(Exception):
            push.push_all(any_ctx.uow, central, "T1")
    assert central.stored() == [] and outbox_seqs(any_ctx) == [1, 2, 3, 4, 5]
    with any_ctx.uow() as s:
        assert s.get(SyncOutbox, 5).attempts == 2
    assert push.push_all(any_ctx.uow, central, "T1") == 5


def test_rejected_is_kept_with_its_reason_and_does_not_block(any_ctx):
    emit(any_ctx, 6)
    central = FakeCentral(reject=lambda ev: "unknown room 9-9-909" if ev["payload"]["i"] == 2 else None)
    assert push.push_all(any_ctx.uow, central, "T1") == 5
    with any_ctx.uow() as s:
        rows = s.scalars(select(SyncOutbox)).all()
        assert [(r.device_seq, r.rejected) for r in rows] == [(3, "unknown room 9-9-909")]
        assert push.counts(s) == (0, 1)
    # later events keep flowing; the rejected one is not sent again
    emit(any_ctx, 2, start=6)
    before = len(central.batches)
    assert push.push_all(any_ctx.uow, central, "T1") == 2
    assert [e["device_seq"] for b in central.batches[before:] for e in b] == [7, 8]
    assert outbox_seqs(any_ctx) == [3]


def test_same_id_other_payload_is_a_conflict_kept_on_both_sides(any_ctx):
    emit(any_ctx, 2)
    central = FakeCentral()
    with any_ctx.uow() as s:
        first = s.get(SyncOutbox, 1)
        central.push("T1", [{"event_id": first.event_id, "device_seq": 1, "event_type": "note",
                             "payload": {"v": 1, "i": "other"}}])
    push.push_all(any_ctx.uow, central, "T1")
    assert len(central.conflicts) == 1
    with any_ctx.uow() as s:
        kept = s.get(SyncOutbox, 1)
        assert kept.rejected and "两份都已保留" in kept.rejected
    assert outbox_seqs(any_ctx) == [1]


def test_a_central_that_stores_nothing_does_not_make_the_counter_loop(any_ctx):
    emit(any_ctx, 2)
    central = FakeCentral()
    central.push = lambda t, ev: {"results": [], "stored_seq": 0}  # type: ignore[method-assign]
    with pytest.raises(Exception) as e:
        push.push_all(any_ctx.uow, central, "T1")
    assert getattr(e.value, "code", None) == "sync.push_stalled"
    assert outbox_seqs(any_ctx) == [1, 2]


def test_a_garbled_push_reply_deletes_nothing(any_ctx):
    emit(any_ctx, 2)
    central = FakeCentral()
    central.push = lambda t, ev: {"results": [{"event_id": "nope", "status": "created"}], "stored_seq": 2}  # type: ignore[method-assign]
    with pytest.raises(Exception) as e:
        push.push_all(any_ctx.uow, central, "T1")
    assert getattr(e.value, "code", None) == "sync.bad_reply"
    assert outbox_seqs(any_ctx) == [1, 2]


# -- pull ---------------------------------------------------------------------------------

def test_pull_applies_rows_in_key_order_and_other_terminals_events(any_ctx, note_event):
    mark_joined(any_ctx)
    central = FakeCentral()
    # children listed before parents: applied parent-first all the same
    central.add_rows("A", {"building": [{"id": "b1", "community_id": "c1", "name": "1栋"}],
                           "community": [community_row("c1", "A")]})
    central.add_event("T2", 1, "test_note", {"v": 1, "id": "c2", "name": "B"})
    central.add_event("T1", 1, "test_note", {"v": 1, "id": "c3", "name": "mine"})  # our own: skipped
    assert pull.pull_all(any_ctx.uow, central, "T1", limit=2) == 3
    with any_ctx.uow() as s:
        assert sorted(s.scalars(select(Community.name))) == ["A", "B"]
        assert s.get(SyncCursor, "pull").value == 3
    assert note_event == [("T2", "c2")]


def test_an_error_mid_batch_leaves_rows_and_cursor_unchanged(any_ctx, note_event):
    mark_joined(any_ctx)
    central = FakeCentral()
    central.add_rows("A", {"community": [community_row("c1", "A")]})
    central.add_event("T2", 1, "test_note", {"v": 1, "boom": True})
    with pytest.raises(RuntimeError):
        pull.pull_all(any_ctx.uow, central, "T1")
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Community)) == 0
        assert s.get(SyncCursor, "pull").value == 0
    central.changes[1]["event"]["payload"] = {"v": 1, "id": "c2", "name": "B"}  # fixed at central
    assert pull.pull_all(any_ctx.uow, central, "T1") == 2
    with any_ctx.uow() as s:
        assert s.get(SyncCursor, "pull").value == 2


def test_an_event_this_counter_cannot_apply_is_recorded_and_the_pull_goes_on(any_ctx, note_event):
    mark_joined(any_ctx)
    central = FakeCentral()
    central.add_event("T2", 1, "test_note", {"v": 1, "unknown_room": True})
    central.add_event("T2", 2, "test_note", {"v": 1, "id": "c2", "name": "B"})
    pull.pull_all(any_ctx.uow, central, "T1")
    with any_ctx.uow() as s:
        case = s.scalars(select(ExceptionCase)).one()
        assert case.kind == "sync_pull_rejected" and case.ref_id == "T2-1"
        assert s.get(SyncCursor, "pull").value == 2
        assert s.scalars(select(Community.name)).all() == ["B"]


def test_pull_of_a_counter_that_never_joined_is_refused(any_ctx):
    with pytest.raises(InputError) as e:
        pull.pull_all(any_ctx.uow, FakeCentral(), "T1")
    assert e.value.code == "sync.not_joined"


# -- join and the refusal of what central owns -------------------------------------------

def test_join_loads_snapshot_pages_stores_link_and_pulls(any_ctx, tmp_path):
    central = FakeCentral(communities=["A"])
    central.snapshots["A"] = {"community": [community_row("c1", "A")],
                              "building": [{"id": f"b{i:02d}", "community_id": "c1", "name": f"{i}栋"}
                                           for i in range(25)]}
    real_snapshot = central.snapshot

    def snapshot(community, table=None, after=None, limit=1000):  # type: ignore[no-untyped-def]
        if table == "building" and after is None:  # a change committed while the pages are read
            central.add_rows("A", {"building": [{"id": "b99", "community_id": "c1", "name": "99栋"}]})
        return real_snapshot(community, table, after, limit)

    central.snapshot = snapshot  # type: ignore[method-assign]
    store = tmp_path / "link.json"
    seen: list[tuple[str, str, int]] = []
    doc = join_service.join(any_ctx.uow, central, "T1", store, "http://central:8765/", "tok-1", page=10,
                            progress=lambda c, t, n: seen.append((c, t, n)))
    assert doc["central"] == "http://central:8765" and doc["communities"] == ["A"]
    assert doc["pulled"] == 1 + 25 + 1
    assert [n for c, t, n in seen if t == "building"] == [10, 20, 25]
    conf = link_store.load(store)
    assert conf is not None and conf.token == "tok-1" and "tok-1" not in repr(conf)
    assert (store.stat().st_mode & 0o777) == 0o600
    with any_ctx.uow() as s:
        assert is_joined(s)
        st = status(s, conf, online=True)
    assert st["central"] == "http://central:8765" and st["pulled_seq"] == 1 and st["online"] is True
    assert "tok-1" not in str(st)


def test_join_with_another_terminals_token_is_refused_and_changes_nothing(any_ctx, tmp_path):
    central = FakeCentral(terminal="T2")
    with pytest.raises(InputError) as e:
        join_service.join(any_ctx.uow, central, "T1", tmp_path / "l.json", "http://c:1", "tok")
    assert e.value.code == "sync.wrong_terminal"
    with any_ctx.uow() as s:
        assert not is_joined(s)
    assert not (tmp_path / "l.json").exists()


def test_join_refuses_a_second_central(any_ctx, tmp_path):
    store = tmp_path / "l.json"
    join_service.join(any_ctx.uow, FakeCentral(), "T1", store, "http://one:1", "tok")
    with pytest.raises(InputError) as e:
        join_service.join(any_ctx.uow, FakeCentral(), "T1", store, "http://two:1", "tok")
    assert e.value.code == "sync.already_joined"


@pytest.mark.parametrize("url,token,code", [("ftp://x", "t", "sync.bad_central_url"),
                                            ("http://x:1", "a b", "sync.bad_token"),
                                            ("http://x:1", "", "sync.bad_token")])
def test_join_input_is_checked(tmp_path, url, token, code):
    with pytest.raises(InputError) as e:
        join_service.validate(tmp_path / "l.json", url, token)
    assert e.value.code == code


def test_joined_counter_refuses_imports_and_bill_runs(any_ctx, tmp_path):
    from app.services.billing.bill_run import bill_run
    from app.services.imports import import_file

    rooms = tmp_path / "rooms.csv"
    rooms.write_text("小区,楼栋,单元,房号,建筑面积\n示范小区,1栋,1,101,88.5\n", encoding="utf-8")
    with any_ctx.uow() as s:
        require_standalone(s)  # never joined: allowed, works as before
    mark_joined(any_ctx)
    with pytest.raises(InputError) as e:
        import_file(any_ctx, "rooms", rooms)
    assert e.value.code == "sync.central_owns" and "在总部执行" in e.value.text("zh")
    with pytest.raises(InputError) as e2:
        with any_ctx.uow() as s:
            bill_run(s, "2026-01", user="admin")
    assert e2.value.code == "sync.central_owns" and e2.value.exit_status == 2
    with any_ctx.uow() as s:
        assert s.scalar(select(func.count()).select_from(Community)) == 0


def test_a_standalone_counter_still_imports(any_ctx, tmp_path):
    from app.services.imports import import_file

    rooms = tmp_path / "rooms.csv"
    rooms.write_text("小区,楼栋,单元,房号,建筑面积\n示范小区,1栋,1,101,88.5\n", encoding="utf-8")
    assert import_file(any_ctx, "rooms", rooms)["created"] >= 1


# -- the loop -----------------------------------------------------------------------------

def test_run_once_pushes_then_pulls(any_ctx):
    mark_joined(any_ctx)
    emit(any_ctx, 3)
    central = FakeCentral()
    r = loop.run_once(any_ctx.uow, central, "T1")
    assert r.as_dict() == {"pushed": 3, "pulled": 0, "pending": 0, "rejected": 0}
    assert central.calls == ["push", "pull"]


def test_backoff_schedule_doubles_to_sixty_seconds_with_jitter():
    assert [loop.backoff_delay(n, rand=lambda: 0.0) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert loop.backoff_delay(3, rand=lambda: 1.0) == pytest.approx(4 * 1.2)
    assert loop.backoff_delay(50, rand=lambda: 0.5) == pytest.approx(60 * 1.1)


def test_run_forever_backs_off_while_central_is_down_then_syncs(ctx):
    mark_joined(ctx)
    emit(ctx, 4)
    central = FakeCentral()
    central.fail("push", "down", "down", "500", "down")
    stop = threading.Event()
    waits: list[float] = []
    states: list[tuple[bool, int]] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 6:
            stop.set()

    state = loop.run_forever(ctx.uow, central, "T1", stop, sleep=sleep, rand=lambda: 0.5, interval=5,
                             on_state=lambda st: states.append((st.online, st.pending)))
    assert waits == [1.1, 2.2, 4.4, 8.8, 5, 5]
    assert states[:4] == [(False, 4)] * 4 and states[4] == (True, 0)
    assert state.totals["pushed"] == 4 and len(central.stored()) == 4


def test_run_forever_stops_on_a_refused_token(ctx):
    mark_joined(ctx)
    central = FakeCentral()
    central.fail("push", "401")
    emit(ctx, 1)
    waits: list[float] = []
    state = loop.run_forever(ctx.uow, central, "T1", threading.Event(), sleep=waits.append)
    assert isinstance(state.error, CentralRefused) and waits == []


def test_run_forever_ends_at_once_when_stopped(ctx):
    mark_joined(ctx)
    stop = threading.Event()
    central = FakeCentral()
    central.fail("push", *["down"] * 100)
    emit(ctx, 1)
    worker = threading.Thread(target=loop.run_forever, args=(ctx.uow, central, "T1", stop))
    worker.start()
    stop.set()
    worker.join(timeout=30)
    assert not worker.is_alive()


def test_an_oversize_batch_is_halved_until_central_takes_it(ctx):
    from app.services.sync.errors import CentralRequestRejected

    emit(ctx, 300)
    central = FakeCentral()
    real = central.push

    def push_limited(terminal, events):  # type: ignore[no-untyped-def]
        if len(events) > 80:
            raise CentralRequestRejected("sync.request_rejected", status=413, detail="body above 8 MiB")
        return real(terminal, events)

    central.push = push_limited  # type: ignore[method-assign]
    assert push.push_all(ctx.uow, central, "T1") == 300
    assert [len(b) for b in central.batches] == [62] * 4 + [52]  # 500 → 250 → 125 → 62
    assert outbox_seqs(ctx) == []


def test_a_400_is_not_retried_by_halving(ctx):
    from app.services.sync.errors import CentralRequestRejected

    emit(ctx, 3)
    central = FakeCentral()
    calls: list[int] = []

    def bad(terminal, events):  # type: ignore[no-untyped-def]
        calls.append(len(events))
        raise CentralRequestRejected("sync.request_rejected", status=400, detail="malformed")

    central.push = bad  # type: ignore[method-assign]
    with pytest.raises(CentralRequestRejected):
        push.push_all(ctx.uow, central, "T1")
    assert calls == [3] and outbox_seqs(ctx) == [1, 2, 3]


def test_every_sync_code_raised_on_the_counter_side_has_words():
    import re
    from pathlib import Path

    from app.messages import catalog

    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "app/services/sync").glob("*.py")), *sorted((root / "drivers/central").glob("*.py")),
             root / "drivers/cli_sync.py"]
    call = re.compile(r"\b(?:InputError|Central[A-Za-z]+|Msg\.of)\(\s*\"([a-z0-9_.]+)\"")
    cat = catalog()
    codes = {code for f in files for code in call.findall(f.read_text(encoding="utf-8"))}
    assert {"sync.central_owns", "sync.unreachable", "sync.token_refused"} <= codes
    missing = sorted(c for c in codes if c not in cat or not all(cat[c]))
    assert not missing, missing
    assert "在总部执行" in cat["sync.central_owns"][0]


def test_an_event_the_join_snapshot_already_brought_is_skipped_quietly(any_ctx, note_event, tmp_path):
    central = FakeCentral(communities=["A"])
    central.snapshots["A"] = {"community": [community_row("c1", "A")]}
    real_snapshot = central.snapshot

    def snapshot(community, table=None, after=None, limit=1000):  # type: ignore[no-untyped-def]
        if table == "community":  # another counter's event commits while the page is read:
            central.add_event("T2", 1, "test_note", {"v": 1, "id": "c2", "name": "B"})  # its row is in the page
            central.snapshots["A"]["community"].append(community_row("c2", "B"))
        return real_snapshot(community, table, after, limit)

    central.snapshot = snapshot  # type: ignore[method-assign]
    join_service.join(any_ctx.uow, central, "T1", tmp_path / "l.json", "http://c:1", "tok")
    with any_ctx.uow() as s:
        assert sorted(s.scalars(select(Community.name))) == ["A", "B"]
        assert s.scalars(select(ExceptionCase)).all() == []
        assert s.get(SyncCursor, "pull").value == 1
    # the same duplicate later than the join is a divergence: recorded, and the pull goes on
    central.add_event("T3", 1, "test_note", {"v": 1, "id": "c2", "name": "B"})
    central.add_event("T3", 2, "test_note", {"v": 1, "id": "c4", "name": "D"})
    pull.pull_all(any_ctx.uow, central, "T1")
    with any_ctx.uow() as s:
        case = s.scalars(select(ExceptionCase)).one()
        assert case.ref_id == "T3-1" and case.detail["code"] in ("sync.pull_duplicate", "sync.ids_clash")  # the appliers name a key clash ids_clash
        assert sorted(s.scalars(select(Community.name))) == ["A", "B", "D"]
        assert s.get(SyncCursor, "pull").value == 3


def test_a_push_central_will_not_take_does_not_stop_the_pull(ctx, note_event):
    mark_joined(ctx)
    emit(ctx, 2)
    central = FakeCentral()
    central.push = lambda t, ev: {"results": [], "stored_seq": 0}  # type: ignore[method-assign]
    central.add_event("T2", 1, "test_note", {"v": 1, "id": "c2", "name": "B"})
    with pytest.raises(Exception) as e:
        loop.run_once(ctx.uow, central, "T1")
    assert getattr(e.value, "code", None) == "sync.push_stalled"
    with ctx.uow() as s:
        assert s.scalars(select(Community.name)).all() == ["B"]
        assert s.get(SyncCursor, "pull").value == 1


def test_central_unreachable_on_push_does_not_try_to_pull(ctx):
    mark_joined(ctx)
    emit(ctx, 1)
    central = FakeCentral()
    central.fail("push", "down")
    with pytest.raises(CentralUnreachable):
        loop.run_once(ctx.uow, central, "T1")
    assert central.calls == ["push"]


def test_a_local_failure_applying_central_data_backs_off_instead_of_killing_the_loop(ctx, note_event):
    mark_joined(ctx)
    central = FakeCentral()
    central.add_event("T2", 1, "test_note", {"v": 1, "boom": True})
    stop = threading.Event()
    states: list[tuple[bool, str | None]] = []

    def sleep(seconds: float) -> None:
        if len(states) == 2:
            central.changes[0]["event"]["payload"] = {"v": 1, "id": "c2", "name": "B"}  # fixed at central
        if len(states) == 3:
            stop.set()

    loop.run_forever(ctx.uow, central, "T1", stop, sleep=sleep, rand=lambda: 0.0,
                     on_state=lambda st: states.append((st.online, st.error.code if st.error else None)))
    assert states == [(False, "sync.local_failed"), (False, "sync.local_failed"), (True, None)]
    with ctx.uow() as s:
        assert s.get(SyncCursor, "pull").value == 1
