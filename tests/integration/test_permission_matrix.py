"""docs/permissions.md is the contract: these tests read its two tables and check the code
against them — each role's rights (users.allows) and, through the command line, that every
permission is refused for every role that lacks it (exit 2, users.not_allowed, nothing changed)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import build_parser, main
from app.cli.sign_in import OPEN, is_open
from app.context import AppContext
from app.db.models import (AuditEvent, BillAdjustment, BillLine, Deposit, ExceptionCase, Payment, Receipt,
                           ReceiptVoid, Shift, SyncOutbox, Terminal, User)
from app.services import users
from app.services.billing.bill_run import bill_run
from tests.support.builders import World

DOC = Path(__file__).resolve().parents[2] / "docs" / "permissions.md"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
ROLE_COLUMNS = ("cashier", "reader", "finance", "manager", "admin")
PASSWORD = "pw-for-tests"


def _table(after_header: str) -> list[list[str]]:
    """The rows of the markdown table whose header row starts with `after_header`."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith(after_header))
    rows = []
    for ln in lines[start + 2:]:
        if not ln.startswith("|"):
            break
        rows.append([c.strip() for c in ln.strip().strip("|").split("|")])
    return rows


def role_matrix() -> dict[str, set[str]]:
    """permission -> the roles the doc ticks."""
    return {r[0]: {role for role, cell in zip(ROLE_COLUMNS, r[2:]) if cell == "✓"}
            for r in _table("| permission |")}


def command_matrix() -> dict[str, str]:
    """`command [action]` -> its permission cell (`open`, `sign-in`, `p`, `p or q`)."""
    return {r[0].strip("`"): r[1] for r in _table("| command |")}


def test_the_doc_lists_every_permission_and_role_of_the_code():
    assert set(role_matrix()) == set(users.PERMISSIONS)
    assert set(ROLE_COLUMNS) == set(users.ROLES)


def test_each_role_has_exactly_the_rights_the_doc_ticks(ctx):
    with ctx.uow() as s:
        for role in ROLE_COLUMNS:
            users.ensure_user(s, f"u_{role}", role, password=PASSWORD)
    with ctx.uow() as s:
        for perm, roles in role_matrix().items():
            for role in ROLE_COLUMNS:
                assert users.allows(s, f"u_{role}", perm) == (role in roles), (perm, role)


def _registered() -> list[str]:
    """Every `command` or `command action` the parser knows."""
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    found = []
    for name, sp in sub.choices.items():
        action = next((a for a in sp._actions if a.dest == "action"), None)
        found += [f"{name} {c}" for c in action.choices] if action is not None and action.choices else [name]
    return found


def test_every_command_is_in_the_doc_and_open_means_the_same_in_the_gate():
    doc = command_matrix()
    for entry in _registered():
        name, _, action = entry.partition(" ")
        # `import rooms`: the kind is a positional of its own, not an action
        cells = [doc[entry]] if entry in doc else [doc[name]] if name in doc else \
            [c for k, c in doc.items() if k.startswith(name + " ")]
        if not cells and name == "gateway" and action not in ("set", "show", "orders", "resolve"):
            continue  # driver actions (emulate…) are for tests and demos: they need the password
        assert cells, f"{entry!r} is not in docs/permissions.md"
        for cell in cells:
            assert (cell == "open") == is_open(name, action or None), entry
    for name in OPEN:  # nothing open in the gate that the doc does not call open
        for key, cell in doc.items():
            if key.split(" ")[0] == name and OPEN[name] is None:
                assert cell == "open", key


@pytest.fixture
def world(sqlite_url, tmp_path, capsys):  # type: ignore[no-untyped-def]
    """A counter with a room, a bill, one receipt of admin's open shift, an exception, a user
    of each role (password PASSWORD)."""
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三", phone="13800001234")
        w.fee("PM", "area", "2")
        w.fee("ZX", "one_off", None, usages=["residential"])
        bill_run(s, "2026-10", user="admin")
        for role in ROLE_COLUMNS:
            users.ensure_user(s, f"u_{role}", role, password=PASSWORD)
        s.add(ExceptionCase(kind="double_payment", ref_type="payment", ref_id="p1", detail={"room": "1-101"}))
        line = s.scalar(select(BillLine.id))
        case = s.scalar(select(ExceptionCase.id))
        community = w.community.name
    ctx.close()
    assert main(["--db", sqlite_url, "shift", "open"]) == 0
    assert main(["--db", sqlite_url, "prepay", "--room", "1-101", "--tender", "cash=10", "--json"]) == 0
    receipt = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["receipt_no"]
    key = tmp_path / "key.txt"
    key.write_text("k" * 32)
    return {"url": sqlite_url, "line": line, "receipt": receipt, "case": case, "community": community,
            "key": str(key), "out": str(tmp_path / "out.csv")}


def _examples(w: dict) -> dict[str, list[str]]:
    """An invocation of each data-changing command that a permitted user could run."""
    return {
        "init": ["init"],
        "import rooms": ["import", "rooms", str(FIXTURES / "rooms.csv")],
        "import meters": ["import", "meters", str(FIXTURES / "meters.csv")],
        "import readings": ["import", "readings", str(FIXTURES / "readings.csv")],
        "import fee-items": ["import", "fee-items", str(FIXTURES / "fee_items.json")],
        "bill-run": ["bill-run", "--period", "2026-11"],
        "correct-reading": ["correct-reading", "--meter", "M1", "--period", "2026-10", "--reading", "5",
                            "--reason", "typo"],
        "correct-price": ["correct-price", "--community", w["community"], "--fee", "PM", "--period", "2026-10",
                          "--unit-price", "3", "--reason", "typo"],
        "waive-late-fee": ["waive-late-fee", "--line", w["line"], "--reason", "hardship"],
        "pay": ["pay", "--room", "1-101", "--all", "--tender", "cash=1000"],
        "prepay": ["prepay", "--room", "1-101", "--tender", "cash=10"],
        "deposit": ["deposit", "--room", "1-101", "--purpose", "装修押金", "--tender", "cash=10"],
        "charge": ["charge", "--room", "1-101", "--fee", "ZX", "--amount", "10", "--note", "x",
                   "--tender", "cash=10"],
        "void": ["void", w["receipt"], "--reason", "wrong room"],
        "shift open": ["shift", "open"],
        "shift close": ["shift", "close", "--count", "100=1"],
        "reprint": ["reprint", w["receipt"]],
        "print-queue run": ["print-queue", "run"],
        "print-queue retry": ["print-queue", "retry", "job"],
        "drawer open": ["drawer", "open"],
        "gateway set": ["gateway", "set", "wechat", "--appid", "wx", "--mch-id", "1", "--key-file", w["key"]],
        "terminal add": ["terminal", "add", "T7", "--community", w["community"]],
        "terminal revoke": ["terminal", "revoke", "T1"],
        "sync join": ["sync", "join", "--central", "http://127.0.0.1:9", "--token", "x" * 40],
        "exceptions resolve": ["exceptions", "resolve", w["case"], "--note", "done"],
        "user add": ["user", "add", "newbie", "--role", "cashier"],
        "user unlock": ["user", "unlock", "u_reader"],
        "refund": ["refund", w["receipt"], "--amount", "1", "--reason", "x", "--route", "cash", "--approver", "admin"],
        "deposit refund": ["deposit", "refund", "no-such-deposit", "--approver", "admin"],
        "day close": ["day", "close", "--date", "2026-10-31"],
        "collect export": ["collect", "export", "--bank", "csv", "--period", "2026-10", "-o", w["out"]],
        "collect import": ["collect", "import", str(FIXTURES / "rooms.csv")],
        "meter collect": ["meter", "collect", "--port", "/dev/null-none", "--protocol", "dlt645", "--period", "2026-10"],
        "meter swap": ["meter", "swap", "--meter", "M1", "--date", "2026-10-15", "--old-final", "10",
                       "--new-meter", "M9", "--new-initial", "0"],
        "readings accept": ["readings", "accept", "--meter", "M1", "--period", "2026-10", "--reason", "x"],
        "readings reject": ["readings", "reject", "--meter", "M1", "--period", "2026-10", "--reason", "x"],
        "handheld download": ["handheld", "download", "--port", "/dev/null-none", "--period", "2026-10"],
        "handheld upload": ["handheld", "upload", "--port", "/dev/null-none", "--period", "2026-10"],
        "backup": ["backup", "-o", w["out"] + ".bak"],
        "restore": ["restore", w["out"] + ".bak", "-o", w["out"] + ".restored"],
    }


def _counts(url: str) -> dict[str, int]:
    ctx = AppContext.open(url, migrate=False)
    try:
        with ctx.uow() as s:
            return {m.__name__: s.scalar(select(func.count()).select_from(m))
                    for m in (Payment, Receipt, ReceiptVoid, Deposit, Shift, Terminal, SyncOutbox, AuditEvent,
                              BillLine, BillAdjustment, User, ExceptionCase)}
    finally:
        ctx.close()


def test_each_permission_is_refused_for_each_role_that_lacks_it(world, capsys, monkeypatch):
    rights = role_matrix()
    examples = _examples(world)
    checked = 0
    for cmd, cell in command_matrix().items():
        if cell in ("open", "sign-in") or cmd not in examples:
            continue
        needed = re.split(r"\s+or\s+", cell)
        allowed = set().union(*(rights[p] for p in needed))
        for role in ROLE_COLUMNS:
            if role in allowed:
                continue
            monkeypatch.setenv("PROPDESK_PASSWORD", PASSWORD)
            monkeypatch.setenv("PROPDESK_NEW_PASSWORD", "new-pw-1")
            before = _counts(world["url"])
            code = main(["--db", world["url"], "--user", f"u_{role}", *examples[cmd], "--json"])
            err = capsys.readouterr().err
            assert code == 2, (cmd, role, err)
            assert json.loads(err.splitlines()[0])["error"] == "users.not_allowed", (cmd, role, err)
            assert _counts(world["url"]) == before, (cmd, role)
            checked += 1
    assert checked >= 60  # the table really drove the test


def test_every_data_changing_command_of_the_doc_has_an_example_here(world):
    """So a new row in the doc cannot slip past the refusal test unnoticed."""
    registered = set(_registered()) | {e.split(" ")[0] for e in _registered()}
    missing = [cmd for cmd, cell in command_matrix().items()
               if cell not in ("open", "sign-in") and cmd in registered and cmd not in _examples(world)]
    assert set(missing) <= NO_EXAMPLE_YET, f"add an invocation to _examples for {sorted(set(missing) - NO_EXAMPLE_YET)}"


# Rows of the doc without an invocation in _examples: `gateway resolve` needs an unconfirmed order
# (test_scan_pay_cli covers it); the others are commands of parallel work (wave 2) that were not
# on this branch yet — give each an invocation above once merged, and drop it from here.
NO_EXAMPLE_YET = {"gateway resolve", "refund-resolve"}  # both need an unconfirmed order first
