"""Fuzzing the parsers of outside input that need no database (issue 15 item 6): scanned
receipt QR payloads, scanned payment codes and typed tenders, WeChat XML and Alipay JSON
replies through the drivers, central's push body check and the audit head check, the
encrypted backup reader. Whatever comes in: never a traceback, always a result or a coded
error whose code is in the message catalogue."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.errors import AppError
from app.gateways import gateway_for_code
from app.messages import catalog
from app.printing import receipt_qr
from app.services import backup_crypto
from app.services.cashier.tenders import parse_tender, parse_tenders

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KEY = "ab" * 32


def coded(e: AppError) -> None:
    """A clear error: a catalogue code, words in both languages, no crash rendering them."""
    assert e.code in catalog(), e.code
    assert e.text("zh") and e.text("en")


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
                           lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids,
                                                                                      max_size=4), max_leaves=12)

# QR payloads near the real shape, and anything at all
qr_like = st.builds(lambda *p: "|".join(p), st.sampled_from(["PD1", "PD2", "", "pd1"]),
                    st.from_regex(r"[A-Za-z0-9_-]{0,12}", fullmatch=True), st.from_regex(r"-?[0-9]{0,17}", fullmatch=True),
                    st.from_regex(r"[0-9]{0,14}", fullmatch=True), st.from_regex(r"[0-9a-fA-F]{0,18}", fullmatch=True))


@FUZZ
@given(st.one_of(st.text(max_size=80), qr_like))
def test_receipt_qr(payload):
    r = receipt_qr.verify(payload, lambda code: KEY if code == "T1" else None)
    assert r.code in catalog() and isinstance(r.genuine, bool)
    try:
        receipt_qr.parse(payload)
    except AppError as e:
        coded(e)


@FUZZ
@given(st.text(max_size=40))
def test_scanned_payment_codes_and_tenders(text):
    assert gateway_for_code(text) is None or gateway_for_code(text).name in ("wechat", "alipay")
    for f in (lambda: parse_tender(text), lambda: parse_tenders([text, "cash=1"])):
        try:
            f()
        except AppError as e:
            coded(e)


# --- gateway replies through the drivers' own reading ---------------------------------

class _Reply:
    def __init__(self, status: int, content: bytes) -> None:
        self.status_code, self.content = status, content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):  # noqa: ANN201
        return json.loads(self.text)


class _Session:
    def __init__(self, status: int, body: bytes) -> None:
        self.reply = _Reply(status, body)

    def post(self, url, data=None, **kw):  # noqa: ANN001, ANN003, ANN201
        return self.reply

    def get(self, url, **kw):  # noqa: ANN001, ANN003, ANN201
        return self.reply


def _xml(fields: dict) -> bytes:
    inner = "".join(f"<{k}>{v}</{k}>" for k, v in fields.items() if k.isidentifier())
    return f"<xml>{inner}</xml>".encode()


wechat_fields = st.dictionaries(
    st.sampled_from(["return_code", "result_code", "err_code", "trade_state", "total_fee", "transaction_id",
                     "out_trade_no", "appid", "mch_id", "sign", "nonce_str", "recall", "return_msg", "x"]),
    st.one_of(st.sampled_from(["SUCCESS", "FAIL", "USERPAYING", "SYSTEMERROR", "NOTPAY", "ORDERNOTEXIST", "1230",
                               "-1", "1e3", "", "<![CDATA[x]]>", "&amp;", "</xml>"]), st.text(max_size=12)),
    max_size=10)


@FUZZ
@given(st.one_of(st.binary(max_size=300), wechat_fields.map(_xml)), st.sampled_from([200, 200, 500, 302, 404]),
       st.sampled_from(["pay", "query", "reverse"]))
@example(b"<xml><sign>\xc2\x80</sign></xml>", 200, "pay")  # was a TypeError in wechat.verify (non-ASCII sign)
def test_wechat_replies(body, status, op):
    from drivers.gateways import wechat as wx

    gw = wx.WeChatPay({"appid": "wx1", "mch_id": "1900000109", "key": "k" * 32, "cert": "c", "cert_key": "k",
                       "reverse_tries": 1, "retry_wait": 0}, session=_Session(status, body))
    try:
        r = gw.pay("P1", "134567890123456789", 1230, "x") if op == "pay" else getattr(gw, op)("P1")
    except AppError as e:
        coded(e)
        return
    assert r.state in ("success", "failed", "paying", "unknown", "closed", "reversed", "not_found", "refunded") \
        or isinstance(r.state, str)


alipay_nodes = st.dictionaries(
    st.sampled_from(["code", "msg", "sub_code", "trade_no", "out_trade_no", "total_amount", "trade_status",
                     "retry_flag", "action", "x"]),
    st.one_of(st.sampled_from(["10000", "10003", "40004", "20000", "12.30", "-1", "1e9", "TRADE_SUCCESS",
                               "WAIT_BUYER_PAY", "Y", "N", ""]), st.text(max_size=10), st.integers(), st.none()),
    max_size=8)


@FUZZ
@given(st.one_of(st.binary(max_size=300), alipay_nodes.map(
    lambda n: json.dumps({"alipay_trade_pay_response": n, "sign": "abc"}).encode()),
    json_values.map(lambda v: json.dumps(v).encode())),
    st.sampled_from([200, 200, 500]), st.sampled_from(["pay", "query", "reverse"]))
def test_alipay_replies(alipay_keys, body, status, op):
    from drivers.gateways import alipay as ali

    app_pem, pub_pem = alipay_keys
    gw = ali.Alipay({"app_id": "2021", "private_key": app_pem, "alipay_public_key": pub_pem, "retry_wait": 0,
                     "reverse_tries": 1}, session=_Session(status, body))
    try:
        r = gw.pay("P1", "286567890123456789", 1230, "x") if op == "pay" else getattr(gw, op)("P1")
    except AppError as e:
        coded(e)
        return
    assert isinstance(r.state, str)


@pytest.fixture(scope="module")
def alipay_keys():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    app_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ali_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    pub = ali_key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return pem, pub


# --- central's checks of a push body (before any database work) -------------------------

class _T:
    code, id, communities = "T1", "t1", []


@FUZZ
@given(json_values)
def test_central_push_body_and_audit_head(body):
    from app.central import audit_heads
    from app.central.errors import HttpError
    from app.central.push import validate_batch

    for f in (lambda: validate_batch(body, _T()),
              lambda: validate_batch({"terminal": "T1", "events": [body]}, _T()),
              lambda: audit_heads._valid(body, _T())):
        try:
            f()
        except HttpError as e:
            assert 400 <= e.status < 500 and e.code in catalog()


# --- the encrypted backup reader ------------------------------------------------------------

_SEALED = io.BytesIO()
backup_crypto.encrypt(io.BytesIO(b"SQLite format 3\x00" + b"x" * 3000), _SEALED, "pw")
SEALED = _SEALED.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.tuples(st.integers(0, len(SEALED) - 1), st.integers(1, 255)).map(
    lambda t: SEALED[:t[0]] + bytes([SEALED[t[0]] ^ t[1]]) + SEALED[t[0] + 1:]),
    st.integers(0, len(SEALED) - 1).map(lambda n: SEALED[:n])))
def test_backup_reader(data):
    try:
        backup_crypto.decrypt(io.BytesIO(data), io.BytesIO(), "pw")
    except AppError as e:
        coded(e)
        assert e.code in ("backup.damaged", "backup.wrong_passphrase")
    else:
        raise AssertionError("a changed or cut backup was accepted")
