"""tests/support/processes.py drives the real command line (the sync fault tests rely on it
to read JSON results and exit codes)."""

from __future__ import annotations

import pytest

from tests.support.processes import CliError, cli, run


def test_cli_runs_the_real_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'c.db'}"
    run(db, "init", terminal="T7")
    assert cli(db, "ledger", "check")["ok"] is True
    with pytest.raises(CliError) as e:
        cli(db, "bills", "--room", "no-such-room")
    assert e.value.returncode == 2 and "no-such-room" in e.value.stderr


def test_offline_payments_are_taken_and_queued_in_the_outbox(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The sync tests' payment maker on a standalone counter (no central needed): every
    payment is a receipt and an outbox event, numbered gaplessly."""
    from tests.support.sync_world import Counter, allocations_of, issued_events, outbox, own_payments, take_payments

    db = f"sqlite:///{tmp_path / 'k1.db'}"
    run(db, "init", "--demo", "--rooms", "30", terminal="K1")
    k1 = Counter("K1", db, token="")
    demo_payments = len(own_payments(db, "K1"))  # the demo's history is K1's too here
    receipts = take_payments(k1, 25, seed=3)
    assert len(set(receipts)) == 25 and all(r.startswith("K1-") for r in receipts)
    events = outbox(k1)
    assert [e["device_seq"] for e in events] == list(range(1, issued_events(k1) + 1))
    assert sum(e["event_type"] == "payment" for e in events) == 25
    assert len(own_payments(db, "K1")) == demo_payments + 25 and allocations_of(db, "K1") > 0
    assert take_payments(k1, 5, seed=3)[0] != receipts[0]  # the shift stays open; numbering goes on
