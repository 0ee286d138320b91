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
