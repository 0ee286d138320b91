"""An in-memory central that keeps the protocol's promises (docs/sync.md), for tests and
demos: events stored by id and by (terminal, device_seq), answered created / exists /
conflict / rejected, `stored_seq` the highest contiguous seq of the terminal; pull serves
the changes a test feeds it (`add_rows`, `add_event`) plus the events other terminals push;
snapshots serve the rows a test gives per community and table.

Faults are scripted per call: `fail("push", "down")` raises before anything is stored,
`fail("push", "lose_reply")` stores and then loses the answer (the counter sees a network
error after central committed) — the case exactly-once is about."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.services.sync.errors import CentralRefused, CentralServerError, CentralUnreachable


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@dataclass
class StoredEvent:
    event_id: str
    terminal: str
    device_seq: int
    event_type: str
    payload: dict[str, Any]
    status: str  # created | rejected
    reason: str | None = None


@dataclass
class FakeCentral:
    terminal: str = "T1"
    communities: list[str] = field(default_factory=lambda: ["示范小区"])
    token: str = "fake-token"
    # event → a rejection reason, or None to accept (stands in for central's appliers)
    reject: Callable[[dict[str, Any]], str | None] = lambda ev: None
    events: dict[str, StoredEvent] = field(default_factory=dict)
    slots: dict[tuple[str, int], str] = field(default_factory=dict)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    snapshots: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    batches: list[list[dict[str, Any]]] = field(default_factory=list)
    _faults: dict[str, list[str]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- test controls --------------------------------------------------------------------
    def fail(self, op: str, *kinds: str) -> None:
        """Script the next calls of `op`: "down" | "lose_reply" | "500" | "401" | "ok"."""
        self._faults.setdefault(op, []).extend(kinds)

    def _fault(self, op: str) -> str:
        queue = self._faults.get(op)
        return queue.pop(0) if queue else "ok"

    def _before(self, op: str, fault: str) -> None:
        self.calls.append(op)
        if fault == "down":
            raise CentralUnreachable("sync.unreachable", detail="fake: central down")
        if fault == "500":
            raise CentralServerError("sync.server_error", status=500)
        if fault == "401":
            raise CentralRefused("sync.token_refused", status=401)

    def add_rows(self, community: str, rows: dict[str, list[dict[str, Any]]], kind: str = "master") -> int:
        seq = len(self.changes) + 1
        self.changes.append({"seq": seq, "kind": kind, "community": community, "rows": rows})
        return seq

    def add_event(self, terminal: str, device_seq: int, event_type: str, payload: dict[str, Any],
                  event_id: str | None = None) -> int:
        seq = len(self.changes) + 1
        self.changes.append({"seq": seq, "kind": "event", "event": {
            "event_id": event_id or f"{terminal}-{device_seq}", "terminal": terminal, "device_seq": device_seq,
            "event_type": event_type, "payload": payload}})
        return seq

    def stored_seq(self, terminal: str) -> int:
        n = 0
        while (terminal, n + 1) in self.slots:
            n += 1
        return n

    def stored(self, terminal: str | None = None) -> list[StoredEvent]:
        return sorted((e for e in self.events.values() if terminal is None or e.terminal == terminal),
                      key=lambda e: (e.terminal, e.device_seq))

    # -- the protocol ---------------------------------------------------------------------
    def hello(self) -> dict[str, Any]:
        self._before("hello", self._fault("hello"))
        return {"terminal": self.terminal, "communities": list(self.communities), "time": "2026-01-01T00:00:00+00:00"}

    def push(self, terminal: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        fault = self._fault("push")
        self._before("push", fault)
        with self._lock:
            self.batches.append(events)
            results = [self._store(terminal, ev) for ev in events]
            reply = {"results": results, "stored_seq": self.stored_seq(terminal)}
        if fault == "lose_reply":
            raise CentralUnreachable("sync.unreachable", detail="fake: reply lost")
        return reply

    def _store(self, terminal: str, ev: dict[str, Any]) -> dict[str, Any]:
        eid, seq = ev["event_id"], ev["device_seq"]
        old = self.events.get(eid)
        slot = self.slots.get((terminal, seq))
        if old is not None:
            if old.terminal == terminal and old.device_seq == seq and old.event_type == ev["event_type"] \
                    and _same(old.payload, ev["payload"]):
                return {"event_id": eid, "status": "exists"}
            self.conflicts.append({"terminal": terminal, **ev})
            self.slots.setdefault((terminal, seq), eid)  # a conflict occupies its slot
            return {"event_id": eid, "status": "conflict"}
        if slot is not None:
            self.conflicts.append({"terminal": terminal, **ev})
            return {"event_id": eid, "status": "conflict"}
        reason = self.reject(ev)
        self.events[eid] = StoredEvent(eid, terminal, seq, ev["event_type"], ev["payload"],
                                       "rejected" if reason else "created", reason)
        self.slots[(terminal, seq)] = eid
        if reason:
            return {"event_id": eid, "status": "rejected", "reason": reason}
        self.add_event(terminal, seq, ev["event_type"], ev["payload"], eid)
        return {"event_id": eid, "status": "created"}

    def pull(self, after: int, limit: int) -> dict[str, Any]:
        fault = self._fault("pull")
        self._before("pull", fault)
        with self._lock:
            page = [c for c in self.changes if c["seq"] > after][:limit]
            last = page[-1]["seq"] if page else after
            more = bool(page) and page[-1]["seq"] < len(self.changes)
        if fault == "lose_reply":
            raise CentralUnreachable("sync.unreachable", detail="fake: reply lost")
        return {"changes": page, "last": last, "more": more}

    def snapshot(self, community: str, table: str | None = None, after_key: str | None = None,
                 limit: int = 1000) -> dict[str, Any]:
        self._before("snapshot", self._fault("snapshot"))
        if community not in self.communities:
            raise CentralRefused("sync.community_refused", status=403)
        tables = self.snapshots.get(community, {})
        if table is None:
            return {"community": community, "tables": list(tables), "last": len(self.changes)}
        rows = sorted(tables.get(table, []), key=lambda r: str(r["id"]))
        if after_key is not None:
            rows = [r for r in rows if str(r["id"]) > after_key]
        page = rows[:limit]
        return {"rows": page, "next": str(page[-1]["id"]) if len(rows) > limit else None}

    def close(self) -> None:
        pass
