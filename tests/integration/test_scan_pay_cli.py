"""The scan tender and `gateway` command through the command line, with the fake gateway
factory installed the way drivers/cli_gateway.py installs the real one."""

from __future__ import annotations

import json

import pytest

from app import cli
from app.cli import main
from app.context import AppContext
from app.services import scan_pay, users
from app.services.billing.bill_run import bill_run
from tests.support.builders import World
from tests.support.fake_gateway import ALIPAY_CODE, WECHAT_CODE, FakeFactory


def _run(capsys, *argv):  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip().startswith("{") else out), err


@pytest.fixture
def db(sqlite_url, capsys, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROPDESK_SECRETS_DIR", str(tmp_path / "secrets"))
    monkeypatch.setattr(scan_pay, "time", type("T", (), {"sleep": staticmethod(lambda s: None)}))
    # The installed entry points belong to whatever tree the shared venv was installed from;
    # these tests need only app's own commands (the fake factory stands in for drivers).
    monkeypatch.setattr(cli, "_load_plugin_commands", lambda: None)
    assert main(["--db", sqlite_url, "init"]) == 0
    ctx = AppContext.open(sqlite_url)
    with ctx.uow() as s:
        w = World(s)
        w.room("1-101", "100", owner="张三")
        w.fee("PM", "area", "2")
        bill_run(s, "2026-10", user="admin")
    ctx.close()
    capsys.readouterr()
    d = ["--db", sqlite_url]
    assert _run(capsys, *d, "shift", "open", "--json")[0] == 0
    yield d
    scan_pay.install_factory(None)


def test_cli_scan_tender_success_and_orders(db, capsys):
    f = FakeFactory("success")
    scan_pay.install_factory(f)
    code, r, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", f"scan=150:{WECHAT_CODE}",
                        "--tender", "cash=50", "--json")
    assert code == 0, err
    t = {x["method"]: x for x in r["tenders"]}
    assert {"method", "amount_fen", "ref", "out_trade_no"} <= set(t["wechat"]) and t["wechat"]["amount_fen"] == 15000
    code, o, _ = _run(capsys, *db, "gateway", "orders", "--json")
    assert code == 0 and o["orders"][0] == {**o["orders"][0], "out_trade_no": t["wechat"]["out_trade_no"],
                                            "gateway": "wechat", "amount_fen": 15000, "state": "paid",
                                            "transaction_id": t["wechat"]["ref"]}
    code, o, _ = _run(capsys, *db, "gateway", "orders", "--unconfirmed", "--json")
    assert o == {"orders": []}


def test_cli_exit_codes_declined_bad_code_unknown_then_resolve(db, capsys):
    f = FakeFactory("declined")
    scan_pay.install_factory(f)
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", "scan=200:999", "--json")
    assert code == 2 and "scan.not_payment_code" in err and f.gateways["wechat"].calls == []
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", f"scan=200:{ALIPAY_CODE}")
    assert code == 2 and "declined" in err
    f.script("lost_forever")
    code, _, err = _run(capsys, *db, "prepay", "--room", "1-101", "--tender", f"scan=20:{WECHAT_CODE}", "--json")
    assert code == 1 and "scan.unconfirmed" in err
    code, o, _ = _run(capsys, *db, "gateway", "orders", "--unconfirmed", "--json")
    no = o["orders"][0]["out_trade_no"]
    assert [x["state"] for x in o["orders"]] == ["unknown"]
    f.script("success")
    code, r, err = _run(capsys, *db, "gateway", "resolve", no, "--json")
    assert code == 0 and r["orders"][0]["state"] == "paid", err
    assert f.gateways["wechat"].count("pay") == 1 and f.gateways["wechat"].charged_fen() == 2000
    code, b, _ = _run(capsys, *db, "bills", "--room", "1-101", "--json")
    assert b["prepaid_fen"] == 2000


def test_cli_without_a_driver_changes_nothing(db, capsys):
    scan_pay.install_factory(None)
    code, _, err = _run(capsys, *db, "pay", "--room", "1-101", "--all", "--tender", f"scan=200:{WECHAT_CODE}")
    assert code == 1 and "no payment gateway driver" in err
    code, o, _ = _run(capsys, *db, "gateway", "orders", "--json")
    assert o == {"orders": []}


def test_cli_gateway_set_show_masks_secrets(db, capsys, tmp_path, monkeypatch):
    key = tmp_path / "key.txt"
    key.write_text("S3CRETS3CRETS3CRETS3CRETS3CRET12\n")
    pem = tmp_path / "a.pem"
    pem.write_text("-----BEGIN PRIVATE KEY-----\nPRIVATEPRIVATE\n-----END PRIVATE KEY-----\n")
    code, r, err = _run(capsys, *db, "gateway", "set", "wechat", "--appid", "wx8888", "--mch-id", "1900000109",
                        "--key-file", str(key), "--sign-type", "hmac-sha256", "--base-url", "http://127.0.0.1:9",
                        "--pay-timeout", "30", "--json")
    assert code == 0 and r == {"gateway": "wechat", "mch_id": "1900000109", "base_url": "http://127.0.0.1:9"}, err
    code, r, _ = _run(capsys, *db, "gateway", "set", "alipay", "--app-id", "2021000", "--private-key", str(pem),
                      "--alipay-public-key", str(pem), "--json")
    assert code == 0 and r == {"gateway": "alipay", "app_id": "2021000",
                               "base_url": "https://openapi.alipay.com/gateway.do"}
    code, shown, _ = _run(capsys, *db, "gateway", "show", "--json")
    assert code == 0 and shown["wechat"]["key"] == "******" and shown["wechat"]["pay_timeout"] == 30
    assert shown["alipay"]["private_key"] == "******"
    code, text, _ = _run(capsys, *db, "gateway", "show")
    for out in (json.dumps(shown), text):
        assert "S3CRET" not in out and "PRIVATEPRIVATE" not in out
    code, _, err = _run(capsys, *db, "gateway", "set", "wechat", "--appid", "wx", "--mch-id", "1",
                        "--key-file", str(tmp_path / "missing"))
    assert code == 2 and "--key-file" in err
    ctx = AppContext.open(db[1])
    with ctx.uow() as s:
        users.ensure_user(s, "cashier1", "cashier", password="1234")
    ctx.close()
    monkeypatch.setenv("PROPDESK_PASSWORD", "1234")  # signed in as the cashier: refused for the right, not the password
    code, _, err = _run(capsys, *db, "--user", "cashier1", "gateway", "set", "wechat", "--appid", "wx",
                        "--mch-id", "1", "--key-file", str(key), "--json")
    assert code == 2 and "users.not_allowed" in err
    monkeypatch.setenv("PROPDESK_PASSWORD", "admin")
    code, shown2, _ = _run(capsys, *db, "gateway", "show", "--json")
    assert shown2 == shown  # nothing changed
