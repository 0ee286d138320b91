"""`POST /v1/push`: one batch of counter events, stored and applied in ONE transaction.

Per event: INSERT into sync_event with ON CONFLICT DO NOTHING (both unique keys: event_id, and
terminal_code + device_seq). A row inserted is new: it is applied inside a savepoint; when the
applier refuses it (EventRejected, or a data error such as a broken foreign key) the savepoint
is rolled back and the event stays stored as `rejected` with its reason, an exception is
opened, and the next events still apply. No row inserted: the event is already here. The
same event (id, terminal, seq, type, payload) is a retry and gets its first outcome again
(`exists`, or `rejected` with the reason); anything else under that id or that terminal+seq
is a `conflict`: the newcomer is kept in sync_conflict (once), never overwrites, and an
exception is opened. Transient database errors (lost connection, deadlock, serialisation)
fail the whole batch with 5xx, nothing stored, so the counter retries it.

The terminal row is locked (SELECT … FOR UPDATE) for the batch: two batches of one terminal
(a retry racing its still-running original) are applied one after the other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.central.changes import record_change
from app.central.errors import HttpError
from app.db.base import utcnow
from app.db.models import BillLine, Community, ExceptionCase, Room, SyncConflict, SyncEvent, Terminal
from app.sync_events import EventRejected, apply_event, apply_together

MAX_EVENTS = 500


def _insert(s: Session):  # type: ignore[no-untyped-def]
    name = s.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(SyncEvent.__table__)
    if name == "sqlite":
        return sqlite.insert(SyncEvent.__table__)
    raise HttpError(500, "sync.central_needs_postgres", dialect=name)


def validate_batch(body: Any, terminal: Terminal) -> list[dict[str, Any]]:
    """The request's events, checked for shape before anything is stored (400 otherwise)."""
    if not isinstance(body, dict):
        raise HttpError(400, "sync.bad_request", field="body")
    if body.get("terminal") not in (None, terminal.code):
        raise HttpError(403, "sync.wrong_terminal", terminal=str(body.get("terminal"))[:40], token_terminal=terminal.code)
    events = body.get("events")
    if not isinstance(events, list):
        raise HttpError(400, "sync.bad_request", field="events")
    if len(events) > MAX_EVENTS:
        raise HttpError(413, "sync.batch_too_large", count=len(events), max=MAX_EVENTS)
    out = []
    for i, e in enumerate(events):
        if not isinstance(e, dict):
            raise HttpError(400, "sync.bad_request", field=f"events[{i}]")
        eid, seq, etype, payload = e.get("event_id"), e.get("device_seq"), e.get("event_type"), e.get("payload")
        if not isinstance(eid, str) or not 1 <= len(eid) <= 36:
            raise HttpError(400, "sync.bad_request", field=f"events[{i}].event_id")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq < 2**63:
            raise HttpError(400, "sync.bad_request", field=f"events[{i}].device_seq")
        if not isinstance(etype, str) or not 1 <= len(etype) <= 30:
            raise HttpError(400, "sync.bad_request", field=f"events[{i}].event_type")
        if not isinstance(payload, dict):
            raise HttpError(400, "sync.bad_request", field=f"events[{i}].payload")
        out.append({"event_id": eid, "device_seq": seq, "event_type": etype, "payload": payload})
    # a batch never repeats an event or a seq (the multi-row insert maps replies by both)
    if len({e["event_id"] for e in out}) != len(out) or len({e["device_seq"] for e in out}) != len(out):
        raise HttpError(400, "sync.bad_request", field="events (repeated event_id or device_seq)")
    return out


def event_communities(s: Session, events: list[dict[str, Any]], terminal: Terminal) -> list[str | None]:
    """Which community each event belongs to: its payload's `community_id`, else the community
    of its `room_id` or of its `bill_line_id` (looked up here, two queries per batch), else the
    terminal's only community, else None (a shift of a counter serving several communities:
    every terminal sharing a community with the sender receives it)."""
    room_ids = {e["payload"].get("room_id") for e in events} - {None}
    line_ids = {e["payload"].get("bill_line_id") for e in events} - {None}
    room_comm: dict[Any, str] = {}
    line_comm: dict[Any, str] = {}
    if room_ids:
        room_comm = dict(s.execute(select(Room.id, Room.community_id).where(Room.id.in_([str(r) for r in room_ids]))).all())
    if line_ids:
        line_comm = dict(s.execute(select(BillLine.id, Room.community_id).join(Room, Room.id == BillLine.room_id)
                                   .where(BillLine.id.in_([str(x) for x in line_ids]))).all())
    granted = terminal.communities or []
    only = granted[0] if len(granted) == 1 else None
    out: list[str | None] = []
    for e in events:
        p = e["payload"]
        cid = p.get("community_id")
        if not (isinstance(cid, str) and cid):
            cid = room_comm.get(p.get("room_id")) or line_comm.get(p.get("bill_line_id")) or only
        out.append(cid)
    return out


def _open_exception(s: Session, kind: str, ref_id: str, detail: dict[str, Any]) -> None:
    s.add(ExceptionCase(kind=kind, ref_type="sync_event", ref_id=ref_id, detail=detail))


def _reason(e: Exception) -> dict[str, Any]:
    if isinstance(e, EventRejected):
        return {"code": e.code, "params": {k: str(v) for k, v in e.params.items()}}
    return {"code": "sync.apply_failed", "params": {"error": type(e).__name__, "detail": str(e)[:200]}}


def _reason_text(reason: dict[str, Any] | None) -> str | None:
    if reason is None:
        return None
    from app.errors import Msg
    from app.messages import render

    return render(Msg(reason["code"], reason.get("params") or {}), "zh")


APPLY_CHUNK = 100  # events applied under one savepoint when none is refused
_REJECTABLE = (EventRejected, DBAPIError, ValueError, KeyError, TypeError, LookupError)


def push_batch(s: Session, terminal: Terminal, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Store and apply one batch (the caller's transaction); the reply of docs/sync.md."""
    t = s.scalar(select(Terminal).where(Terminal.id == terminal.id).with_for_update())
    assert t is not None
    granted = set(t.communities or [])
    communities = event_communities(s, events, t)
    for cid in communities:  # 403 before anything is stored: an event of a community not granted
        if cid is not None and cid not in granted:
            raise HttpError(403, "sync.other_community", community=cid, terminal=t.code)
    for e, cid in zip(events, communities):
        e["community_id"] = cid
    now = utcnow()
    inserted = _store(s, t, events, now)
    outcome: dict[int, dict[str, Any]] = {}
    new = [(i, e, inserted[(e["event_id"], e["device_seq"])]) for i, e in enumerate(events)
           if (e["event_id"], e["device_seq"]) in inserted]
    _lock_rooms(s, [e for _, e, _ in new])
    for k in range(0, len(new), APPLY_CHUNK):
        outcome.update(_apply_chunk(s, t, new[k:k + APPLY_CHUNK]))
    for i, e in enumerate(events):
        if i not in outcome:
            outcome[i] = _already_here(s, t, e)
    t.pushed_seq = _contiguous(s, t.code, t.pushed_seq or 0)
    t.last_seen_at = now
    return {"results": [outcome[i] for i in range(len(events))], "stored_seq": t.pushed_seq}


_STORE_PG = (
    "INSERT INTO sync_event (event_id, terminal_code, device_seq, event_type, payload, received_at, status, community_id) "
    "SELECT e, %(terminal)s, d, ty, p, %(now)s, 'applied', c "
    "FROM unnest(%(e)s::text[], %(d)s::bigint[], %(ty)s::text[], %(p)s::text[], %(c)s::text[]) AS u(e, d, ty, p, c) "
    "ON CONFLICT DO NOTHING RETURNING event_id, device_seq, server_seq")


def _store(s: Session, t: Terminal, events: list[dict[str, Any]], now: Any) -> dict[tuple[str, int], int]:
    """INSERT … ON CONFLICT DO NOTHING RETURNING for the whole batch: the rows returned are new.
    On PostgreSQL the batch goes as five arrays (`unnest`): the multi-row VALUES statement
    SQLAlchemy builds has 4,000 placeholders for 500 events, and psycopg re-parsed each such
    statement's text (~30 ms a batch, a tenth of a 10,000-event push)."""
    if not events:
        return {}
    table = SyncEvent.__table__
    if s.get_bind().dialect.name == "postgresql":
        to_text = table.c.payload.type.process_bind_param
        dialect = s.get_bind().dialect
        params = {"terminal": t.code, "now": table.c.received_at.type.process_bind_param(now, dialect),
                  "e": [e["event_id"] for e in events], "d": [e["device_seq"] for e in events],
                  "ty": [e["event_type"] for e in events], "p": [to_text(e["payload"], dialect) for e in events],
                  "c": [e["community_id"] for e in events]}
        rows = s.connection().exec_driver_sql(_STORE_PG, params)
    else:
        stmt = _insert(s).on_conflict_do_nothing().returning(table.c.event_id, table.c.device_seq, table.c.server_seq)
        rows = s.execute(stmt, [{"event_id": e["event_id"], "terminal_code": t.code, "device_seq": e["device_seq"],
                                 "event_type": e["event_type"], "payload": e["payload"], "received_at": now,
                                 "status": "applied", "community_id": e["community_id"]} for e in events])
    return {(eid, seq): server_seq for eid, seq, server_seq in rows}


def _lock_rooms(s: Session, events: list[dict[str, Any]]) -> None:
    """Every room the batch's events name, locked now, in id order, in one statement. The
    appliers lock rooms as they go (event order, and the bulk path per run of payments):
    two counters' batches over the same community then took the same rooms in different
    orders and deadlocked — 30 of 20 counters' pushes failed with HTTP 500 in
    bench_sync_many. Locks already held make the appliers' own locks no-ops."""
    ids = sorted({str(e["payload"]["room_id"]) for e in events
                  if isinstance(e.get("payload"), dict) and isinstance(e["payload"].get("room_id"), str)})
    for k in range(0, len(ids), 5000):
        s.execute(select(Room.id).where(Room.id.in_(ids[k:k + 5000])).order_by(Room.id).with_for_update()).all()


def _apply_chunk(s: Session, t: Terminal, chunk: list[tuple[int, dict[str, Any], int]]) -> dict[int, dict[str, Any]]:
    """Apply new events under one savepoint; if any is refused, roll the chunk back and apply
    its events one savepoint each, so only the refused ones are rejected."""
    nested = s.begin_nested()
    try:
        for run in _runs_of_one_type(chunk):
            # a run of payments goes in with a few set-wide statements; what the many-applier
            # leaves (rare cases) one by one
            rest = apply_together(s, [(e["event_type"], e["payload"]) for _, e, _seq in run], origin_terminal=t.code)
            for k in rest:
                _, e, _seq = run[k]
                apply_event(s, e["event_type"], e["payload"], origin_terminal=t.code)
        s.flush()
        nested.commit()
    except OperationalError:
        raise  # transient: the whole batch fails (5xx) and is retried
    except _REJECTABLE:
        nested.rollback()
        return {i: _apply_new(s, t, e, server_seq) for i, e, server_seq in chunk}
    for _, e, server_seq in chunk:
        _record_event(s, t, e, server_seq)
    return {i: {"event_id": e["event_id"], "status": "created"} for i, e, _ in chunk}


def _runs_of_one_type(chunk: list[tuple[int, dict[str, Any], int]]) -> list[list[tuple[int, dict[str, Any], int]]]:
    """Consecutive events of one type (device_seq order is kept: runs follow each other)."""
    runs: list[list[tuple[int, dict[str, Any], int]]] = []
    for item in chunk:
        if runs and runs[-1][0][1]["event_type"] == item[1]["event_type"]:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


def _record_event(s: Session, t: Terminal, e: dict[str, Any], server_seq: int) -> None:
    record_change(s, e["community_id"], "event", {"server_seq": server_seq, "terminal": t.code})


def _apply_new(s: Session, t: Terminal, e: dict[str, Any], server_seq: int) -> dict[str, Any]:
    nested = s.begin_nested()
    try:
        apply_event(s, e["event_type"], e["payload"], origin_terminal=t.code)
        s.flush()
        nested.commit()
    except OperationalError:
        raise  # transient: the whole batch fails (5xx) and is retried
    except _REJECTABLE as exc:
        nested.rollback()
        reason = _reason(exc)
        s.query(SyncEvent).filter(SyncEvent.server_seq == server_seq).update(
            {SyncEvent.status: "rejected", SyncEvent.reason: reason}, synchronize_session=False)
        _open_exception(s, "rejected_event", e["event_id"],
                        {"terminal": t.code, "device_seq": e["device_seq"], "event_type": e["event_type"],
                         "reason": reason, "room": e["payload"].get("room_key"),
                         "amount_fen": e["payload"].get("total_fen")})
        return {"event_id": e["event_id"], "status": "rejected", "reason": reason["code"],
                "message": _reason_text(reason)}
    _record_event(s, t, e, server_seq)
    return {"event_id": e["event_id"], "status": "created"}


def _already_here(s: Session, t: Terminal, e: dict[str, Any]) -> dict[str, Any]:
    stored = s.scalar(select(SyncEvent).where(SyncEvent.event_id == e["event_id"]))
    if stored is None:  # a different event at this terminal+seq
        stored = s.scalar(select(SyncEvent).where(SyncEvent.terminal_code == t.code,
                                                  SyncEvent.device_seq == e["device_seq"]))
    same = (stored is not None and stored.event_id == e["event_id"] and stored.terminal_code == t.code
            and stored.device_seq == e["device_seq"] and stored.event_type == e["event_type"]
            and stored.payload == e["payload"])
    if same:
        if stored.status == "rejected":
            return {"event_id": e["event_id"], "status": "rejected", "reason": (stored.reason or {}).get("code"),
                    "message": _reason_text(stored.reason)}
        return {"event_id": e["event_id"], "status": "exists"}
    kept = {"event_type": e["event_type"], "device_seq": e["device_seq"], "payload": e["payload"]}
    known = s.scalars(select(SyncConflict).where(SyncConflict.event_id == e["event_id"],
                                                 SyncConflict.terminal_code == t.code))
    if not any(c.payload == kept for c in known):  # a retried conflict is kept once
        s.add(SyncConflict(event_id=e["event_id"], terminal_code=t.code, payload=kept, device_seq=e["device_seq"]))
        _open_exception(s, "sync_conflict", e["event_id"],
                        {"terminal": t.code, "device_seq": e["device_seq"], "event_type": e["event_type"],
                         "stored_event_id": stored.event_id if stored else None,
                         "room": e["payload"].get("room_key"), "amount_fen": e["payload"].get("total_fen")})
        s.flush()
    return {"event_id": e["event_id"], "status": "conflict", "reason": "sync.conflict"}


def _contiguous(s: Session, code: str, start: int) -> int:
    """The highest n such that device_seq 1..n of this terminal are all durably stored: in
    sync_event, or kept in sync_conflict (a conflict must not hold back the events after it)."""
    seqs = set(s.scalars(select(SyncEvent.device_seq).where(SyncEvent.terminal_code == code,
                                                            SyncEvent.device_seq > start)))
    seqs |= set(s.scalars(select(SyncConflict.device_seq).where(SyncConflict.terminal_code == code,
                                                                SyncConflict.device_seq > start)))
    n = start
    while n + 1 in seqs:
        n += 1
    return n


def community_names(s: Session, ids: list[str]) -> list[dict[str, str]]:
    rows = s.execute(select(Community.id, Community.name).where(Community.id.in_(ids))).all()
    return [{"id": i, "name": n} for i, n in rows]
