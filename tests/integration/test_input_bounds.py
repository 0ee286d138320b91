"""Bad input at the command line exits 2, says what and where, and writes nothing — on
SQLite and PostgreSQL alike (issue 9 item 5, the generic bounds): text longer than its
column, terminal codes that would make unprintable receipts, amounts with non-ASCII
digits or absurd sizes, and JSON too deep or with numbers too long."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.cli import main
from app.context import AppContext
from app.db.models import AuditEvent, Deposit, Payment, Receipt, ReceiptVoid, Shift, SyncOutbox, Terminal
from app.services.billing.bill_run import bill_run
from tests.support.builders import World

LONG = "长" * 10_000


@pytest.fixture
def cli_db(any_db_url, capsys):  # type: ignore[no-untyped-def]
    """An initialised database with a room, a one-off fee, a bill and an open shift."""
    assert main(["--db", any_db_url, "init"]) == 0
    ctx = AppContext.open(any_db_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三", phone="13800001234")
        w.fee("PM", "area", "2")
        w.fee("ZX", "one_off", None, usages=["residential"])
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    assert main(["--db", any_db_url, "shift", "open", "--float", "100"]) == 0
    capsys.readouterr()
    return any_db_url


def _counts(url: str) -> dict[str, int]:
    ctx = AppContext.open(url, migrate=False)
    try:
        with ctx.uow() as s:
            return {m.__name__: s.scalar(select(func.count()).select_from(m))
                    for m in (Payment, Receipt, ReceiptVoid, Deposit, Shift, Terminal, SyncOutbox, AuditEvent)}
    finally:
        ctx.close()


def _refused(capsys, url: str, *argv: str, needle: str, short: bool = True) -> str:  # type: ignore[no-untyped-def]
    before = _counts(url)
    code = main(["--db", url, *argv])
    err = capsys.readouterr().err
    assert code == 2, err[:3000]
    assert needle in err, err[:3000]
    assert "Traceback" not in err
    if short:
        assert len(err) < 2000, "the message echoes a cut-down input, not all of it"
    assert _counts(url) == before, "a refused command wrote something"
    return err


def test_text_longer_than_its_column_is_refused_before_writing(cli_db, capsys):
    err = _refused(capsys, cli_db, "deposit", "--room", "1-101", "--purpose", LONG, "--tender", "cash=100",
                   needle="太长")
    assert "10000" in err and "too long" in err
    _refused(capsys, cli_db, "charge", "--room", "1-101", "--fee", "ZX", "--amount", "50", "--note", LONG,
             "--tender", "cash=50", needle="too long")
    assert main(["--db", cli_db, "pay", "--room", "1-101", "--all", "--tender", "cash=200", "--json"]) == 0
    receipt_no = capsys.readouterr().out.split('"receipt_no": "')[1].split('"')[0]
    err = _refused(capsys, cli_db, "void", receipt_no, "--reason", LONG, needle="作废原因太长")
    assert "void reason is too long: at most 200 characters (it has 10000)" in err
    # the same texts at the column's size are fine
    assert main(["--db", cli_db, "void", receipt_no, "--reason", "长" * 200]) == 0


@pytest.mark.parametrize("terminal", ["T'1", "T-1", "T|1", "T 1", "TERMINAL9", "Ｔ1", "Т1"])
def test_terminal_codes_that_would_break_receipts_are_refused(cli_db, capsys, terminal):
    _refused(capsys, cli_db, "--terminal", terminal, "shift", "open", "--float", "1", needle="letters and digits")


def test_terminal_code_from_the_environment_is_checked_too(cli_db, capsys, monkeypatch):
    monkeypatch.setenv("PROPDESK_TERMINAL", "T'9")
    _refused(capsys, cli_db, "shift", "open", "--float", "1", needle="收银台编号")


@pytest.mark.parametrize("argv, needle", [
    (("prepay", "--room", "1-101", "--tender", "cash=٣"), "0-9"),
    (("prepay", "--room", "1-101", "--tender", "cash=²"), "0-9"),
    (("prepay", "--room", "1-101", "--tender", "cash=1٣.50"), "0-9"),
    (("prepay", "--room", "1-101", "--tender", "cash=1e5"), "2 decimals"),
    (("prepay", "--room", "1-101", "--tender", "cash=" + "9" * 5000), "too large"),
    (("prepay", "--room", "1-101", "--tender", "cash=999999999999"), "too large"),
    (("pay", "--room", "1-101", "--all", "--tender", "cash=٣٠٠"), "0-9"),
    (("shift", "open", "--float", "1e300"), "2 decimals"),
    (("shift", "open", "--float", "9" * 5000), "too large"),
    (("shift", "close", "--count", "100=²"), "whole number"),
    (("shift", "close", "--count", "100=٣"), "whole number"),
    (("shift", "close", "--count", "100=" + "9" * 5000), "whole number"),
    (("shift", "close", "--count", "9" * 5000 + "=1"), "not a denomination"),
    (("charge", "--room", "1-101", "--fee", "ZX", "--amount", "５０٣", "--note", "x", "--tender", "cash=50"), "0-9"),
])
def test_bad_amounts_exit_2(cli_db, capsys, argv, needle):
    # tenders.parse_tender and shifts.parse_count still quote the whole option in their own
    # words (not this module's): only the part app.money adds is cut short there
    _refused(capsys, cli_db, *argv, needle=needle, short=not any(len(a) > 1000 for a in argv))


def test_full_width_digits_are_read_as_ascii(cli_db, capsys):
    assert main(["--db", cli_db, "prepay", "--room", "1-101", "--tender", "cash=１２．５０", "--json"]) == 0
    assert '"total_fen": 1250' in capsys.readouterr().out


@pytest.mark.parametrize("tiers, needle", [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('[{"up_to": null, "unit_price": ' + "1" * 5000 + "}]", "number that is too long"),
    ('[{"up_to": NaN, "unit_price": "1"}]', "not a number"),
    ("[{", "not valid JSON"),
])
def test_bad_json_options_exit_2(cli_db, capsys, tiers, needle):
    _refused(capsys, cli_db, "correct-price", "--community", "阳光花园", "--fee", "PM", "--period", "2026-10",
             "--tiers", tiers, "--reason", "x", needle=needle)
