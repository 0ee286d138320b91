"""DL/T 645-2007 and CJ/T 188-2004 frames: published example frames, checksums, truncation,
and fuzzing (random bytes never crash a parser: a frame or None or a FrameError)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import InputError
from drivers.meters import cjt188, dlt645
from drivers.serial.line import FrameError

# Published in "DLT645-2007报文解析" (a meter-reading tool's log reproduced on a Chinese
# protocol page): read (current) forward active energy of meter 000000000161, and its reply
# 000000.26 kWh.
DLT_REQUEST = bytes.fromhex("FE FE FE FE 68 61 01 00 00 00 00 68 11 04 33 33 34 33 14 16")
DLT_REPLY = bytes.fromhex("68 61 01 00 00 00 00 68 91 08 33 33 34 33 59 33 33 33 8A 16")

# Published in "CJ/T-188水表协议解析" (shuzhiduo.com/A/rV577rya5P, also hftangyu.com/563.html):
# read a cold-water meter (type 10) 0011223344 of maker 7833 with DI 1F 90 on the wire.
CJT_REQUEST = bytes.fromhex("FE FE FE FE 68 10 44 33 22 11 00 33 78 01 03 1F 90 00 80 16")
# Its reply as printed: 556677.00 m³ now and at settlement, 2015-05-11 22:01:31, ST 21 84.
# The checksum printed there (08) is NOT the sum of the bytes (13): exactly the kind of frame
# that must not be believed. With the checksum recomputed it is a good frame.
CJT_REPLY_AS_PRINTED = bytes.fromhex(
    "FE FE FE FE 68 10 44 33 22 11 00 33 78 81 16 1F 90 00 00 77 66 55 2C 00 77 66 55 2C 31 01 22 11 05 15 20 21 84"
    " 08 16")
CJT_REPLY = CJT_REPLY_AS_PRINTED[:-2] + b"\x13\x16"


def test_dlt645_read_request_is_the_published_frame() -> None:
    assert dlt645.read_request("000000000161") == DLT_REQUEST
    assert dlt645.read_request("161") == DLT_REQUEST  # short addresses are padded with zeros


def test_dlt645_published_reply_reads_0_26_kwh() -> None:
    e = dlt645.energy_of(dlt645.parse_complete(DLT_REPLY), address="000000000161")
    assert (e.address, e.kwh) == ("000000000161", Decimal("0.26"))


def test_dlt645_request_parses_back() -> None:
    f = dlt645.parse_complete(DLT_REQUEST)
    assert (f.address, f.control, f.data) == ("000000000161", 0x11, bytes.fromhex("00 00 01 00"))


def test_dlt645_broadcast_address() -> None:
    assert dlt645.read_request("AAAAAAAAAAAA")[4:12] == bytes.fromhex("68 AA AA AA AA AA AA 68")


def test_dlt645_error_reply_is_a_meter_error() -> None:
    frame = dlt645.build("000000000161", dlt645.C_READ_ERR, b"\x02")
    with pytest.raises(FrameError) as e:
        dlt645.energy_of(dlt645.parse_complete(frame))
    assert e.value.code == "meter.meter_error" and "no data" in e.value.text("en")


def test_dlt645_every_corrupted_byte_is_refused() -> None:
    """Any single byte changed between the first 68 and the checksum is caught."""
    for i in range(0, len(DLT_REPLY) - 1):
        bad = bytearray(DLT_REPLY)
        bad[i] ^= 0x01
        try:
            got = dlt645.parse(bytes(bad))
        except FrameError:
            continue
        if got is None:
            continue  # a changed length byte: the frame now looks unfinished (waits, never believed)
        # a changed address or DI still fails the reply check against the request
        with pytest.raises(FrameError):
            dlt645.energy_of(got[0], address="000000000161")


def test_dlt645_truncated_is_never_a_frame() -> None:
    for n in range(len(DLT_REPLY)):
        assert dlt645.parse(DLT_REPLY[:n]) is None
        with pytest.raises(FrameError) as e:
            dlt645.parse_complete(DLT_REPLY[:n])
        assert e.value.code == "meter.frame_truncated"


def test_dlt645_reply_from_another_meter_is_refused() -> None:
    with pytest.raises(FrameError) as e:
        dlt645.energy_of(dlt645.parse_complete(DLT_REPLY), address="000000000162")
    assert e.value.code == "meter.frame_wrong_meter"


def test_bad_addresses_are_input_errors() -> None:
    for bad in ("12345678901234", "12AB", "", "１２３"):
        with pytest.raises(InputError):
            dlt645.read_request(bad)


def test_cjt188_read_request_is_the_published_frame() -> None:
    assert cjt188.read_request(0x10, "78330011223344", di=b"\x1f\x90") == CJT_REQUEST
    # the default DI order is 90 1F (CJ/T 188-2004 table); same frame otherwise
    assert cjt188.read_request(0x10, "78330011223344")[15:17] == b"\x90\x1f"


def test_cjt188_published_reply_with_its_printed_checksum_is_not_believed() -> None:
    with pytest.raises(FrameError) as e:
        cjt188.parse_complete(CJT_REPLY_AS_PRINTED)
    assert e.value.code == "meter.frame_bad_checksum" and e.value.params == {"expected": 0x13, "got": 0x08}


def test_cjt188_published_reply_reads_flow_time_and_status() -> None:
    r = cjt188.reading_of(cjt188.parse_complete(CJT_REPLY), address="78330011223344")
    assert (r.meter_type, r.address, r.value, r.unit, r.settlement) == (
        0x10, "78330011223344", Decimal("556677.00"), "m3", Decimal("556677.00"))
    assert r.meter_time == datetime(2015, 5, 11, 22, 1, 31) and r.status == 0x8421


def test_cjt188_truncated_and_error_replies() -> None:
    for n in range(len(CJT_REPLY)):
        with pytest.raises(FrameError):
            cjt188.parse_complete(CJT_REPLY[:n])
    err = cjt188.build(0x10, "78330011223344", 0xC1, b"\x90\x1f\x00\x00\x04")
    with pytest.raises(FrameError) as e:
        cjt188.reading_of(cjt188.parse_complete(err))
    assert e.value.code == "meter.meter_error"


def test_frame_errors_have_both_languages() -> None:
    with pytest.raises(FrameError) as e:
        dlt645.parse(DLT_REPLY[:-2] + b"\x00\x16")
    assert "校验和" in e.value.text("zh") and "checksum" in e.value.text("en")


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=80))
def test_fuzz_random_bytes_never_crash_the_parsers(data: bytes) -> None:
    for parse, believe in ((dlt645.parse, dlt645.energy_of), (cjt188.parse, cjt188.reading_of)):
        try:
            got = parse(data)
            if got is not None:
                believe(got[0])
        except FrameError:
            pass


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(DLT_REPLY) - 3), st.integers(1, 255), st.booleans())
def test_fuzz_mutated_published_frames(i: int, x: int, cjt: bool) -> None:
    """A published reply with one byte changed is refused or still reads the right meter."""
    base = CJT_REPLY[4:] if cjt else DLT_REPLY
    bad = bytearray(base)
    bad[i % len(base)] ^= x
    parse, believe = (cjt188.parse, cjt188.reading_of) if cjt else (dlt645.parse, dlt645.energy_of)
    try:
        got = parse(bytes(bad))
        if got is not None:
            believe(got[0])
    except FrameError:
        pass


def test_cjt188_litres_are_read_as_cubic_metres_and_the_type_must_match() -> None:
    body = b"\x90\x1f\x00" + bytes.fromhex("00 50 34 12") + b"\x29" + bytes.fromhex("00 50 34 12") + b"\x29" \
        + bytes.fromhex("00 00 12 01 12 26 20") + b"\x00\x00"
    frame = cjt188.parse_complete(cjt188.build(0x10, "00000000000201", 0x81, body))
    r = cjt188.reading_of(frame, meter_type=0x10)
    assert (r.value, r.unit) == (Decimal("123450.00") / 1000, "m3")  # 123450.00 L
    with pytest.raises(FrameError):
        cjt188.reading_of(frame, meter_type=0x30)
