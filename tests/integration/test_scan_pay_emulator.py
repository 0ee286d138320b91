"""The scanned-code payment end to end: the REAL drivers (drivers.gateways, installed the way
the `gateway-drivers` entry point installs them) over real HTTP against the gateway emulator,
configured with `propdesk gateway set` and paid with `propdesk pay --tender scan=…` — the
path the cashier's scripts take. Every emulator outcome, both gateways, all signatures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import cli
from app.cli import main
from app.context import AppContext
from app.db.models.cashier import Payment
from app.services import ledger_check, scan_pay
from app.services.billing.bill_run import bill_run
from drivers import cli_gateway
from tests.support.builders import World
from tests.support.gateways import ALIPAY_CODE, WECHAT_CODE, running_emulator

# (gateway, WeChat sign type): WeChat with both signatures, Alipay RSA2
GATEWAYS = [("wechat", "MD5"), ("wechat", "HMAC-SHA256"), ("alipay", None)]
IDS = ["wechat-md5", "wechat-hmac", "alipay-rsa2"]
LINE_FEN = 20000  # the room's one bill line: 100 m² × 2 yuan


def _run(capsys, *argv):  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


def _configure(capsys, d: list[str], tmp_path: Path, emu, settings: dict, gateway: str, sign_type: str | None,
               pay_timeout: int = 10) -> None:  # type: ignore[no-untyped-def]
    """`propdesk gateway set` with the emulator's merchant keys in files, as a manager would."""
    if gateway == "wechat":
        key = tmp_path / "wechat_api_key.txt"
        key.write_text(emu.wechat_key)
        w = settings["wechat"]
        # `gateway set` keeps the certificate's PEM text (the driver writes it back to a file):
        # PEM-shaped placeholders, the emulator speaks plain HTTP and never reads them
        cert, cert_key = tmp_path / "cert.pem", tmp_path / "cert_key.pem"
        cert.write_text("-----BEGIN CERTIFICATE-----\nZW11bGF0b3I=\n-----END CERTIFICATE-----\n")
        cert_key.write_text("-----BEGIN PRIVATE KEY-----\nZW11bGF0b3I=\n-----END PRIVATE KEY-----\n")
        args = ["gateway", "set", "wechat", "--appid", w["appid"], "--mch-id", w["mch_id"], "--key-file", str(key),
                "--sign-type", sign_type or "MD5", "--cert", str(cert), "--cert-key", str(cert_key),
                "--base-url", w["base_url"]]
    else:
        a = settings["alipay"]
        private, public = tmp_path / "app_private.pem", tmp_path / "alipay_public.pem"
        private.write_text(a["private_key"])
        public.write_text(a["alipay_public_key"])
        args = ["gateway", "set", "alipay", "--app-id", a["app_id"], "--private-key", str(private),
                "--alipay-public-key", str(public), "--base-url", a["base_url"]]
    code, _, err = _run(capsys, *d, *args, "--pay-timeout", str(pay_timeout), "--json")
    assert code == 0, err


def _world(url: str, capsys) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    assert main(["--db", url, "init"]) == 0
    ctx = AppContext.open(url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    capsys.readouterr()
    d = ["--db", url]
    assert _run(capsys, *d, "shift", "open", "--json")[0] == 0
    code, b, _ = _run(capsys, *d, "bills", "--room", "1-101", "--json")
    assert code == 0 and [ln["amount_fen"] for ln in b["lines"]] == [LINE_FEN]
    return d, b["lines"][0]["id"]


@pytest.fixture
def cli_env(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROPDESK_SECRETS_DIR", str(tmp_path / "secrets"))
    # the poll interval is counted, never waited: a 10 s pay_timeout takes no time
    monkeypatch.setattr(scan_pay, "time", type("T", (), {"sleep": staticmethod(lambda s: None)}))
    # the shared venv's entry points belong to another tree: install this tree's drivers the
    # way the `gateway-drivers` entry point does
    monkeypatch.setattr(cli, "_load_plugin_commands", lambda: None)
    scan_pay.install_factory(cli_gateway.open_gateway)
    yield
    scan_pay.install_factory(None)


@pytest.fixture
def world(sqlite_url, capsys, cli_env):  # type: ignore[no-untyped-def]
    return _world(sqlite_url, capsys)


def _code(gateway: str) -> str:
    return WECHAT_CODE if gateway == "wechat" else ALIPAY_CODE


def _pays(emu, gateway: str, out_trade_no: str) -> int:  # type: ignore[no-untyped-def]
    """How many pay requests (micropay / alipay.trade.pay) the emulator received for the order."""
    n = 0
    for g, api, params in list(emu.calls):
        if g != gateway:
            continue
        if g == "wechat" and api.endswith("/micropay") and params.get("out_trade_no") == out_trade_no:
            n += 1
        if g == "alipay" and api == "alipay.trade.pay" \
                and json.loads(params.get("biz_content") or "{}").get("out_trade_no") == out_trade_no:
            n += 1
    return n


def _payments(url: str) -> int:
    ctx = AppContext.open(url)
    try:
        with ctx.uow() as s:
            return s.scalar(select(func.count()).select_from(Payment)) or 0
    finally:
        ctx.close()


def _books_balanced(url: str) -> None:
    ctx = AppContext.open(url)
    try:
        with ctx.uow() as s:
            r = ledger_check.full_check(s)
    finally:
        ctx.close()
    assert r["ok"], r


def _orders(capsys, d: list[str]) -> list[dict]:  # type: ignore[no-untyped-def]
    code, o, err = _run(capsys, *d, "gateway", "orders", "--json")
    assert code == 0, err
    return o["orders"]


def _pay(capsys, d, line, *tenders):  # type: ignore[no-untyped-def]
    argv = [*d, "pay", "--room", "1-101", "--lines", line]
    for t in tenders:
        argv += ["--tender", t]
    return _run(capsys, *argv, "--json")


def _assert_paid_once(capsys, d, emu, gateway: str, r: dict, amount_fen: int = LINE_FEN) -> None:  # type: ignore[no-untyped-def]
    t = {x["method"]: x for x in r["tenders"]}
    assert set(t) == {gateway} and t[gateway]["amount_fen"] == amount_fen
    no, ref = t[gateway]["out_trade_no"], t[gateway]["ref"]
    order = emu.order(gateway, no)
    assert order is not None and order.state == "paid" and order.transaction_id == ref
    assert _pays(emu, gateway, no) == 1  # never a second pay under any number
    assert r["receipt_no"]
    assert [(o["out_trade_no"], o["state"], o["transaction_id"], o["receipt_no"]) for o in _orders(capsys, d)] \
        == [(no, "paid", ref, r["receipt_no"])]
    assert _payments(d[1]) == 1
    code, b, _ = _run(capsys, *d, "bills", "--room", "1-101", "--json")
    assert b["owed_fen"] == 0
    _books_balanced(d[1])


def _assert_nothing_recorded(capsys, d, state: str) -> dict:  # type: ignore[no-untyped-def]
    orders = _orders(capsys, d)
    assert [o["state"] for o in orders] == [state] and orders[0]["receipt_no"] is None
    assert _payments(d[1]) == 0
    code, b, _ = _run(capsys, *d, "bills", "--room", "1-101", "--json")
    assert b["owed_fen"] == LINE_FEN
    _books_balanced(d[1])
    return orders[0]


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
def test_success_records_the_receipt_with_the_transaction_no(world, capsys, tmp_path, gateway, sign):
    d, line = world
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign)
        emu.script(_code(gateway), "success")
        code, r, err = _pay(capsys, d, line, f"scan=200:{_code(gateway)}")
        assert code == 0, err
        _assert_paid_once(capsys, d, emu, gateway, r)
        if gateway == "wechat":  # the signature the merchant chose is the one on the wire
            assert {p.get("sign_type", "MD5") for g, api, p in emu.calls if g == "wechat"} == {sign}


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
def test_user_paying_then_success_after_queries(world, capsys, tmp_path, gateway, sign):
    d, line = world
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign)
        emu.script(_code(gateway), {"outcome": "paying", "queries": 2})
        code, r, err = _pay(capsys, d, line, f"scan=200:{_code(gateway)}")
        assert code == 0, err
        assert "等待用户输入密码" in err
        _assert_paid_once(capsys, d, emu, gateway, r)


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
def test_declined_exit_2_nothing_recorded(world, capsys, tmp_path, gateway, sign):
    d, line = world
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign)
        emu.script(_code(gateway), "declined")
        code, _, err = _pay(capsys, d, line, f"scan=200:{_code(gateway)}")
        assert code == 2 and "scan.declined" in err, err
        o = _assert_nothing_recorded(capsys, d, "failed")
        assert emu.order(gateway, o["out_trade_no"]).state == "declined"


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
def test_never_confirmed_is_reversed_after_pay_timeout(world, capsys, tmp_path, gateway, sign):
    d, line = world
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign, pay_timeout=6)
        emu.script(_code(gateway), "never")
        code, _, err = _pay(capsys, d, line, f"scan=200:{_code(gateway)}")
        assert code == 2 and "scan.timed_out" in err, err
        o = _assert_nothing_recorded(capsys, d, "reversed")
        assert emu.order(gateway, o["out_trade_no"]).state in ("reversed", "closed")
        # a 6 s timeout at a 2 s poll: three queries, then the reversal — never a second pay
        queries = [c for c in emu.calls if c[1] in ("/pay/orderquery", "alipay.trade.query")]
        assert len(queries) == 3 and _pays(emu, gateway, o["out_trade_no"]) == 1


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
@pytest.mark.parametrize("outcome", ["syserror_paid", "reply_lost"])
def test_lost_or_failed_reply_but_paid_is_recorded_once_never_paid_again(world, capsys, tmp_path, gateway, sign,
                                                                         outcome):
    d, line = world
    with running_emulator(tmp_path, http_timeout=2) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign)
        emu.script(_code(gateway), outcome)
        code, r, err = _pay(capsys, d, line, f"scan=200:{_code(gateway)}")
        assert code == 0, err
        _assert_paid_once(capsys, d, emu, gateway, r)


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
def test_split_scan_and_cash_with_the_scan_declined_records_nothing(world, capsys, tmp_path, gateway, sign):
    d, line = world
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign)
        emu.script(_code(gateway), "declined")
        code, _, err = _pay(capsys, d, line, f"scan=150:{_code(gateway)}", "cash=50")
        assert code == 2 and "scan.declined" in err, err
        o = _assert_nothing_recorded(capsys, d, "failed")
        assert o["amount_fen"] == 15000


@pytest.mark.postgres
def test_postgresql_reply_lost_is_recorded_once(pg_url, capsys, tmp_path, cli_env):
    d, line = _world(pg_url, capsys)
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, "alipay", None)
        emu.script(ALIPAY_CODE, "reply_lost")
        code, r, err = _pay(capsys, d, line, f"scan=200:{ALIPAY_CODE}")
        assert code == 0, err
        _assert_paid_once(capsys, d, emu, "alipay", r)


def test_demo_gateway_script_points_the_demo_at_the_emulator(sqlite_url, capsys, tmp_path, cli_env, monkeypatch):
    """scripts/demo-gateway.sh: the emulator runs, its settings land in the database, and the
    demo's 'paying' code shows 等待用户输入密码… before it is paid."""
    import os
    import signal
    import socket
    import subprocess

    root = Path(__file__).resolve().parents[2]
    d, line = _world(sqlite_url, capsys)
    with socket.socket() as sock:  # a free port for the emulator
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DB": sqlite_url, "PORT": str(port), "XDG_DATA_HOME": str(tmp_path / "data"),
           "PROPDESK_SECRETS_DIR": os.environ["PROPDESK_SECRETS_DIR"]}
    proc = subprocess.Popen([str(root / "scripts" / "demo-gateway.sh")], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out = []
        for text in proc.stdout:  # ends with the "Ctrl-C here" line once everything is set
            out.append(text)
            if "Ctrl-C here" in text:
                break
        assert any("Ctrl-C here" in t for t in out), "".join(out)
        code, shown, err = _run(capsys, *d, "gateway", "show", "--json")
        assert code == 0 and shown["wechat"]["base_url"] == f"http://127.0.0.1:{port}", err
        assert shown["alipay"]["base_url"] == f"http://127.0.0.1:{port}/gateway.do"
        code, r, err = _pay(capsys, d, line, "scan=200:134567890123456780")
        assert code == 0 and "等待用户输入密码" in err, err
        assert r["tenders"][0]["method"] == "wechat" and r["receipt_no"]
        _books_balanced(d[1])
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(20)


def test_the_counter_window_path_pays_through_the_real_drivers(tmp_path, capsys, cli_env):
    """F3 in the window hands the code to ui/checkout/scan_pay_hook.pay_scanned (the service
    with drivers.gateways.factory): the resident keeps typing her password for two queries
    (the window shows 等待用户输入密码…), then the payment is recorded once."""
    from app.services.cashier.payments import Counter
    from ui.checkout import scan_pay_hook

    url = f"sqlite:///{tmp_path / 'counter.db'}"
    d, line_id = _world(url, capsys)
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, "wechat", "MD5")
        emu.script(WECHAT_CODE, {"outcome": "paying", "queries": 2})
        assert scan_pay_hook.available()
        ctx = AppContext.open(url)
        states: list[str] = []
        try:
            with ctx.uow() as s:
                assert s.scalar(select(func.count()).select_from(Payment)) == 0
            r = scan_pay_hook.pay_scanned(ctx, Counter("T1", "admin"), "1-101", [line_id], [], LINE_FEN, WECHAT_CODE,
                                          states.append)
            with ctx.uow() as s:
                assert s.scalar(select(func.count()).select_from(Payment)) == 1
                assert ledger_check.full_check(s)["ok"]
        finally:
            ctx.close()
    assert "paying" in states
    assert r["receipt_no"].startswith("T1-") and [t["method"] for t in r["tenders"]] == ["wechat"]
