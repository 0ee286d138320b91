"""Counter events (docs/sync.md): one registry of event types → the applier that re-creates
the event's rows on another database (central, or a counter pulling another counter's
events). Appliers are idempotent per event id only through the caller (`sync_event` unique
keys on central, the pulled cursor on counters); an applier itself assumes it runs once.

An event the database cannot take (an unknown room, a schema it does not know) raises
`EventRejected` with a message code: the event is kept for review, never dropped, and later
events still apply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.errors import InputError


class EventRejected(InputError):
    """This database cannot apply the event (reason as a message code)."""


@dataclass(frozen=True)
class EventType:
    name: str
    apply: Callable[[Session, dict[str, Any], str], None]  # (session, payload, origin terminal)
    versions: tuple[int, ...] = (1,)


EVENT_TYPES: dict[str, EventType] = {}


def register(name: str, versions: tuple[int, ...] = (1,)):  # type: ignore[no-untyped-def]
    def deco(fn: Callable[[Session, dict[str, Any], str], None]):  # type: ignore[no-untyped-def]
        EVENT_TYPES[name] = EventType(name, fn, versions)
        return fn

    return deco


def apply_event(s: Session, event_type: str, payload: dict[str, Any], *, origin_terminal: str) -> None:
    """Apply one event in the caller's transaction; EventRejected when it cannot be."""
    et = EVENT_TYPES.get(event_type)
    if et is None:
        raise EventRejected("sync.unknown_event_type", event_type=event_type)
    version = payload.get("v", 1)
    if version not in et.versions:
        raise EventRejected("sync.unknown_event_version", event_type=event_type, version=version)
    et.apply(s, payload, origin_terminal)
