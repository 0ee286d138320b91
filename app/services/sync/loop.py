"""The counter's sync loop: `run_once` pushes until the outbox is empty, then pulls until
central has nothing more; `run_forever` repeats it until its stop event is set, backing off
exponentially (1 s, 2 s, 4 s … 60 s, plus up to 20 % jitter so counters that lost central
together do not return together) on retryable errors, and stopping on the others (a refused
token will not heal by itself). It sleeps on the stop Event: SIGTERM, a closing window or a
test sets it and the loop ends at once; no busy loop.

The same loop runs under `sync run` and on the GUI's background thread. `sleep` and `rand`
are injectable so tests check the schedule without waiting.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.services.sync.central_link import CentralLink
from app.services.sync.errors import (CentralError, CentralRefused, CentralServerError, CentralUnreachable,
                                      LocalSyncFailure)
from app.services.sync.pull import pull_all
from app.services.sync.push import counts, push_all

Uow = Callable[[], AbstractContextManager[Session]]
FIRST_DELAY = 1.0
MAX_DELAY = 60.0
JITTER = 0.2
INTERVAL = 5.0  # between rounds while all is well


def backoff_delay(failures: int, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after `failures` failures in a row (1 → 1 s, 2 → 2 s … capped at 60 s),
    plus jitter of up to 20 % of that."""
    base = min(MAX_DELAY, FIRST_DELAY * 2 ** max(0, failures - 1))
    return base * (1 + JITTER * rand())


@dataclass
class RoundResult:
    pushed: int = 0
    pulled: int = 0
    pending: int = 0
    rejected: int = 0
    error: CentralError | None = None

    def as_dict(self) -> dict[str, int]:
        return {"pushed": self.pushed, "pulled": self.pulled, "pending": self.pending, "rejected": self.rejected}


@dataclass
class LoopState:
    """What the loop last saw, for a status bar: online or not, counts, the last error."""

    online: bool = False
    pending: int = 0
    rejected: int = 0
    error: CentralError | None = None
    failures: int = 0
    totals: dict[str, int] = field(default_factory=lambda: {"pushed": 0, "pulled": 0})


def run_once(uow: Uow, link: CentralLink, terminal: str) -> RoundResult:
    """Push, then pull. A CentralError is raised (after the work done so far is booked)."""
    out = RoundResult()
    try:
        try:
            out.pushed = push_all(uow, link, terminal)
        except (CentralUnreachable, CentralServerError, CentralRefused):
            raise  # central is away, failing or refusing us: pulling cannot work either
        except CentralError:
            # Central answers but will not take this batch (a stall, a 400): other counters'
            # payments must still arrive here, so pull, then report the push's error.
            pull_all(uow, link, terminal)
            raise
        out.pulled = pull_all(uow, link, terminal)
    finally:
        with uow() as s:
            out.pending, out.rejected = counts(s)
    return out


def run_forever(uow: Uow, link: CentralLink, terminal: str, stop: threading.Event, *,
                on_state: Callable[[LoopState], Any] | None = None, interval: float = INTERVAL,
                sleep: Callable[[float], Any] | None = None,
                rand: Callable[[], float] = random.random) -> LoopState:
    """Run rounds until `stop` is set or a non-retryable error; returns the final state.
    `sleep(seconds)` defaults to `stop.wait` (wakes at once when stop is set)."""
    wait = sleep or stop.wait
    state = LoopState()
    while not stop.is_set():
        try:
            try:
                r = run_once(uow, link, terminal)
            except CentralError:
                raise
            except Exception as exc:  # noqa: BLE001 — a local failure must not kill the loop's thread
                from app.messages import describe

                raise LocalSyncFailure("sync.local_failed", detail=describe(exc, "en")[:200]) from exc
        except CentralError as e:
            with uow() as s:
                state.pending, state.rejected = counts(s)
            state.online, state.error = False, e
            state.failures += 1
            if on_state:
                on_state(state)
            if not e.retryable:
                return state
            wait(backoff_delay(state.failures, rand))
            continue
        state.online, state.error, state.failures = True, None, 0
        state.pending, state.rejected = r.pending, r.rejected
        state.totals["pushed"] += r.pushed
        state.totals["pulled"] += r.pulled
        if on_state:
            on_state(state)
        wait(interval)
    return state
