"""`propdesk refund` by the original route through the REAL drivers over HTTP against the
gateway emulator, configured with `propdesk gateway set` as a manager would: WeChat (both
signatures) and Alipay; a lost reply is settled by query; `refund-orders` shows the order."""

from __future__ import annotations

import pytest

from app.money import fen_to_yuan_str

from tests.integration.test_scan_pay_emulator import (GATEWAYS, IDS, LINE_FEN, _books_balanced, _code, _configure,
                                                      _pay, _run, cli_env, world)  # noqa: F401 — fixtures
from tests.support.gateways import running_emulator


@pytest.mark.parametrize(("gateway", "sign"), GATEWAYS, ids=IDS)
def test_refund_by_the_original_route_from_the_command_line(world, capsys, tmp_path, gateway, sign):  # noqa: F811
    d, line = world
    with running_emulator(tmp_path) as (emu, settings):
        _configure(capsys, d, tmp_path, emu, settings, gateway, sign)
        code, paid, err = _pay(capsys, d, line, f"scan={fen_to_yuan_str(LINE_FEN)}:{_code(gateway)}")
        assert code == 0, err
        emu.script_refund("lost")  # refunded, but the answer never comes: query, never refund again
        code, r, err = _run(capsys, *d, "refund", paid["receipt_no"], "--amount", "50", "--reason", "多收",
                            "--approver", "admin", "--json")
        assert code == 0, err
        assert {k: r[k] for k in ("amount_fen", "route", "state")} == {"amount_fen": 5000, "route": "original",
                                                                        "state": "done"}
        order = emu.order(gateway, paid["tenders"][0]["out_trade_no"])
        assert order.refunded_fen == 5000 and len(order.refunds) == 1
        code, orders, err = _run(capsys, *d, "refund-orders", "--json")
        assert [o["state"] for o in orders["orders"]] == ["recorded"]
        emu.script_refund("declined")
        code, _, err = _run(capsys, *d, "refund", paid["receipt_no"], "--reason", "余款", "--approver", "admin")
        assert code == 2 and "退款" in err
    _books_balanced(d[1])
