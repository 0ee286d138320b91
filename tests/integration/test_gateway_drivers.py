"""Both gateway drivers over real HTTP on loopback against the emulator (issue 12): every
scripted outcome, reversal and refund, tampered and refused signatures, timeouts, and the
client certificate on WeChat's /secapi/ calls.

No database: these tests exercise the wire protocols; the payment flow's own tests (app/)
use the same emulator through the factory."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from drivers.gateways.emulator import GatewayEmulator
from drivers.gateways.factory import open_gateway

WECHAT_CODE = "134567890123456789"
ALIPAY_CODE = "284567890123456789"
DECLINED = {"wechat": "AUTH_CODE_INVALID", "alipay": "ACQ.PAYMENT_AUTH_CODE_INVALID"}


@pytest.fixture(scope="module")
def app_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture(scope="module")
def alipay_key():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def emu(app_key, alipay_key):
    e = GatewayEmulator(wechat_key="a" * 32, alipay_app_public_key=app_key[1], alipay_private_key=alipay_key)
    e.start()
    yield e
    e.stop()


@pytest.fixture
def cert_files(tmp_path):
    # The emulator speaks plain HTTP, so these are never used for TLS; requests still
    # insists the files exist, and the recording adapter shows they were passed.
    cert, key = tmp_path / "apiclient_cert.pem", tmp_path / "apiclient_key.pem"
    cert.write_text("cert")
    key.write_text("key")
    return str(cert), str(key)


class RecordingAdapter(requests.adapters.HTTPAdapter):
    """Records the path and the client certificate of every request sent."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, object]] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # noqa: ANN001
        self.sent.append((urlsplit(request.url).path, cert))
        return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)


def settings_for(name: str, emu: GatewayEmulator, app_key, cert_files, **extra) -> dict:
    common = {"http_timeout": 10, "retry_wait": 0, **extra}
    if name == "wechat":
        return {"appid": emu.wechat_appid, "mch_id": emu.wechat_mch_id, "key": emu.wechat_key, "base_url": emu.url,
                "cert": cert_files[0], "cert_key": cert_files[1], **common}
    return {"app_id": emu.alipay_app_id, "private_key": app_key[0], "alipay_public_key": emu.alipay_public_key_pem,
            "base_url": emu.url + "/gateway.do", **common}


GATEWAY_CASES = [("wechat", "MD5"), ("wechat", "HMAC-SHA256"), ("alipay", None)]


@pytest.fixture(params=GATEWAY_CASES, ids=lambda c: c[0] + (f"-{c[1]}" if c[1] else ""))
def gw(request, emu, app_key, cert_files):
    name, sign_type = request.param
    extra = {"sign_type": sign_type} if sign_type else {}
    g = open_gateway(name, settings_for(name, emu, app_key, cert_files, **extra))
    g.recorder = RecordingAdapter()  # type: ignore[attr-defined]
    g.session.mount("http://", g.recorder)  # type: ignore[attr-defined]
    return g


def code_for(g) -> str:
    return WECHAT_CODE if g.name == "wechat" else ALIPAY_CODE


# --- the outcomes ---------------------------------------------------------------------------

def test_success(gw, emu):
    r = gw.pay("PD-1", code_for(gw), 1230, "物业费 2026-12")
    assert (r.state, r.amount_fen) == ("success", 1230) and r.transaction_id
    order = emu.order(gw.name, "PD-1")
    assert order.state == "paid" and order.amount_fen == 1230 and order.transaction_id == r.transaction_id
    q = gw.query("PD-1")
    assert (q.state, q.transaction_id, q.amount_fen) == ("success", r.transaction_id, 1230)


def test_amount_goes_on_the_wire_in_each_protocols_unit(gw, emu):
    gw.pay("PD-W", code_for(gw), 1005, "物业费")
    _, _, params = emu.calls[-1]
    if gw.name == "wechat":
        assert params["total_fee"] == "1005" and params["auth_code"] == WECHAT_CODE
    else:
        import json

        biz = json.loads(params["biz_content"])
        assert biz["total_amount"] == "10.05" and biz["scene"] == "bar_code" and biz["auth_code"] == ALIPAY_CODE


def test_user_paying_then_success_after_queries(gw, emu):
    emu.script(code_for(gw), {"outcome": "paying", "queries": 2})
    r = gw.pay("PD-2", code_for(gw), 500, "物业费")
    assert r.state == "paying" and r.code in ("USERPAYING", "WAIT_BUYER_PAY")
    assert [gw.query("PD-2").state for _ in range(2)] == ["paying", "paying"]
    done = gw.query("PD-2")
    assert (done.state, done.amount_fen) == ("success", 500) and done.transaction_id


def test_declined_takes_nothing(gw, emu):
    emu.script(code_for(gw), "declined")
    r = gw.pay("PD-3", code_for(gw), 500, "物业费")
    assert (r.state, r.code) == ("failed", DECLINED[gw.name]) and r.transaction_id is None
    assert emu.order(gw.name, "PD-3").state == "declined"


def test_never_confirmed_is_reversed_and_nothing_is_taken(gw, emu):
    emu.script(code_for(gw), "never")
    assert gw.pay("PD-4", code_for(gw), 500, "物业费").state == "paying"
    assert all(gw.query("PD-4").state == "paying" for _ in range(3))
    assert gw.reverse("PD-4").state == "reversed"
    after = gw.query("PD-4")
    assert after.state == ("reversed" if gw.name == "wechat" else "closed")
    order = emu.order(gw.name, "PD-4")
    assert order.state == "reversed" and order.refunded_fen == 0


def test_system_error_but_paid_is_unknown_then_the_query_finds_it_paid(gw, emu):
    emu.script(code_for(gw), "syserror_paid")
    r = gw.pay("PD-5", code_for(gw), 800, "物业费")
    assert r.state == "unknown" and r.code in ("SYSTEMERROR", "isp.unknow-error")
    q = gw.query("PD-5")
    assert (q.state, q.amount_fen) == ("success", 800) and q.transaction_id == emu.order(gw.name, "PD-5").transaction_id


def test_reply_lost_is_unknown_then_the_query_finds_it_paid(gw, emu):
    emu.script(code_for(gw), "reply_lost")
    r = gw.pay("PD-6", code_for(gw), 800, "物业费")
    assert (r.state, r.code) == ("unknown", "NETWORK")
    assert gw.query("PD-6").state == "success"
    # the same number is never paid twice: the gateway refuses a second pay under it
    again = gw.pay("PD-6", code_for(gw), 800, "物业费")
    assert again.state == "unknown" and again.code in ("ORDERPAID", "ACQ.TRADE_HAS_SUCCESS")


def test_next_order_scripting(gw, emu):
    emu.script_next("declined", "success")
    assert gw.pay("PD-N1", code_for(gw), 100, "x").state == "failed"
    assert gw.pay("PD-N2", code_for(gw), 100, "x").state == "success"


def test_query_of_an_order_never_seen_is_failed(gw):
    r = gw.query("PD-NONE")
    assert (r.state, r.code) == ("failed", "ORDERNOTEXIST" if gw.name == "wechat" else "ACQ.TRADE_NOT_EXIST")


# --- reverse / cancel -----------------------------------------------------------------------

def test_reverse_of_a_paid_order_refunds_it(gw, emu):
    assert gw.pay("PD-7", code_for(gw), 900, "物业费").state == "success"
    assert gw.reverse("PD-7").state == "reversed"
    order = emu.order(gw.name, "PD-7")
    assert order.state == "reversed" and order.refunded_fen == 900


def test_reverse_asked_again_is_called_again(gw, emu):
    emu.script(code_for(gw), {"outcome": "never", "reverse_busy": 2})
    gw.pay("PD-8", code_for(gw), 500, "x")
    before = len(emu.calls)
    assert gw.reverse("PD-8").state == "reversed"
    assert len(emu.calls) - before == 3


def test_reverse_still_busy_after_the_bound_is_unknown(gw, emu):
    emu.script(code_for(gw), {"outcome": "never", "reverse_busy": 50})
    gw.pay("PD-9", code_for(gw), 500, "x")
    before = len(emu.calls)
    r = gw.reverse("PD-9")
    assert r.state == "unknown" and len(emu.calls) - before == gw.reverse_tries
    assert emu.order(gw.name, "PD-9").state == "paying"


def test_reverse_of_an_unknown_number_closes_it_against_a_late_pay(gw, emu):
    assert gw.reverse("PD-LATE").state == "reversed"
    assert gw.pay("PD-LATE", code_for(gw), 500, "x").state == "failed"
    assert not emu.order(gw.name, "PD-LATE").refunded_fen


# --- refunds --------------------------------------------------------------------------------

def test_refunds_up_to_the_paid_amount_and_never_twice(gw, emu):
    assert gw.pay("PD-10", code_for(gw), 1000, "x").state == "success"
    r = gw.refund("PD-10", "RF-1", 1000, 300, "多收")
    assert (r.state, r.amount_fen) == ("refunded", 300)
    assert gw.refund("PD-10", "RF-1", 1000, 300, "多收").state == "refunded"  # the same refund again
    assert emu.order(gw.name, "PD-10").refunded_fen == 300
    too_much = gw.refund("PD-10", "RF-2", 1000, 701, "x")
    assert too_much.state == "failed"
    assert too_much.code == ("INVALID_REQUEST" if gw.name == "wechat" else "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL")
    assert gw.refund("PD-10", "RF-3", 1000, 700, "x").state == "refunded"
    assert emu.order(gw.name, "PD-10").refunded_fen == 1000


def test_refund_of_an_unpaid_order_fails(gw, emu):
    emu.script(code_for(gw), "declined")
    gw.pay("PD-11", code_for(gw), 1000, "x")
    assert gw.refund("PD-11", "RF-1", 1000, 100, "x").state == "failed"


# --- signatures -------------------------------------------------------------------------------

def test_a_tampered_reply_signature_is_never_success(gw, emu):
    emu.tamper = True
    r = gw.pay("PD-12", code_for(gw), 1000, "x")
    assert (r.state, r.code) == ("unknown", "BAD_SIGNATURE")
    assert emu.order(gw.name, "PD-12").state == "paid"  # it was paid: unknown, so the caller queries
    for call in (lambda: gw.query("PD-12"), lambda: gw.reverse("PD-12"), lambda: gw.refund("PD-12", "R", 1000, 1, "x")):
        assert call().state == "unknown"
    emu.tamper = False
    # the gateway did act on them (refund, then reversal): only the replies were not believed
    assert gw.query("PD-12").state == ("reversed" if gw.name == "wechat" else "closed")


@pytest.mark.parametrize("name", ["wechat", "alipay"])
def test_a_wrong_merchant_key_is_refused_by_the_gateway(name, emu, app_key, cert_files):
    if name == "wechat":
        bad = settings_for(name, emu, app_key, cert_files, key="b" * 32)
    else:
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        bad = settings_for(name, emu, app_key, cert_files, private_key=other.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode())
    g = open_gateway(name, bad)
    r = g.pay("PD-13", WECHAT_CODE if name == "wechat" else ALIPAY_CODE, 1000, "x")
    # refused before any order exists: a definite failure, nothing charged
    assert r.state == "failed" and r.code == ("RETURN_FAIL" if name == "wechat" else "isv.invalid-signature")
    assert emu.order(name, "PD-13") is None
    # the query cannot tell the order's state: unknown, never failed
    assert g.query("PD-13").state == "unknown"


# --- network ----------------------------------------------------------------------------------

def test_timeout_is_unknown_and_the_order_can_be_queried_after(emu, app_key, cert_files):
    for name, code in (("wechat", WECHAT_CODE), ("alipay", ALIPAY_CODE)):
        g = open_gateway(name, settings_for(name, emu, app_key, cert_files, http_timeout=0.3))
        emu.hold = threading.Event()
        r = g.pay(f"PD-15-{name}", code, 1000, "x")
        assert (r.state, r.code) == ("unknown", "NETWORK") and "Timeout" in r.message
        emu.hold.set()
        emu.hold = None
        assert g.query(f"PD-15-{name}").state == "success"


def test_nobody_listening_is_unknown(app_key, cert_files, emu):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for name in ("wechat", "alipay"):
        settings = settings_for(name, emu, app_key, cert_files)
        settings["base_url"] = f"http://127.0.0.1:{port}" + ("/gateway.do" if name == "alipay" else "")
        g = open_gateway(name, settings)
        assert g.pay("PD-16", WECHAT_CODE if name == "wechat" else ALIPAY_CODE, 1, "x").code == "NETWORK"
        assert g.reverse("PD-16").state == "unknown"


# --- WeChat client certificate on /secapi/ --------------------------------------------------

def test_wechat_secapi_calls_carry_the_client_certificate(emu, app_key, cert_files):
    g = open_gateway("wechat", settings_for("wechat", emu, app_key, cert_files))
    rec = RecordingAdapter()
    g.session.mount("http://", rec)
    g.pay("PD-17", WECHAT_CODE, 100, "x")
    g.query("PD-17")
    g.refund("PD-17", "RF-1", 100, 10, "x")
    g.reverse("PD-17")
    assert rec.sent == [("/pay/micropay", None), ("/pay/orderquery", None),
                        ("/secapi/pay/refund", cert_files), ("/secapi/pay/reverse", cert_files)]


def test_wechat_secapi_without_a_certificate_sends_nothing(emu, app_key, cert_files):
    settings = settings_for("wechat", emu, app_key, cert_files)
    del settings["cert"], settings["cert_key"]
    g = open_gateway("wechat", settings)
    assert g.pay("PD-18", WECHAT_CODE, 100, "x").state == "success"
    before = len(emu.calls)
    assert (g.reverse("PD-18").state, g.reverse("PD-18").code) == ("unknown", "CERT_MISSING")
    assert g.refund("PD-18", "R", 100, 1, "x").code == "CERT_MISSING"
    assert len(emu.calls) == before


def test_script_file_format(emu):
    emu.load_script({"codes": {WECHAT_CODE: {"outcome": "paying", "queries": 1}}, "next": ["declined"]})
    assert emu.codes[WECHAT_CODE].queries == 1 and emu.next_plans[0].outcome == "declined"
    with pytest.raises(ValueError):
        emu.load_script({"next": ["explode"]})


def test_the_emulator_runs_as_a_program_and_prints_working_settings(tmp_path):
    """`python -m drivers.gateways.emulator` (the demo): its printed settings work."""
    import os
    import subprocess
    import sys

    from drivers.gateways.emulator import _demo_keys

    script = tmp_path / "script.json"
    script.write_text('{"codes": {"%s": "declined"}}' % ALIPAY_CODE)
    proc = subprocess.Popen([sys.executable, "-m", "drivers.gateways.emulator", "--listen", "127.0.0.1:0",
                             "--script", str(script), "--keys", str(tmp_path / "keys")],
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = proc.stdout.readline()
        url = first.split(" on ", 1)[1].split()[0]
        lines = [proc.stdout.readline() for _ in range(3)]
        assert "gateway set wechat" in lines[0] and "gateway set alipay" in lines[1]
        keys = _demo_keys(tmp_path / "keys")  # made by the program; read back, not remade
        wechat = open_gateway("wechat", {"appid": "wx0000000000emul", "mch_id": "1900000109",
                                         "key": str(keys["wechat_key"]), "base_url": url})
        assert wechat.pay("PD-CLI", WECHAT_CODE, 100, "x").state == "success"
        alipay = open_gateway("alipay", {"app_id": "2021000000000001", "private_key": str(keys["app_private"]),
                                         "alipay_public_key": str(keys["alipay_public"]), "base_url": url + "/gateway.do"})
        assert alipay.pay("PD-CLI", ALIPAY_CODE, 100, "x").code == "ACQ.PAYMENT_AUTH_CODE_INVALID"
        assert oct(keys["app_private"].stat().st_mode & 0o777) == "0o600"
    finally:
        proc.terminate()
        proc.wait(10)


def test_wechat_secapi_presents_the_client_certificate_over_tls(tmp_path, app_key, alipay_key):
    """Over real TLS: the emulator asks for a client certificate; only the /secapi/ calls
    present the merchant's (its CN is the mch_id, as WeChat issues them)."""
    import ssl

    from tests.support.tls_certs import make_certs

    certs = make_certs(tmp_path / "tls", client_cn="1900000109")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certs["server"], certs["server_key"])
    ctx.load_verify_locations(certs["ca"])
    ctx.verify_mode = ssl.CERT_OPTIONAL
    emu = GatewayEmulator(wechat_key="a" * 32)
    url = emu.start(tls=ctx)
    try:
        assert url.startswith("https://")
        g = open_gateway("wechat", {"appid": emu.wechat_appid, "mch_id": emu.wechat_mch_id, "key": emu.wechat_key,
                                    "base_url": url, "cert": str(certs["client"]), "cert_key": str(certs["client_key"]),
                                    "retry_wait": 0, "ca_bundle": str(certs["ca"])})  # the throwaway CA
        assert g.pay("PD-TLS", WECHAT_CODE, 100, "x").state == "success"
        assert g.refund("PD-TLS", "RF-1", 100, 10, "x").state == "refunded"
        assert g.reverse("PD-TLS").state == "reversed"
        assert emu.client_certs == [("/pay/micropay", None), ("/secapi/pay/refund", "1900000109"),
                                    ("/secapi/pay/reverse", "1900000109")]
    finally:
        emu.stop()


def test_the_support_helper_gives_working_settings_for_both(tmp_path):
    from tests.support.gateways import ALIPAY_CODE as A
    from tests.support.gateways import WECHAT_CODE as W
    from tests.support.gateways import running_emulator

    with running_emulator(tmp_path) as (emu, settings):
        emu.script(W, "declined")
        assert open_gateway("wechat", settings["wechat"]).pay("S1", W, 100, "x").state == "failed"
        assert open_gateway("alipay", settings["alipay"]).pay("S1", A, 100, "x").state == "success"
