"""The receipt QR: signed by the terminal's key, verified offline, tampering detected."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.printing.receipt_qr import parse, sign, terminal_of, verify
from tests.support.printing_samples import ISSUED, KEY_HEX

KEYS = {"T1": KEY_HEX, "T2": "ff" * 32}


def test_roundtrip():
    payload = sign("T1-20261124-0001", 30514, ISSUED, KEY_HEX)
    assert payload.startswith("PD1|T1-20261124-0001|30514|1795501805|") and len(payload) < 64
    f = parse(payload)
    assert (f.receipt_no, f.total_fen, f.issued_at, f.terminal) == ("T1-20261124-0001", 30514, ISSUED, "T1")
    r = verify(payload, KEYS.get)
    assert (r.genuine, r.reason, r.receipt_no, r.total_fen, r.issued_at) == (True, "ok", "T1-20261124-0001", 30514, ISSUED)


def test_same_instant_in_another_zone_signs_the_same():
    beijing = ISSUED.astimezone(timezone(timedelta(hours=8)))
    assert sign("T1-20261124-0001", 1, beijing, KEY_HEX) == sign("T1-20261124-0001", 1, ISSUED, KEY_HEX)


@pytest.mark.parametrize("field, value", [(2, "30515"), (1, "T1-20261124-0002"), (3, "1795501806")])
def test_tampering_is_detected(field, value):
    parts = sign("T1-20261124-0001", 30514, ISSUED, KEY_HEX).split("|")
    parts[field] = value
    r = verify("|".join(parts), KEYS.get)
    assert not r.genuine and r.reason == "signature mismatch"


def test_another_terminals_key_does_not_verify():
    payload = sign("T1-20261124-0001", 30514, ISSUED, KEYS["T2"])
    assert verify(payload, KEYS.get).reason == "signature mismatch"


def test_unknown_terminal():
    r = verify(sign("T9-20261124-0001", 1, ISSUED, KEY_HEX), KEYS.get)
    assert not r.genuine and r.reason == "unknown terminal T9" and r.total_fen == 1


@pytest.mark.parametrize("payload, message", [
    ("", "fields"), ("PD1|T1-1|2|3", "fields"), ("PD2|T1-20261124-0001|1|1|0123456789abcdef", "version"),
    ("PD1|nodash|1|1|0123456789abcdef", "receipt number"), ("PD1|T1-1|1.5|1|0123456789abcdef", "integer fen"),
    ("PD1|T1-1|1|-5|0123456789abcdef", "Unix seconds"), ("PD1|T1-1|1|1|XYZ", "signature"),
])
def test_malformed_payloads(payload, message):
    with pytest.raises(ValueError) as e:
        parse(payload)
    assert message.lower() in e.value.text("en").lower()
    r = verify(payload, KEYS.get)
    assert not r.genuine and r.reason.startswith("malformed")


def test_bad_inputs_to_sign():
    for args, needle in (((datetime(2026, 1, 1), KEY_HEX), "timezone"), ((ISSUED, "abcd"), "at least 16 bytes"),
                         ((ISSUED, "zz" * 16), "hex")):
        with pytest.raises(ValueError) as e:
            sign("T1-1", 1, *args)
        assert needle in e.value.text("en")
    with pytest.raises(TypeError):
        sign("T1-1", 1.0, ISSUED, KEY_HEX)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        sign("T1|x-1", 1, ISSUED, KEY_HEX)
    assert terminal_of("T12-20261124-0001") == "T12"
