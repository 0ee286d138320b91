"""Central runs a unit of work again when PostgreSQL rolled it back as a deadlock victim or a
serialisation failure (found with 20 counters pushing at once), and only then."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from app.central.server import run_again_on_deadlock


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _failing(states: list[str]):  # type: ignore[no-untyped-def]
    calls: list[int] = []

    def unit() -> str:
        calls.append(1)
        if len(calls) <= len(states):
            raise OperationalError("INSERT …", {}, _Orig(states[len(calls) - 1]))
        return "stored"
    return unit, calls


@pytest.mark.parametrize("state", ["40P01", "40001"])
def test_a_deadlock_victim_is_run_again(state: str) -> None:
    unit, calls = _failing([state, state])
    assert run_again_on_deadlock(unit) == "stored" and len(calls) == 3


def test_other_database_errors_are_not_run_again() -> None:
    unit, calls = _failing(["23505"])  # unique_violation: a bug or bad input, not timing
    with pytest.raises(OperationalError):
        run_again_on_deadlock(unit)
    assert len(calls) == 1


def test_it_gives_up_after_the_last_try() -> None:
    unit, calls = _failing(["40P01"] * 9)
    with pytest.raises(OperationalError):
        run_again_on_deadlock(unit, retries=3)
    assert len(calls) == 3
