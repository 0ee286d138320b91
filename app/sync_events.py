"""Counter events (docs/sync.md): one registry of event types → the builder that makes the
payload on the counter (app.sync_payloads) and the applier that re-creates the event's rows
on another database (app.sync_apply: central, or a counter pulling another counter's events).
Adding an event type is one entry in `_builtin()`.

Appliers assume they run once per event id: exactly-once is the caller's job (`sync_event`
unique keys on central, the pulled cursor on counters). They are nevertheless harmless on a
repeat — a row that already exists with the event's id is left as it is — because a join
snapshot may already hold what a later pull replays. Events of one terminal must be applied
in `device_seq` order; device clocks are never used for ordering.

An event the database cannot take (an unknown room, a schema it does not know) raises
`EventRejected` with a message code: the event is kept for review, never dropped, and later
events still apply. `apply_event` runs each applier in its own savepoint, so a rejection
never leaves half an event behind and the caller's transaction stays usable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.errors import InputError


class EventRejected(InputError):
    """This database cannot apply the event (reason as a message code)."""


Applier = Callable[[Session, dict[str, Any], str], None]  # (session, payload, origin terminal)
# Many events of one type and terminal at once, as far as it can: returns the positions it
# left (in order) for the caller to apply one by one. The fast path of a push batch.
ManyApplier = Callable[[Session, list[dict[str, Any]], str], list[int]]
Builder = Callable[[Session, str], dict[str, Any]]  # (session, entity id) -> payload


@dataclass(frozen=True)
class EventType:
    name: str
    apply: Applier
    versions: tuple[int, ...] = (1,)
    build: Builder | None = None
    apply_many: ManyApplier | None = None


EVENT_TYPES: dict[str, EventType] = {}
_loaded = False


def register(name: str, versions: tuple[int, ...] = (1,), build: Builder | None = None):  # type: ignore[no-untyped-def]
    def deco(fn: Applier):  # type: ignore[no-untyped-def]
        EVENT_TYPES[name] = EventType(name, fn, versions, build)
        return fn

    return deco


def _builtin() -> dict[str, EventType]:
    """The counter's facts. Imported late: the appliers use the services, which use this."""
    from app import sync_payloads as p
    from app.sync_apply import collect, day_close, meter_readings, payments, payments_bulk, refunds, shifts, voids, waivers

    return {et.name: et for et in (
        EventType("payment", payments.apply_payment, (1,), p.payment, payments_bulk.apply_payments),
        EventType("void", voids.apply_void, (1,), p.void),
        EventType("shift_open", shifts.apply_shift_open, (1,), p.shift_open),
        EventType("shift_close", shifts.apply_shift_close, (1,), p.shift_close),
        EventType("waiver", waivers.apply_waiver, (1,), p.waiver),
        EventType("refund", refunds.apply_refund, (1,), refunds.build),
        EventType("meter_reading", meter_readings.apply_meter_reading, (1,), p.meter_reading),
        EventType("day_close", day_close.apply_day_close, (1,), day_close.payload),
        EventType("collect_return", collect.apply, (1,), collect.build),  # bank collection (托收)
    )}


def event_types() -> dict[str, EventType]:
    global _loaded
    if not _loaded:
        for name, et in _builtin().items():
            EVENT_TYPES.setdefault(name, et)
        _loaded = True
    return EVENT_TYPES


def build_payload(s: Session, event_type: str, entity_id: str) -> dict[str, Any]:
    """The payload of `event_type` for the entity just written (or written long ago: a queued
    event can be rebuilt from the database)."""
    et = event_types()[event_type]
    assert et.build is not None, f"event type {event_type} has no builder"
    return et.build(s, entity_id)


def emit_event(s: Session, event_type: str, entity_id: str) -> int:
    """Build the payload and queue it in the outbox, in the caller's transaction."""
    from app.services.outbox import emit

    return emit(s, event_type, entity_id, build_payload(s, event_type, entity_id))


def apply_together(s: Session, events: list[tuple[str, dict[str, Any]]], *, origin_terminal: str) -> list[int]:
    """Apply (event_type, payload) pairs of one terminal with their type's many-applier, when
    they are all of one type that has one and of a version it knows. Returns the positions
    not applied — all of them when there is no many-applier — which the caller applies with
    apply_event, in order. Exceptions propagate: the caller's savepoint undoes what was
    written and it falls back to apply_event one by one."""
    everything = list(range(len(events)))
    types = {t for t, _ in events}
    if len(types) != 1:
        return everything
    et = event_types().get(types.pop())
    if et is None or et.apply_many is None:
        return everything
    if any(not isinstance(p, dict) or p.get("v") not in et.versions for _, p in events):
        return everything
    return et.apply_many(s, [p for _, p in events], origin_terminal)


def apply_event(s: Session, event_type: str, payload: dict[str, Any], *, origin_terminal: str) -> None:
    """Apply one event in the caller's transaction, inside its own savepoint: EventRejected
    (with a message code) when it cannot be, and then nothing of it remains and the caller's
    transaction goes on with the next event. A payload that is malformed (a field missing,
    a value of the wrong type) or whose ids clash with other rows here is rejected too."""
    from sqlalchemy.exc import IntegrityError

    et = event_types().get(event_type)
    if et is None:
        raise EventRejected("sync.unknown_event_type", event_type=event_type)
    if not isinstance(payload, dict):
        raise EventRejected("sync.payload_incomplete", event_type=event_type, field="payload")
    version = payload.get("v")
    if version is None:  # written before payloads were self-contained: cannot re-create the rows
        raise EventRejected("sync.payload_incomplete", event_type=event_type, field="v")
    if version not in et.versions:
        raise EventRejected("sync.unknown_event_version", event_type=event_type, version=version)
    try:
        with s.begin_nested():
            et.apply(s, payload, origin_terminal)
    except InputError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise EventRejected("sync.payload_incomplete", event_type=event_type, field=str(e)[:100]) from e
    except IntegrityError as e:
        raise EventRejected("sync.ids_clash", event_type=event_type,
                            detail=str(e.orig).splitlines()[0][:200] if e.orig else "") from e
